"""Extension points: what a programme app declares, and where the core reads it.

A programme (eldercare, households, parcels …) is an app above the loop. Its `apps.py` subclasses
`ProgrammeConfig` and fills in class attributes; the core reads them through `programmes()` and
never imports a programme, by module or by URL name. Modelled on NetBox's `PluginConfig`.
docs/extending.md describes each point and who reads it.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class MenuEntry:
    """A link in the staff menu, shown to users who hold one of `roles` anywhere (empty:
    every signed-in user)."""

    url_name: str
    label: Any  # a lazy translation
    # Centre roles (agent, dispatcher, supervisor), unit roles (handler, leader), or "admin".
    roles: frozenset[str] = frozenset()
    # Dotted path of `count(user) -> int`, shown as a badge when it is not 0.
    count: str | None = None
    # Dotted path of `visible(user) -> bool`, for a programme whose pages only some holders of
    # `roles` may open (the link is then shown to those only).
    visible: str | None = None


@dataclass(frozen=True)
class ResidentLink:
    """A link on the residents' home page `/m/`."""

    url_name: str
    label: Any
    hint: Any = ""


@dataclass(frozen=True)
class Panel:
    """A panel on the staff dashboard `/analytics/`.

    `context` is the dotted path of `context(user, start, end, area) -> dict | None`: what the
    template shows for the days start..end (inclusive) and the chosen area (a Unit or None), as
    the user may see it, or None to hide the panel. The template reads it as `panel`.
    """

    title: Any
    template: str
    context: str


@dataclass(frozen=True)
class WorkerStep:
    """Periodic work in `minsheng worker`: `run(limit=…)` every `every_seconds` (dotted path).

    A step commits its own transactions and must be safe when several workers run it at once
    (row claims or SKIP LOCKED).
    """

    name: str
    run: str
    every_seconds: float = 1.0


@dataclass(frozen=True)
class WorkerService:
    """Long-running work in `minsheng worker`, in a thread of its own: `start(stop)` (dotted
    path) runs until the `threading.Event` `stop` is set; `enabled()` (dotted path, optional)
    says whether this deployment wants it (a broker configured, say)."""

    name: str
    start: str
    enabled: str | None = None


@dataclass(frozen=True)
class CategorySpec:
    """A catalogue item a programme files its tickets under; made on first use
    (`taxonomy.declared.ensure`) and by the demo, so other catalogues are left as they are."""

    code: str
    name: str
    group_code: str
    group_name: str
    policy: str = "general"  # a DeadlinePolicy code: emergency, utility, general, complex
    request_types: tuple[str, ...] = ("help",)
    handler_hint: str = ""
    keywords: str = ""
    description: str = ""


class ProgrammeConfig(AppConfig):
    """Base class of a programme's AppConfig; every attribute is optional."""

    # Imported into a programme's apps.py, this base must not count as that app's config:
    # Django picks the one class there whose `default` is true.
    default = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.default = True

    # (prefix, urlconf module): staff pages, e.g. ("eldercare/", "minsheng.eldercare.urls").
    staff_urls: tuple[str, str] | None = None
    # (prefix, urlconf module) mounted under /m/: the residents' pages.
    resident_urls: tuple[str, str] | None = None
    # Dotted path of a django-ninja Router mounted at /api/v1/ (its paths are its own).
    api_router: str | None = None
    # (scope, label) pairs an API key may hold for this programme's endpoints, e.g.
    # ("meters", "水电表读数"); `minsheng issue_api_key … --scopes meters` then accepts it.
    api_scopes: Sequence[tuple[str, Any]] = ()
    menu: Sequence[MenuEntry] = ()
    resident_links: Sequence[ResidentLink] = ()
    panels: Sequence[Panel] = ()
    worker_steps: Sequence[WorkerStep] = ()
    worker_services: Sequence[WorkerService] = ()
    categories: Sequence[CategorySpec] = ()
    # Dotted path of `load(*, now: datetime, log: Callable[[str], None], password: str)`,
    # called by `minsheng load_demo` after the demo city exists (`password`: the demo
    # accounts' password); it must be idempotent.
    demo: str | None = None
    # Position among programmes in menus and on the dashboard (lower first).
    order: int = 100


def programmes() -> list[ProgrammeConfig]:
    """The installed programmes, in their declared order."""
    found = [c for c in apps.get_app_configs() if isinstance(c, ProgrammeConfig)]
    return sorted(found, key=lambda c: (c.order, c.label))


def declared(attribute: str) -> Iterator[tuple[ProgrammeConfig, Any]]:
    """Every (programme, item) for a sequence attribute such as "menu" or "worker_steps"."""
    for config in programmes():
        for item in getattr(config, attribute):
            yield config, item


@cache
def resolve(path: str) -> Callable[..., Any]:
    """The callable a dotted path names, imported once."""
    return import_string(path)  # type: ignore[no-any-return]
