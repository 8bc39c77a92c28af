"""Forms of the staff pages and of the resident's one-tap report."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.households import rules
from minsheng.households.catalogue import MEASURE_CHOICES, PAYMENT_CHOICES
from minsheng.households.models import MONITORED, HouseholdStatus, Parameters

_MONEY: dict[str, Any] = {
    "min_value": 0,
    "max_digits": 12,
    "decimal_places": 2,
    "required": False,
    "initial": 0,
}

EIGHT_VISITS = (
    ("income", "收入低或明显下降"),
    ("illness", "大病或长期慢性病、医疗支出大"),
    ("tekun", "分散供养特困人员，尤其独居"),
    ("dibao", "低保家庭，尤其新申请的"),
    ("disability", "有残疾成员，尤其新增或重度残疾"),
    ("schooling", "多名子女在非义务教育阶段就学"),
    ("migrant", "务工收入占比高且就业不稳"),
    ("event", "遭遇重大变故或自然灾害"),
)


class SelfReportForm(forms.Form):
    """Gansu 一键报贫: four fields, no ID number on a public page."""

    name = forms.CharField(label=_("姓名"), max_length=40)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    village = forms.ChoiceField(label=_("所在村"))
    difficulty = forms.CharField(
        label=_("遇到的困难"), max_length=500, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, villages: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["village"]
        field.choices = [("", _("请选择"))] + [(str(v.pk), str(v)) for v in villages]


class VisitForm(forms.Form):
    """A cadre's visit (八必访) or a 12345 call, about a registered household."""

    household = forms.CharField(label="户编号", max_length=30)
    source = forms.ChoiceField(
        label="来源", choices=[("visit", "干部排查（八必访）"), ("hotline", "12345来电")]
    )
    ticket = forms.CharField(label="12345工单编号", max_length=30, required=False)
    checklist = forms.MultipleChoiceField(
        label="八必访", choices=EIGHT_VISITS, required=False, widget=forms.CheckboxSelectMultiple
    )
    cause = forms.ChoiceField(label="风险类型", choices=rules.CAUSE_CHOICES)
    text = forms.CharField(label="情况", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class StepForm(forms.Form):
    passed = forms.TypedChoiceField(
        label="结论", choices=[("1", "通过"), ("0", "不通过")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="说明 / 不通过的理由", max_length=300, required=False)
    authorised = forms.BooleanField(label="已签署承诺授权书（信息核查前必须）", required=False)
    target = forms.ChoiceField(
        label="拟认定类型",
        required=False,
        choices=[("", "—")] + [(s.value, s.label) for s in MONITORED],
    )
    rigid_resolved = forms.BooleanField(label="大额刚性支出已解决", required=False)
    guarantees = forms.BooleanField(label="三保障已保持", required=False)
    water = forms.BooleanField(label="饮水安全", required=False)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label="帮扶措施", choices=MEASURE_CHOICES)
    department = forms.CharField(label="责任部门（空则按目录）", max_length=30, required=False)
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expected_income = forms.DecimalField(
        label="预计年增收（元）", min_value=0, initial=0, max_digits=10, decimal_places=2
    )
    note = forms.CharField(label="说明", max_length=200, required=False)


class PaymentForm(forms.Form):
    fund = forms.ChoiceField(label="救助类型", choices=PAYMENT_CHOICES)
    amount = forms.DecimalField(label="金额（元）", min_value=0.01, max_digits=10, decimal_places=2)
    paid_on = forms.DateField(label="发放日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", max_length=200, required=False)


class MonthForm(forms.Form):
    """One month of a household's accounts (the calculator's parts, in yuan)."""

    month = forms.CharField(label="月份（YYYY-MM）", max_length=10)
    wage = forms.DecimalField(label="工资性收入", **_MONEY)
    business = forms.DecimalField(label="经营性收入", **_MONEY)
    property_income = forms.DecimalField(label="财产性收入", **_MONEY)
    transfer = forms.DecimalField(label="转移性收入", **_MONEY)
    production_cost = forms.DecimalField(label="生产经营支出", **_MONEY)
    medical = forms.DecimalField(label="合规医疗自付", **_MONEY)
    school = forms.DecimalField(label="合规教育支出", **_MONEY)

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_month(self) -> date:
        from minsheng.households.importing import parse_month

        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError("月份应为 YYYY-MM")
        if self.today is not None and month >= rules.first_of(self.today):
            raise forms.ValidationError("只能录入已结束的月份")
        return month

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in rules.Month.__dataclass_fields__:
            if name != "month" and data.get(name) is None and name in self.fields:
                data[name] = Decimal(0)
        return data


PARAM_FIELDS = tuple(rules.Params.__dataclass_fields__)


class ParamsForm(forms.ModelForm):
    """A jurisdiction's parameters for one year; the rules' checks run in `clean`."""

    class Meta:
        model = Parameters
        fields = ["jurisdiction", "year", *(f for f in PARAM_FIELDS if f != "year")]

    def __init__(self, *args: Any, jurisdictions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["jurisdiction"]
        field.queryset = jurisdictions
        field.label = "适用范围"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        problems = rules.params_problems(self._params(data))
        for problem in problems:
            self.add_error(None, problem)
        return data

    def as_params(self) -> rules.Params:
        return self._params(self.cleaned_data)

    @staticmethod
    def _params(data: dict[str, Any]) -> rules.Params:
        values: dict[str, Any] = {f: data.get(f) for f in PARAM_FIELDS}
        values["medical_mode"] = values["medical_mode"] or ""
        return rules.Params(**values)


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看事由", max_length=200)


STATUS_LABELS = dict(HouseholdStatus.choices)
