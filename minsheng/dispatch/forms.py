"""The rule form and the "test a rule" sample form of the dispatch rule pages."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.dispatch import queries, rules
from minsheng.dispatch.models import Target
from minsheng.lib.forms import latitude_field, longitude_field
from minsheng.orgs.forms import UnitField, UnitsField, dispatch_units
from minsheng.orgs.models import Unit
from minsheng.sla.models import DeadlinePolicy
from minsheng.taxonomy.forms import catalogue_leaves, leaf_choices
from minsheng.taxonomy.models import REQUEST_TYPE_ERRORS, Category, RequestType
from minsheng.tickets.models import Urgency

AREA_KINDS = (
    Unit.Kind.DISTRICT,
    Unit.Kind.STREET,
    Unit.Kind.TOWNSHIP,
    Unit.Kind.COMMUNITY,
    Unit.Kind.VILLAGE,
    Unit.Kind.GRID,
)
WEEKDAY_CHOICES = [(str(i), f"周{name}") for i, name in enumerate(rules.WEEKDAY_NAMES)]


class AreasField(UnitsField):
    default_error_messages = {"invalid_choice": _("请选择在用的区、街道乡镇、社区或网格。")}


class RuleForm(forms.Form):
    name = forms.CharField(
        label=_("规则名称"),
        max_length=100,
        error_messages={
            "required": _("请填写规则名称。"),
            "max_length": _("规则名称不能超过 100 字。"),
        },
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    categories = forms.MultipleChoiceField(
        label=_("分类"),
        required=False,
        help_text=_("选大类即包含其下所有小类；不选则不限分类。"),
        error_messages={"invalid_choice": _("请选择派单目录中的分类。")},
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    request_types = forms.MultipleChoiceField(
        label=_("诉求类型"),
        required=False,
        choices=RequestType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=REQUEST_TYPE_ERRORS,
    )
    places = AreasField(
        label=_("所在区域"),
        required=False,
        help_text=_("诉求地点在所选区域之内（含下级）即可；不选则不限区域。"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    polygon = forms.CharField(
        label=_("划定范围（GeoJSON）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("可选：粘贴 WGS-84 经纬度的 Polygon 或 MultiPolygon；诉求坐标须在范围内。"),
    )
    time_from = forms.TimeField(
        label=_("时段起"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("请输入正确的时间，如 22:00。")},
    )
    time_to = forms.TimeField(
        label=_("时段止"),
        required=False,
        help_text=_("止早于起表示跨夜，如 22:00 至 06:00。"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("请输入正确的时间，如 06:00。")},
    )
    weekdays = forms.MultipleChoiceField(
        label=_("星期"),
        required=False,
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("星期不正确。")},
    )
    keywords = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=1000,
        help_text=_("以 | 或逗号分隔；诉求标题、内容或地址含任一关键词即可。"),
        error_messages={"max_length": _("关键词不能超过 1000 字。")},
    )
    target = forms.ChoiceField(
        label=_("主办单位"),
        choices=Target.choices,
        initial=Target.STREET,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择主办单位的确定方式。"),
            "invalid_choice": _("请选择主办单位的确定方式。"),
        },
    )
    unit = UnitField(label=_("指定主办单位"), required=False)
    fallback_unit = UnitField(
        label=_("地点不明时派往"),
        required=False,
        help_text=_("直派或兜底规则在诉求没有所在区域时派往此单位；不选则交派单员人工派单。"),
    )
    cohandlers = UnitsField(label=_("协办单位"), required=False)
    policy = forms.ModelChoiceField(
        label=_("时限规则"),
        queryset=DeadlinePolicy.objects.all(),
        required=False,
        empty_label=_("——按分类默认——"),
        error_messages={"invalid_choice": _("时限规则不正确。")},
    )
    priority = forms.ChoiceField(
        label=_("紧急程度"),
        required=False,
        choices=[("", _("——不变——")), *Urgency.choices],
        error_messages={"invalid_choice": _("紧急程度不正确。")},
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, rule_id: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.rule_id = rule_id
        units = dispatch_units()
        self.fields["places"].set_units([u for u in units if u.kind in AREA_KINDS])  # type: ignore[attr-defined]
        for name in ("unit", "fallback_unit"):
            self.fields[name].set_units(units)  # type: ignore[attr-defined]
        self.fields["cohandlers"].set_units(units)  # type: ignore[attr-defined]
        self.category_by_pk = {str(c.pk): c for c in Category.objects.filter(is_active=True)}
        self.fields["categories"].choices = category_choices(self.category_by_pk.values())  # type: ignore[attr-defined]

    def clean_categories(self) -> list[Category]:
        return [self.category_by_pk[v] for v in self.cleaned_data["categories"]]

    def clean_weekdays(self) -> list[int]:
        return sorted(int(d) for d in self.cleaned_data["weekdays"])

    def clean_polygon(self) -> dict[str, Any] | None:
        text = self.cleaned_data["polygon"].strip()
        if not text:
            return None
        try:
            geojson = json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(gettext("划定范围不是有效的 GeoJSON。")) from error
        if isinstance(geojson, dict) and geojson.get("type") == "Feature":
            geojson = geojson.get("geometry")
        problem = rules.polygon_error(geojson)
        if problem:
            raise forms.ValidationError(problem)
        return geojson

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if queries.name_taken(name, exclude=self.rule_id):
            raise forms.ValidationError(gettext("已有名为“%(name)s”的规则。") % {"name": name})
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("target") == Target.UNIT
            and data.get("unit") is None
            and "unit" not in self.errors
        ):
            self.add_error("unit", gettext("“指定单位”须选择主办单位。"))
        start, end = data.get("time_from"), data.get("time_to")
        if (start is None) != (end is None) and not self.has_error("time_from"):
            self.add_error("time_to", gettext("时段须同时填写起止时间，或都不填。"))
        elif start is not None and start == end:
            self.add_error("time_to", gettext("时段的起止时间不能相同。"))
        return data


def category_choices(categories: Any) -> list[tuple[Any, Any]]:
    """Each group as an option (the whole group) followed by its leaves."""
    groups = sorted(
        (c for c in categories if c.parent_id is None), key=lambda c: (c.sort_order, c.code)
    )
    leaves: dict[int, list[Category]] = {}
    for c in categories:
        if c.parent_id is not None:
            leaves.setdefault(c.parent_id, []).append(c)
    choices: list[tuple[Any, Any]] = []
    for group in groups:
        options = [(str(group.pk), gettext("%(name)s（整个大类）") % {"name": group.name})]
        options += [
            (str(c.pk), c.name)
            for c in sorted(leaves.get(group.pk, []), key=lambda c: (c.sort_order, c.code))
        ]
        choices.append((group.name, options))
    return choices


class SampleForm(forms.Form):
    """A sample request for "test a rule": which rule would route it, and why."""

    category = forms.ChoiceField(
        label=_("分类"),
        error_messages={
            "required": _("请选择分类。"),
            "invalid_choice": _("请选择派单目录中的具体小类。"),
        },
    )
    request_type = forms.ChoiceField(
        label=_("诉求类型"),
        choices=RequestType.choices,
        error_messages=REQUEST_TYPE_ERRORS,
    )
    place = UnitField(label=_("所在区域"), required=False)
    text = forms.CharField(
        label=_("诉求内容"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("诉求内容不能超过 4000 字。")},
    )
    at = forms.DateTimeField(
        label=_("受理时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("留空则按现在。"),
        error_messages={"invalid": _("请输入正确的日期和时间。")},
    )
    lon = longitude_field()
    lat = latitude_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        leaves = catalogue_leaves()
        self.leaves = {str(c.pk): c for c in leaves}
        self.fields["category"].choices = [("", gettext("——请选择——")), *leaf_choices(leaves)]  # type: ignore[attr-defined]
        areas = [u for u in dispatch_units() if u.kind in AREA_KINDS]
        self.fields["place"].set_units(areas)  # type: ignore[attr-defined]

    def clean_category(self) -> Category:
        return self.leaves[self.cleaned_data["category"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None) and not self.errors:
            self.add_error("lat", gettext("经纬度须同时填写，或都不填。"))
        return data
