"""Forms of the analytics pages: the period and area filter, the map's layer, 每月一题."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from minsheng.analytics.queries import Period
from minsheng.orgs.models import Unit

PRESETS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    """`days` (a preset) or `start`/`end`; optionally an area (district or street code)."""

    days = forms.TypedChoiceField(
        label=_("时段"),
        required=False,
        coerce=int,
        choices=[*((d, format_lazy(_("近{n}天"), n=d)) for d in PRESETS), ("", _("按起止日期"))],
        error_messages={"invalid_choice": _("请选择列出的时段。")},
    )
    start = forms.DateField(
        label=_("开始日期"), required=False, error_messages={"invalid": _("开始日期格式不正确。")}
    )
    end = forms.DateField(
        label=_("结束日期"), required=False, error_messages={"invalid": _("结束日期格式不正确。")}
    )
    area = forms.ChoiceField(
        label=_("区域"),
        required=False,
        error_messages={"invalid_choice": _("您无权查看该区域，或该区域不存在。")},
    )

    def __init__(self, *args: Any, areas: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {u.code: u for u in areas}
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [("", _("全部"))] + [(code, unit.name) for code, unit in self.areas.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        if start and end and (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("时段最长三年。"))
        return data

    def period(self, today: date | None = None) -> Period:
        """The chosen period; the last 30 days when the input is missing or wrong."""
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        if start or end:
            end = end or today
            return Period(start or end - timedelta(days=DEFAULT_DAYS - 1), end)
        days = data.get("days") or DEFAULT_DAYS
        return Period(today - timedelta(days=days - 1), today)

    def selected_days(self) -> str:
        """The preset the period in effect is, as the select shows it: the default's (30 days)
        when none was chosen, empty (按起止日期) when dates decide."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") or data.get("end"):
            return ""
        return str(data.get("days") or DEFAULT_DAYS)

    def chosen_area(self) -> Unit | None:
        code = self.cleaned_data.get("area") if self.is_valid() else None
        return self.areas.get(code) if code else None


class MapForm(PeriodForm):
    level = forms.ChoiceField(
        label=_("区划层级"),
        required=False,
        choices=[("district", _("区")), ("street", _("街道")), ("community", _("社区"))],
        error_messages={"invalid_choice": _("请选择区、街道或社区。")},
    )
    measure = forms.ChoiceField(
        label=_("着色指标"),
        required=False,
        choices=[("volume", _("诉求量")), ("satisfaction", _("满意率"))],
        error_messages={"invalid_choice": _("请选择诉求量或满意率。")},
    )

    def choice(self, name: str) -> str:
        value = self.cleaned_data.get(name) if self.is_valid() else ""
        return value or self.fields[name].choices[0][0]  # type: ignore[attr-defined]  # ChoiceFields


class TopicForm(forms.Form):
    month = forms.DateField(
        label=_("月份"),
        input_formats=["%Y-%m"],
        error_messages={"required": _("请选择月份。"), "invalid": _("月份格式应为 2026-05。")},
    )
    title = forms.CharField(
        label=_("题目"), max_length=200, error_messages={"required": _("请填写题目。")}
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea)
    owners = forms.ModelMultipleChoiceField(
        label=_("责任单位"),
        queryset=Unit.objects.none(),
        error_messages={
            "required": _("请至少选择一个责任单位。"),
            "invalid_choice": _("所选单位不存在。"),
            "invalid_pk_value": _("所选单位不存在。"),
        },
    )
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, owners: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = owners  # type: ignore[attr-defined]


class ActionForm(forms.Form):
    title = forms.CharField(
        label=_("措施"), max_length=200, error_messages={"required": _("请填写措施。")}
    )
    owner = forms.ModelChoiceField(
        label=_("责任单位"),
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("所选单位不存在。")},
    )
    progress = forms.IntegerField(
        label=_("进度（%）"),
        min_value=0,
        max_value=100,
        initial=0,
        error_messages={
            "required": _("请填写进度。"),
            "invalid": _("进度应为 0 到 100 的整数。"),
            "min_value": _("进度应在 0 到 100 之间。"),
            "max_value": _("进度应在 0 到 100 之间。"),
        },
    )
    note = forms.CharField(label=_("进展说明"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, owners: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
