"""Unit pickers for staff forms: grouped `<select>`s whose cleaned values are units."""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.orgs.models import Unit

Choices = list[tuple[Any, Any]]

# Kinds offered in the one-row quick dispatch of the queue; the ticket page offers every unit.
MAIN_TARGET_KINDS = (
    Unit.Kind.CITY,
    Unit.Kind.DISTRICT,
    Unit.Kind.STREET,
    Unit.Kind.TOWNSHIP,
    Unit.Kind.DEPARTMENT,
    Unit.Kind.ENTERPRISE,
)
_KIND_ORDER = [
    Unit.Kind.DISTRICT,
    Unit.Kind.STREET,
    Unit.Kind.DEPARTMENT,
    Unit.Kind.ENTERPRISE,
    Unit.Kind.CITY,
    Unit.Kind.COMMUNITY,
    Unit.Kind.GRID,
]
_KIND_GROUP: dict[str, str] = {
    Unit.Kind.TOWNSHIP: Unit.Kind.STREET,
    Unit.Kind.VILLAGE: Unit.Kind.COMMUNITY,
}
_NAMED_WITH_PARENT = {
    Unit.Kind.STREET,
    Unit.Kind.TOWNSHIP,
    Unit.Kind.COMMUNITY,
    Unit.Kind.VILLAGE,
    Unit.Kind.GRID,
}
_GROUP_LABEL: dict[str, str | Promise] = {
    Unit.Kind.DISTRICT: _("区"),
    Unit.Kind.STREET: _("街道 / 乡镇"),
    Unit.Kind.DEPARTMENT: _("职能部门"),
    Unit.Kind.ENTERPRISE: _("公共服务企业"),
    Unit.Kind.CITY: _("市级"),
    Unit.Kind.COMMUNITY: _("社区 / 村"),
    Unit.Kind.GRID: _("网格"),
}


def dispatch_targets() -> QuerySet[Unit]:
    """Units a ticket can be dispatched to: every active unit except the centre itself."""
    return Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.CENTRE)


def dispatch_units() -> list[Unit]:
    """Every unit a ticket can be sent to, read once per request for all the selects."""
    # The boundaries (GeoJSON) are left out: decoding them cost ~0.3 s per page on the demo city.
    return list(dispatch_targets().select_related("parent").defer("boundary", "parent__boundary"))


def unit_choices(units: Iterable[Unit], *, kinds: Sequence[str] | None = None) -> Choices:
    """Units grouped by kind for a `<select>` with `<optgroup>`s; lower units name their parent."""
    groups: dict[str, Choices] = {kind: [] for kind in _KIND_ORDER}
    for unit in units:
        if kinds is not None and unit.kind not in kinds:
            continue
        label = unit.name
        if unit.kind in _NAMED_WITH_PARENT and unit.parent is not None:
            label = gettext("%(name)s（%(parent)s）") % {
                "name": unit.name,
                "parent": unit.parent.name,
            }
        groups[_KIND_GROUP.get(unit.kind, unit.kind)].append((str(unit.pk), label))
    return [(_GROUP_LABEL[kind], options) for kind, options in groups.items() if options]


class UnitField(forms.ChoiceField):
    """A grouped unit select whose cleaned value is the Unit."""

    default_error_messages = {
        "required": _("请选择承办单位。"),
        "invalid_choice": _("请选择一个在用的承办单位。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units: dict[str, Unit] = {}

    def set_units(self, units: Sequence[Unit], *, kinds: Sequence[str] | None = None) -> None:
        self.units = {str(u.pk): u for u in units}
        self.choices = [("", gettext("——请选择——")), *unit_choices(units, kinds=kinds)]

    def clean(self, value: Any) -> Unit | None:
        value = super().clean(value)
        return self.units[value] if value else None


class UnitsField(forms.MultipleChoiceField):
    """A grouped multi-select of units (co-handlers)."""

    default_error_messages = {"invalid_choice": _("请选择在用的协办单位。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units: dict[str, Unit] = {}

    def set_units(self, units: Sequence[Unit]) -> None:
        self.units = {str(u.pk): u for u in units}
        self.choices = unit_choices(units)

    def clean(self, value: Any) -> list[Unit]:
        return [self.units[v] for v in super().clean(value)]
