"""Rules of the codebase that are checked mechanically, in the spirit of Zulip's semgrep rules."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
# Lower layers never import higher ones (docs/architecture.md).
LAYERS = [
    {"lib"},
    {"accounts"},
    {"orgs", "citizens", "sla"},
    {"taxonomy", "notifications"},
    {"knowledge"},
    {"tickets"},
    {"triage"},
    {"dispatch", "webhooks"},
    {"intake"},
    {"feedback", "open311"},
    {"residents", "api"},
    {"supervision"},
    {"assessment"},
    {"analytics"},
    {"desk"},
    # Programmes (docs/extending.md): above the loop, never imported by it or by each other.
    {"eldercare", "households", "parcels", "projects", "community", "services", "veterans"},
    {"demo", "ops"},
]


def _sources() -> list[Path]:
    return [
        p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts
    ]


def _app(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def _layer(app: str) -> int | None:
    return next((i for i, apps in enumerate(LAYERS) if app in apps), None)


def test_only_the_workflow_assigns_ticket_status() -> None:
    offenders = []
    for path in _sources():
        if path.name == "workflow.py" and _app(path) == "tickets":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                leaves = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
                for leaf in leaves:
                    if isinstance(leaf, ast.Attribute) and leaf.attr == "status":
                        offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_views_never_write_to_the_database_themselves() -> None:
    writes = {
        "save",
        "create",
        "update",
        "delete",
        "bulk_create",
        "get_or_create",
        "update_or_create",
    }
    offenders = []
    for path in _sources():
        if path.name not in {"views.py", "api.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in writes
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} .{node.func.attr}()")
    assert offenders == []


def test_apps_import_only_from_lower_layers() -> None:
    offenders = []
    for path in _sources():
        app = _app(path)
        own = _layer(app)
        if own is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] != "minsheng" or len(parts) < 2:
                    continue
                other = _layer(parts[1])
                if other is not None and parts[1] != app and other >= own:
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} → {name}")
    assert offenders == []


def test_every_app_in_the_layers_exists_and_every_app_is_in_a_layer() -> None:
    apps = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} - {"tests", "templates"}
    assert apps == set().union(*LAYERS)


def test_modules_stay_under_600_lines() -> None:
    long = [
        f"{p.relative_to(PACKAGE)}: {n}"
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    ]
    assert long == []


ENGINE_FIELDS = {"awaiting_route", "next_check_at", "urged_for", "escalated_for"}


def test_only_the_workflow_writes_the_engines_fields_on_tickets() -> None:
    """`.update(awaiting_route=…)` and the like: the worker's claims go through the workflow."""
    offenders = []
    for path in _sources():
        if _app(path) == "tickets" and path.name in {"workflow.py", "steps.py", "receiving.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"update", "create", "bulk_update"}
                and {k.arg for k in node.keywords} & ENGINE_FIELDS
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


_URL_NAME = re.compile(
    r"""(?:reverse\(|redirect\(|{% url |pattern_name=)\s*["']([a-z_]+):[a-z_]+["']"""
)


def _namespaces() -> dict[str, str]:
    """Each URL namespace and the app whose urlconf declares it."""
    import django
    from django.urls import get_resolver

    django.setup()
    found = {}
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        module = getattr(resolver.urlconf_module, "__name__", "")
        parts = module.split(".")
        if parts[0] == "minsheng" and len(parts) > 1:
            found[namespace] = parts[1]
    return found


def test_url_names_point_only_down() -> None:
    """A page names (reverse, redirect, {% url %}) only pages of its own app or of apps below
    it; the addresses the loop publishes (`ticket`, `resident_ticket`) are project-level."""
    owners = _namespaces()
    offenders = []
    files = [*_sources(), *(p for p in PACKAGE.rglob("*.html") if "tests" not in p.parts)]
    for path in files:
        app = _app(path) if path.relative_to(PACKAGE).parts[0] != "templates" else "templates"
        own = _layer(app)
        for namespace in _URL_NAME.findall(path.read_text(encoding="utf-8")):
            owner = owners.get(namespace)
            if owner is None or owner == app:
                continue
            other = _layer(owner)
            if own is None or (other is not None and other > own):
                offenders.append(f"{path.relative_to(PACKAGE)} → {namespace}")
    assert sorted(set(offenders)) == []
