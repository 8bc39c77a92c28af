"""The test cast: a small city, its units, and one person for every role (healthchecks' Alice/Bob).

Wang takes calls, Liu dispatches, Zhao supervises; Li handles tickets for 鼓东街道 and Chen leads
it; Sun works for the water company; Zhou is an administrator. Charlie-style isolation: Sun must
never see Li's tickets, and the other way round.
"""

import sys
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def city(db: Any) -> dict[str, Any]:
    """A slice of Fuzhou: the centre, a district, two streets, a community, the water company."""
    from minsheng.orgs.models import Unit

    fz = Unit.objects.create(code="3501", name="福州市", kind=Unit.Kind.CITY)
    centre = Unit.objects.create(
        code="FZ-12345", name="福州市12345热线中心", kind=Unit.Kind.CENTRE, parent=fz
    )
    gulou = Unit.objects.create(code="350102", name="鼓楼区", kind=Unit.Kind.DISTRICT, parent=fz)
    gudong = Unit.objects.create(
        code="350102001", name="鼓东街道", kind=Unit.Kind.STREET, parent=gulou
    )
    dongjie = Unit.objects.create(
        code="350102001001", name="东街社区", kind=Unit.Kind.COMMUNITY, parent=gudong
    )
    guxi = Unit.objects.create(
        code="350102002", name="鼓西街道", kind=Unit.Kind.STREET, parent=gulou
    )
    water = Unit.objects.create(
        code="FZ-WATER", name="福州水务集团", kind=Unit.Kind.ENTERPRISE, parent=fz
    )
    return {
        "fz": fz,
        "centre": centre,
        "gulou": gulou,
        "gudong": gudong,
        "dongjie": dongjie,
        "guxi": guxi,
        "water": water,
    }


@pytest.fixture
def catalogue(db: Any) -> dict[str, Any]:
    """Three leaves of the dispatch catalogue under two groups, on the seeded deadline policies."""
    from minsheng.sla.models import DeadlinePolicy
    from minsheng.taxonomy.models import Category

    policy = {p.code: p for p in DeadlinePolicy.objects.all()}
    city_mgmt = Category.objects.create(code="CG", name="城市管理")
    utilities = Category.objects.create(code="GY", name="公用事业")
    return {
        "noise": Category.objects.create(
            code="CG-NOISE",
            name="噪音扰民",
            parent=city_mgmt,
            policy=policy["general"],
            request_types=["complaint", "report", "help", "consult"],
            handler_hint="street",
        ),
        "water_cut": Category.objects.create(
            code="GY-WATER",
            name="停水",
            parent=utilities,
            policy=policy["utility"],
            request_types=["help", "complaint", "consult"],
            handler_hint="FZ-WATER",
        ),
        "policy": Category.objects.create(
            code="CG-POLICY",
            name="政策咨询",
            parent=city_mgmt,
            policy=policy["complex"],
            request_types=["consult", "suggestion"],
            handler_hint="district",
        ),
    }


def _member(username: str, full_name: str, unit: Any, *roles: str, **extra: Any) -> Any:
    from minsheng.accounts.models import User
    from minsheng.orgs.models import Membership

    user = User.objects.create_user(
        username=username, password="pw-" + username, first_name=full_name, **extra
    )
    for role in roles:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def agent(city: dict[str, Any]) -> Any:
    """Wang, a 12345 hotline agent."""
    return _member("wang", "王话务", city["centre"], "agent")


@pytest.fixture
def dispatcher(city: dict[str, Any]) -> Any:
    """Liu, a dispatcher at the 12345 centre."""
    return _member("liu", "刘派单", city["centre"], "dispatcher")


@pytest.fixture
def supervisor(city: dict[str, Any]) -> Any:
    """Zhao, who chases overdue work."""
    return _member("zhao", "赵督办", city["centre"], "supervisor")


@pytest.fixture
def street_handler(city: dict[str, Any]) -> Any:
    """Li, who works tickets for 鼓东街道."""
    return _member("li", "李承办", city["gudong"], "handler")


@pytest.fixture
def street_leader(city: dict[str, Any]) -> Any:
    """Chen, who leads 鼓东街道."""
    return _member("chen", "陈主任", city["gudong"], "leader")


@pytest.fixture
def water_handler(city: dict[str, Any]) -> Any:
    """Sun, who works tickets for the water company only."""
    return _member("sun", "孙水务", city["water"], "handler")


@pytest.fixture
def guxi_handler(city: dict[str, Any]) -> Any:
    """Qian, who works for the neighbouring street 鼓西街道."""
    return _member("qian", "钱承办", city["guxi"], "handler")


@pytest.fixture
def admin_user(city: dict[str, Any]) -> Any:
    """Zhou, an administrator."""
    return _member("zhou", "周管理", city["centre"], is_staff=True, is_superuser=True)


@pytest.fixture
def resident(db: Any) -> Any:
    """Zhang, a resident of 东街社区."""
    from minsheng.citizens import registry

    return registry.remember(phone="13812345678", name="张先生")


@pytest.fixture
def make_ticket(
    city: dict[str, Any], catalogue: dict[str, Any], agent: Any, resident: Any
) -> Callable[..., Any]:
    """Record a request the way the agent does; keyword arguments override the defaults."""
    from minsheng.tickets import receiving

    def make(**overrides: Any) -> Any:
        fields: dict[str, Any] = {
            "channel": "hotline",
            "request_type": "complaint",
            "category": catalogue["noise"],
            "resident": resident,
            "title": "夜间施工噪音",
            "description": "东街社区旁工地每天夜里十一点后还在施工，噪音很大，影响休息。",
            "address": "鼓楼区东街88号",
            "place": city["dongjie"],
            "by": agent,
        }
        fields.update(overrides)
        return receiving.receive(**fields)

    return make


@pytest.fixture
def dispatched(make_ticket: Callable[..., Any], dispatcher: Any, city: dict[str, Any]) -> Any:
    """A noise complaint dispatched to 鼓东街道."""
    from minsheng.tickets import workflow

    ticket = make_ticket()
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    return ticket


def at(*args: int) -> datetime:
    """A Beijing time, for time_machine.travel(..., tick=False)."""
    return datetime(*args, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _reseed_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests start from a flushed database: put back what migrations seed.

    Django empties every table after a transactional test, so the deadline policies and the
    calendar that data migrations wrote are gone for the next one; run those seeds again.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for name in (
        "0002_seed_policies_and_calendar",
        "0004_seed_reopen_deadlines",
        "0005_pause_needs_approval",
    ):
        importlib.import_module(f"minsheng.sla.migrations.{name}").seed(apps, None)


@pytest.fixture(autouse=True)
def _own_anchor_file(request: pytest.FixtureRequest) -> None:
    """Each test seals its timelines in a file of its own (tickets.anchors): an anchor of
    another test's rolled-back events would not verify here."""
    if not request.config.pluginmanager.hasplugin("django"):
        return  # a run without Django (the browser probe)
    settings = request.getfixturevalue("settings")
    base = request.getfixturevalue("tmp_path_factory").getbasetemp()
    settings.MINSHENG_ANCHOR_FILE = str(base / f"anchors-{uuid.uuid4().hex}.jsonl")


@pytest.fixture(autouse=True)
def _fresh_geometry() -> None:
    """Each test draws its own boundaries: forget the city outline an earlier test cached.

    In production the index is rebuilt when units are added or at most CACHE_SECONDS after an
    edit; a test's rolled-back units can come back with the same ids and counts.
    """
    queries = sys.modules.get("minsheng.triage.queries")  # not imported: nothing cached
    if queries is not None:
        queries._cache.pop("polygons", None)
        queries._cache.pop("units", None)


# --- headless Chromium for the browser tests ------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_MISSING = (
    "浏览器测试已跳过：未找到可用的 Chromium（Debian/Ubuntu: apt-get install chromium "
    "fonts-wqy-microhei）。设 MINSHENG_REQUIRE_BROWSER=1 时改为失败。"
)
_browser_skips: list[str] = []


def chromium_path() -> str | None:
    """Debian's chromium, if this machine has it (Playwright's own download is not used);
    MINSHENG_CHROMIUM names another executable."""
    import os
    import shutil

    named = os.environ.get("MINSHENG_CHROMIUM", "")
    if named:
        return named if os.access(named, os.X_OK) else None
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@pytest.fixture
def chromium() -> Any:
    """A launched headless Chromium; skipped with one clear line where there is none (a
    newcomer's machine), failed instead when MINSHENG_REQUIRE_BROWSER=1 (CI)."""
    import os

    path = chromium_path()
    if path is None:
        if os.environ.get("MINSHENG_REQUIRE_BROWSER") == "1":
            pytest.fail(BROWSER_MISSING)
        _browser_skips.append(BROWSER_MISSING)
        pytest.skip(BROWSER_MISSING)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls a test makes
    # between browser steps are plain synchronous code, so Django's async guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _browser_skips:
        terminalreporter.write_line(f"{len(_browser_skips)} 个{BROWSER_MISSING}")
