"""The family's page under /m/: register that the elder is away, so no welfare alarm is sent.

There is no account: the family proves who they are with the household's code (given at
enrolment) and a phone registered as one of its contacts; tries are throttled per address.
"""

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.citizens.masking import normalise_phone
from minsheng.eldercare import alarms, forms
from minsheng.eldercare.models import Household
from minsheng.tickets.transitions import WorkflowError

TRIES_PER_HOUR = 10


@require_http_methods(["GET", "POST"])
def absence(request: HttpRequest) -> HttpResponse:
    form = forms.FamilyAbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        slot = f"eldercare-absence:{request.META.get('REMOTE_ADDR', '')}"
        tries = cache.get_or_set(slot, 0, 3600) or 0
        cache.set(slot, tries + 1, 3600)
        d = form.cleaned_data
        phone = normalise_phone(d["phone"])
        household = (
            Household.objects.filter(
                code=d["household"].strip(), ended_at__isnull=True, contacts__phone=phone
            ).first()
            if phone
            else None
        )
        if tries >= TRIES_PER_HOUR:
            form.add_error(None, _("尝试次数过多，请一小时后再试，或致电社区登记。"))
        elif household is None:
            form.add_error(None, _("户编号与登记的联系人电话不符。"))
        else:
            try:
                alarms.register_absence(
                    household,
                    starts=d["starts"],
                    ends=d["ends"],
                    reason=d["reason"],
                    source="family",
                    by=_("家属（尾号%(last4)s）") % {"last4": phone[-4:]},
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已登记。外出期间不发用水预警，到期自动恢复。"))
                return redirect("eldercare_m:absence")
    return render(request, "eldercare/family_absence.html", {"form": form})
