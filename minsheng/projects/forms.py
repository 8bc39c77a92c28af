"""Forms of the project and campaign pages: they parse and check input, nothing more."""

from typing import Any

from django import forms
from django.utils import timezone

from minsheng.orgs.models import Unit
from minsheng.projects.models import ChecklistItem, Evaluation, ProjectTicket

PHONE = forms.CharField(
    label="手机号码",
    max_length=20,
    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
)


def _units() -> Any:
    return Unit.objects.filter(is_active=True).order_by("path")


class ListForm(forms.Form):
    unit = forms.ModelChoiceField(label="辖区", queryset=Unit.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="清单名称", max_length=120)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year


class ProposalForm(forms.Form):
    title = forms.CharField(label="提议标题", max_length=100)
    text = forms.CharField(
        label="具体内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    name = forms.CharField(label="称呼", max_length=40, required=False)
    phone = PHONE


class SupportForm(forms.Form):
    phone = PHONE


class EvaluationForm(forms.Form):
    score = forms.ChoiceField(
        label="满意度", choices=Evaluation.Score.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="意见建议", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    phone = PHONE


class ProjectForm(forms.Form):
    title = forms.CharField(label="项目名称", max_length=120)
    summary = forms.CharField(
        label="主要内容", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Unit.objects.none(), required=False
    )
    due = forms.DateField(
        label="完成时限", required=False, widget=forms.DateInput({"type": "date"})
    )
    proposal = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _units()  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = _units()  # type: ignore[attr-defined]


class CandidateForm(forms.Form):
    key = forms.CharField(max_length=130)


class DeclineForm(forms.Form):
    answer = forms.CharField(label="答复", max_length=300)


class FundingForm(forms.Form):
    source = forms.CharField(label="资金来源", max_length=40)
    amount = forms.DecimalField(label="金额（元）", min_value=0, max_digits=14, decimal_places=2)


class DisbursementForm(forms.Form):
    funding = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label="拨付金额（元）", min_value=0, max_digits=14, decimal_places=2
    )
    on = forms.DateField(label="拨付日期", widget=forms.DateInput({"type": "date"}))
    note = forms.CharField(label="用途", max_length=200, required=False)


class KpiForm(forms.Form):
    name = forms.CharField(label="指标", max_length=80)
    measure = forms.CharField(label="计量单位", max_length=10, required=False)
    target = forms.DecimalField(label="目标值", min_value=0, max_digits=14, decimal_places=2)
    actual = forms.DecimalField(
        label="完成值", min_value=0, max_digits=14, decimal_places=2, required=False
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点", max_length=100)
    due = forms.DateField(label="完成时限", widget=forms.DateInput({"type": "date"}))


class ReportForm(forms.Form):
    text = forms.CharField(label="进展情况", max_length=2000, widget=forms.Textarea({"rows": 3}))
    photo = forms.FileField(label="现场照片", required=False)


class LinkForm(forms.Form):
    number = forms.CharField(label="工单编号", max_length=30)
    role = forms.ChoiceField(label="关联方式", choices=ProjectTicket.Role.choices)


class SettleForm(forms.Form):
    link = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label="补充说明", max_length=500, required=False)


class MoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    note = forms.CharField(label="说明", max_length=500, required=False)


class CampaignForm(forms.Form):
    title = forms.CharField(label="行动名称", max_length=120)
    unit = forms.ModelChoiceField(label="辖区", queryset=Unit.objects.none())
    responsible = forms.ModelChoiceField(label="默认整改单位", queryset=Unit.objects.none())
    start = forms.DateField(label="开始日期", widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput({"type": "date"}))
    fix_workdays = forms.IntegerField(label="整改时限（工作日）", min_value=1, max_value=120)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = _units()  # type: ignore[attr-defined]
        self.fields["fix_workdays"].initial = 7


class ItemForm(forms.Form):
    question = forms.CharField(label="检查项", max_length=120)
    kind = forms.ChoiceField(label="答案类型", choices=ChecklistItem.Kind.choices)
    choices = forms.CharField(label="选项（|分隔）", max_length=200, required=False)
    hazard_answers = forms.CharField(label="属于隐患的答案", max_length=200, required=False)
    hazard_type = forms.CharField(label="隐患类型", max_length=40, required=False)
    photo_required = forms.BooleanField(label="须拍照", required=False)
    responsible = forms.ModelChoiceField(
        label="整改单位（默认同行动）", queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _units()  # type: ignore[attr-defined]


class InspectorForm(forms.Form):
    username = forms.CharField(label="排查员账号", max_length=150)
    area = forms.ModelChoiceField(label="排查片区", queryset=Unit.objects.none())

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class TargetsForm(forms.Form):
    file = forms.FileField(label="排查对象（CSV）")


class RecheckForm(forms.Form):
    passed = forms.TypedChoiceField(
        label="复查结果",
        choices=[("1", "整改合格"), ("0", "整改不合格")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    photo = forms.FileField(label="复查照片", required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)


class RefuseForm(forms.Form):
    reason = forms.CharField(label="拒绝整改原因", max_length=300)
