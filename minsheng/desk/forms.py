"""Forms of the staff screens: list filters and one small form per ticket action."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.orgs.forms import UnitField, UnitsField
from minsheng.orgs.models import Unit
from minsheng.taxonomy.forms import catalogue_leaves, leaf_choices
from minsheng.taxonomy.models import Category
from minsheng.tickets import queries
from minsheng.tickets.actions import COMMANDS, MAX_TEXT, Command
from minsheng.tickets.actions import Field as ActionField
from minsheng.tickets.models import Satisfaction, Status, Ticket
from minsheng.tickets.names import Action

Choices = list[tuple[Any, Any]]


def textarea(label: Any, *, required: bool = True, limit: int = MAX_TEXT, rows: int = 3) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": format_lazy(_("请填写{label}。"), label=label),
            "max_length": format_lazy(_("{label}不能超过 {limit} 字。"), label=label, limit=limit),
        },
    )


class ActionForm(forms.Form):
    """Base of the action forms (`form_for`): they know the ticket, the user, and the unit list
    when they ask for units."""

    command: Command
    needs_units = False

    def __init__(
        self, *args: Any, ticket: Ticket, user: Any, units: Sequence[Unit] = (), **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", f"id_{self.command.action}_%s")
        super().__init__(*args, **kwargs)
        self.ticket, self.user = ticket, user
        self.leaves: dict[str, Category] = {}
        for spec in self.command.fields:
            field = self.fields.get(spec.name)
            if isinstance(field, UnitField | UnitsField):
                field.set_units(units)
            elif spec.kind == "category" and field is not None:
                leaves = catalogue_leaves()
                self.leaves = {str(c.pk): c for c in leaves}
                field.choices = [("", gettext("——不改——")), *leaf_choices(leaves)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for spec in self.command.fields:
            value = cleaned.get(spec.name)
            if spec.kind == "category":
                cleaned[spec.name] = self.leaves[value] if value else None
            elif spec.kind == "ticket" and value:
                number = value.strip().upper()
                target = queries.visible_to(self.user).filter(number=number).first()
                if target is None:
                    self.add_error(
                        spec.name, gettext("找不到工单 %(number)s。") % {"number": number}
                    )
                cleaned[spec.name] = target
        return cleaned

    def arguments(self) -> dict[str, Any]:
        """The workflow function's keywords, from the cleaned values."""
        values = {
            spec.keyword: self.cleaned_data.get(spec.name)
            for spec in self.command.fields
            if spec.screen
        }
        return {**values, **self.command.fixed}


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _field(spec: ActionField) -> forms.Field:
    """The form field that asks for one declared value."""
    if spec.kind == "text":
        return textarea(spec.label, required=spec.required, limit=spec.limit, rows=spec.rows)
    if spec.kind == "unit":
        return UnitField(label=spec.label, required=spec.required)
    if spec.kind == "units":
        return UnitsField(label=spec.label, required=spec.required, help_text=spec.help)
    if spec.kind == "category":
        return forms.ChoiceField(
            label=spec.label,
            required=spec.required,
            error_messages={"invalid_choice": _("请选择派单目录中的具体小类。")},
        )
    if spec.kind == "when":
        return forms.DateTimeField(
            label=spec.label,
            input_formats=DATETIME_FORMATS,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            error_messages={
                "required": format_lazy(_("请填写{label}的时间。"), label=spec.label),
                "invalid": _("请填写正确的日期和时间。"),
            },
        )
    if spec.kind == "ticket":
        return forms.CharField(
            label=spec.label,
            max_length=24,
            error_messages={
                "required": format_lazy(_("请填写{label}。"), label=spec.label),
                "max_length": _("工单编号不能超过 24 个字符。"),
            },
        )
    if spec.kind == "file":
        return forms.FileField(
            label=spec.label,
            help_text=spec.help,
            error_messages={
                "required": _("请选择要上传的文件。"),
                "empty": _("上传的文件是空的。"),
                "invalid": _("上传的文件无法读取。"),
            },
            widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
        )
    raise ValueError(f"{spec.kind} is not asked on the ticket page")


def form_for(command: Command) -> type[ActionForm]:
    """The ticket page's form of a declared action."""
    fields = {spec.name: _field(spec) for spec in command.fields if spec.screen}
    attrs: dict[str, Any] = {
        **fields,
        "command": command,
        "needs_units": any(spec.kind in ("unit", "units") for spec in command.fields),
    }
    return type(f"{command.action.title().replace('_', '')}Form", (ActionForm,), attrs)


# Every action a person takes on the ticket page, but the return visit: feedback's form.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    c.action: form_for(c)
    for c in COMMANDS
    if c.screen and c.function is not None and c.action != Action.VISIT
}


class VisitForm(forms.Form):
    """The phone return visit; posted to feedback's view, rendered on the ticket page."""

    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    resolved = forms.ChoiceField(
        label=_("问题是否解决"),
        choices=[("yes", _("已解决")), ("no", _("未解决"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "id_visit_%s")
        super().__init__(*args, **kwargs)


INBOX_TABS = [
    ("", _("全部")),
    (Status.DISPATCHED, _("待签收")),
    (Status.ACCEPTED, _("办理中")),
    (Status.RETURNED, _("已退单")),
    (Status.REPLIED, _("已答复")),
]


class SearchForm(forms.Form):
    """The filters of the all-tickets list; every field optional, bad values are reported."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("工单编号、电话或内容")}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *Status.choices],
        error_messages={"invalid_choice": _("状态不正确。")},
    )
    group = forms.TypedChoiceField(
        label=_("分类大类"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("分类大类不正确。")},
    )
    district = forms.TypedChoiceField(
        label=_("区"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("区不正确。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        groups = Category.objects.filter(parent__isnull=True).order_by("sort_order", "code")
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            ("", gettext("全部大类")),
            *((str(g.pk), g.name) for g in groups),
        ]
        self.districts = {
            u.pk: u for u in Unit.objects.filter(kind=Unit.Kind.DISTRICT).order_by("path")
        }
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", gettext("全部区")),
            *((str(pk), u.name) for pk, u in self.districts.items()),
        ]


class ListFilterForm(SearchForm):
    """The filters of a work list (筛选): the all-tickets search without the status (each list
    is its own), emergencies only, and one handling unit. A saved filter is this form's data."""

    FIELDS = ("q", "group", "district", "urgent", "unit")

    urgent = forms.BooleanField(label=_("只看紧急"), required=False)
    unit = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("单位不正确。"), "min_value": _("单位不正确。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["status"]

    def query(self) -> str:
        """The cleaned filter as a query string, only the fields given, in a fixed order."""
        values = QueryDict(mutable=True)
        for name in self.FIELDS:
            value = self.cleaned_data.get(name)
            if value not in (None, "", False):
                values[name] = "1" if value is True else str(value)
        return values.urlencode()


class SaveFilterForm(forms.Form):
    """The name under which the current filter of a list is saved."""

    name = forms.CharField(
        label=_("筛选名称"),
        max_length=20,
        error_messages={
            "required": _("请填写筛选名称。"),
            "max_length": _("筛选名称最多 %(limit_value)d 个字。"),
        },
    )
