"""Forms of the eldercare pages: enrolment, ending it, absences, outcomes, the sheet upload."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.eldercare import rows, rules
from minsheng.eldercare.models import Absence
from minsheng.orgs.access import standing_of, units_under
from minsheng.orgs.forms import unit_choices
from minsheng.orgs.models import Unit

KINDS = (Unit.Kind.COMMUNITY, Unit.Kind.GRID, Unit.Kind.VILLAGE, Unit.Kind.STREET)
LOCAL = {"type": "datetime-local"}


def units_for(user: Any) -> Any:
    standing = standing_of(user)
    units = Unit.objects.filter(is_active=True) if standing.is_centre else units_under(standing)
    return units.filter(kind__in=KINDS).select_related("parent").order_by("path")


class EnrolForm(forms.Form):
    code = forms.CharField(label=_("户编号"), max_length=40)
    name = forms.CharField(label=_("老人姓名"), max_length=60)
    phone = forms.CharField(label=_("老人电话"), max_length=20, required=False)
    address = forms.CharField(label=_("住址"), max_length=200)
    unit = forms.ChoiceField(label=_("社区或网格"))
    tags = forms.MultipleChoiceField(
        label=_("标签"),
        choices=[(t, t) for t in rules.TAGS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_by = forms.CharField(label=_("同意人"), max_length=60)
    consent_how = forms.CharField(label=_("同意方式"), max_length=60, initial=_("书面同意书"))
    contacts = forms.CharField(
        label=_("联系人（按通知顺序，每行 姓名:电话:关系）"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    meters = forms.CharField(
        label=_("水电表（每行 表号,类型,上报间隔分钟）"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units_for(user)}
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = unit_choices(self.units.values())

    def clean_unit(self) -> Unit:
        unit = self.units.get(self.cleaned_data["unit"])
        if unit is None:
            raise forms.ValidationError(_("请选择您管辖范围内的社区或网格。"))
        return unit

    def clean_contacts(self) -> list[rows.ContactRow]:
        try:
            return rows.parse_contacts(self.cleaned_data["contacts"].replace("\n", ";"))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_meters(self) -> list[tuple[str, str, int]]:
        meters = []
        for line in filter(None, (x.strip() for x in self.cleaned_data["meters"].splitlines())):
            bits = [b.strip() for b in line.replace("，", ",").split(",")]
            if len(bits) != 3:
                raise forms.ValidationError(_("每行应写成 表号,类型,上报间隔分钟"))
            try:
                meters.append(
                    rows.meter_row(
                        dict(zip(("meter", "meter_kind", "report_minutes"), bits, strict=True))
                    )
                )
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        if not meters:
            raise forms.ValidationError(_("至少登记一块表"))
        return meters


class EndForm(forms.Form):
    reason = forms.CharField(label=_("结束原因"), max_length=200)


class AbsenceForm(forms.Form):
    reason = forms.ChoiceField(label=_("外出原因"), choices=Absence.Reason.choices)
    starts = forms.DateTimeField(label=_("开始"), widget=forms.DateTimeInput(attrs=LOCAL))
    ends = forms.DateTimeField(label=_("结束"), widget=forms.DateTimeInput(attrs=LOCAL))
    ticket = forms.CharField(label=_("来自12345工单（编号，选填）"), max_length=24, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            raise forms.ValidationError(_("结束时间应晚于开始时间。"))
        return data


class FamilyAbsenceForm(AbsenceForm):
    """The family's own registration on the resident pages: the household's code and a phone
    registered as one of its contacts."""

    household = forms.CharField(label=_("户编号（社区登记时告知）"), max_length=40)
    phone = forms.CharField(label=_("您的手机号（须为登记的联系人）"), max_length=20)
    ticket = None  # type: ignore[assignment]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("上门结果"), choices=list(rules.OUTCOMES.items()))
    note = forms.CharField(
        label=_("情况说明"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("如何确认平安"), max_length=200)


class ImportForm(forms.Form):
    sheet = forms.FileField(label=_("登记表（CSV，UTF-8）"))
    consent_how = forms.CharField(label=_("同意方式"), max_length=60, initial=_("书面同意书"))
