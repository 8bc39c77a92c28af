"""Rules of the codebase that are checked mechanically, in the spirit of Zulip's semgrep rules."""

import ast
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
    set(),
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
