"""The resident's one-tap self-report (一键申报) under /m/households/report/."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.citizens.masking import normalise_phone
from minsheng.households import write
from minsheng.households.forms import SelfReportForm
from minsheng.households.models import Clue
from minsheng.orgs.models import Unit


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    villages = Unit.objects.filter(kind=Unit.Kind.VILLAGE, is_active=True).order_by("path")
    form = SelfReportForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        phone = normalise_phone(data["phone"])
        if not phone:
            form.add_error("phone", _("请输入正确的电话号码"))
        else:
            try:
                clue = write.add_clue(
                    write.ClueIn(
                        village=villages.get(pk=int(data["village"])),
                        source=Clue.Source.SELF,
                        name=data["name"].strip(),
                        phone=phone,
                        text=data["difficulty"],
                    ),
                    by="农户自主申报",
                )
                return render(request, "households/m_done.html", {"clue": clue})
            except write.Refused as refused:
                form.add_error(None, str(refused))
    return render(request, "households/m_report.html", {"form": form})
