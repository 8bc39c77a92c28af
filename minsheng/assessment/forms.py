"""Forms of the assessment pages. They parse and bound input; `scoring` decides the rest."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.assessment.models import Cohandling, Exclusion, ScoringPolicy
from minsheng.orgs.models import Unit

TEXT_LIMIT = 2000


class ExclusionForm(forms.Form):
    """A unit's request to take one ticket out of its rates."""

    unit = forms.ModelChoiceField(
        label=_("申请单位"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("请选择申请单位。"), "invalid_choice": _("请选择申请单位。")},
    )
    reason = forms.ChoiceField(
        label=_("剔除类型"),
        choices=Exclusion.Reason.choices,
        error_messages={"required": _("请选择剔除类型。"), "invalid_choice": _("请选择剔除类型。")},
    )
    evidence = forms.CharField(
        label=_("事实与依据"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("请填写事实与依据。"),
            "max_length": _("事实与依据不能超过 2000 字。"),
        },
        help_text=_("说明该诉求为何不合理或不属本单位职责，引用政策文件或现场核实情况。"),
    )
    attachment = forms.FileField(label=_("佐证材料（可选）"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.only_unit = units[0] if len(units) == 1 else None
        if self.only_unit is not None:
            self.fields["unit"].required = False
            self.fields["unit"].initial = self.only_unit

    def clean_unit(self) -> Unit | None:
        return self.cleaned_data.get("unit") or self.only_unit


class DecisionForm(forms.Form):
    """The centre's decision on an exclusion or an appeal."""

    approve = forms.TypedChoiceField(
        label=_("结果"),
        choices=[("1", _("同意")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
        error_messages={
            "required": _("请选择同意或不同意。"),
            "invalid_choice": _("请选择同意或不同意。"),
        },
    )
    note = forms.CharField(
        label=_("意见"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("意见不能超过 2000 字。")},
    )


class AppealForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("申诉单位"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("请选择申诉单位。"), "invalid_choice": _("请选择申诉单位。")},
    )
    period = forms.CharField(
        label=_("考核月份"), max_length=7, error_messages={"required": _("请填写考核月份。")}
    )
    reason = forms.CharField(
        label=_("申诉理由"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("请填写申诉理由。"),
            "max_length": _("申诉理由不能超过 2000 字。"),
        },
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PolicyForm(forms.ModelForm):
    """A new version of the scoring policy, starting from the one in force."""

    note = forms.CharField(
        label=_("修订说明"), max_length=200, error_messages={"required": _("请填写修订说明。")}
    )
    cohandling = forms.ChoiceField(label=_("协办工单计入"), choices=Cohandling.choices)

    class Meta:
        model = ScoringPolicy
        fields = [
            "street_response", "street_resolution", "street_satisfaction",
            "department_response", "department_resolution", "department_satisfaction",
            "enterprise_response", "enterprise_resolution", "enterprise_satisfaction",
            "satisfied_weight", "basically_weight", "min_volume", "cohandling",
            "red_list", "black_list", "red_min_score", "black_below_score",
        ]  # fmt: skip
