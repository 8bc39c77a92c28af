"""Page times of the staff screens and the resident's steps, with the demo city (defect 11, #13).

    .venv/bin/python benchmarks/pages.py [--requests 20] [--small] [--database-url URL]

Creates a throwaway PostgreSQL database (or uses `--database-url`), loads the demo city
(`load_demo`; `--small`: without the programmes), then, for every demo role, signs in (the
POST of the login form, timed as `login`), reads the menu of its first page and times every
page the menu links to — the work lists, each list's first ticket page, the programmes' pages —
`--requests` times each, in-process through Django's test client (no network, no static
files; the whole middleware stack, templates and queries). The resident's steps are timed the
same way: the tracking form, the three steps of /m/new/ (each GET and POST), the ticket page.

The last stdout line is one JSON object: `pages` maps each page ("role GET /path/") to its
p50/p95 in ms and its number of SQL queries, `worst_p95_ms` names the slowest, `over_300ms`
lists the pages above the #13 target. Progress goes to stderr.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import throwaway  # benchmarks/throwaway.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_MS = 300
PASSWORD = "minsheng-demo"  # noqa: S105 - the demo accounts' published password
ROLES = ("agent", "dispatcher", "supervisor", "gudong", "gudong_leader", "cgw", "admin")
# Links of the menu that are not pages to time: leaving, the admin's own site, file downloads.
SKIP = re.compile(r"^/(logout|admin|i18n)/|\.(xlsx|csv|json|geojson)$|/export")
NAV = re.compile(r'<nav class="nav".*?</nav>', re.S)
HREF = re.compile(r'href="(/[^"#]*)"')
TICKET = re.compile(r'href="(/t/[A-Z0-9]+/)"')


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--small", action="store_true", help="the city only, 3 requests a page")
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--loaded", action="store_true", help="the --database-url has the demo city already"
    )
    args = parser.parse_args()
    if args.small:
        args.requests = min(args.requests, 3)
    with throwaway.database(args.database_url, prefix="minsheng_pages") as url:
        result = run(url, args)
    print(json.dumps(result, ensure_ascii=False))


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MINSHENG_SECRET_KEY", "benchmark-only")
    os.environ.setdefault("MINSHENG_LOG_LEVEL", "WARNING")
    os.environ.setdefault("MINSHENG_SECURE_COOKIES", "0")  # the test client speaks plain http
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Pages link their static files by name: no manifest (collectstatic) needed to time them.
    static = "django.contrib.staticfiles.storage.StaticFilesStorage"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": static}}
    if not args.loaded:
        log("migrating and loading the demo city …")
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        call_command("load_demo", *(["--no-programmes"] if args.small else []), verbosity=0)
        log(f"loaded in {time.monotonic() - started:.0f} s")

    pages: dict[str, dict[str, Any]] = {}
    for role in ROLES:
        staff_pages(role, args.requests, pages)
    resident_steps(args.requests, pages)
    timed_pages = {k: v for k, v in pages.items() if "p95_ms" in v}
    worst = max(timed_pages, key=lambda k: timed_pages[k]["p95_ms"])
    return {
        "requests_per_page": args.requests,
        "programmes": not args.small,
        "pages": pages,
        "worst": worst,
        "worst_p95_ms": pages[worst]["p95_ms"],
        "over_300ms": sorted(k for k, v in timed_pages.items() if v["p95_ms"] > TARGET_MS),
        "failed": sorted(k for k, v in pages.items() if "status" in v),
    }


def _client() -> Any:
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")


def timed(name: str, n: int, request: Callable[[], Any], pages: dict[str, dict[str, Any]]) -> Any:
    """Call `request` once to warm up (counting its SQL queries), then `n` times; keep p50 and
    p95. A page that fails is recorded with its status and not timed."""
    from django.db import connection

    count = [0]

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        response = request()
    if response.status_code >= 400 or getattr(response, "url", "").startswith("/login/"):
        pages[name] = {"status": response.status_code}
        log(f"{name:60} HTTP {response.status_code}: not timed")
        return response
    times = []
    for _ in range(n):
        began = time.perf_counter()
        request()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    pages[name] = {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "queries": count[0],
        "kb": round(len(response.content) / 1024),
    }
    log(f"{name:60} p95 {p95:7.1f} ms  {count[0]:3} queries  {pages[name]['kb']:4} KB")
    return response


def staff_pages(role: str, n: int, pages: dict[str, dict[str, Any]]) -> None:
    client = _client()

    def login() -> Any:
        fresh = _client()
        return fresh.post("/login/", {"username": role, "password": PASSWORD})

    timed(f"{role} POST /login/", n, login, pages)
    client.post("/login/", {"username": role, "password": PASSWORD})
    first = client.get("/", follow=True)
    nav = NAV.search(first.content.decode())
    links = dict.fromkeys(HREF.findall(nav.group(0)) if nav else [])
    for link in links:
        if SKIP.search(link.split("?")[0]):
            continue
        response = timed(f"{role} GET {link}", n, partial(client.get, link), pages)
        found = TICKET.search(response.content.decode())
        name = f"{role} GET /t/…/ (first of {link})"
        if found and ("/lists/" in link or link in ("/inbox/", "/queue/")):
            timed(name, n, partial(client.get, found.group(1)), pages)


def resident_steps(n: int, pages: dict[str, dict[str, Any]]) -> None:
    from minsheng.taxonomy.models import Category
    from minsheng.tickets.models import Ticket

    client = _client()
    leaf = Category.objects.filter(children__isnull=True, is_active=True, parent__isnull=False)
    category = leaf.order_by("code").first()
    assert category is not None
    what = {
        "category": str(category.pk),
        "request_type": (category.request_types or ["complaint"])[0],
        "description": "小区门口路灯坏了两个多星期，晚上很黑，老人出门不方便，希望尽快修好。",
    }
    where = {"address": "鼓楼区鼓东路88号"}
    timed("resident GET /m/new/", n, lambda: client.get("/m/new/"), pages)
    timed("resident POST /m/new/", n, lambda: client.post("/m/new/", what), pages)
    timed("resident GET /m/new/where/", n, lambda: client.get("/m/new/where/"), pages)
    timed("resident POST /m/new/where/", n, lambda: client.post("/m/new/where/", where), pages)
    timed("resident GET /m/new/who/", n, lambda: client.get("/m/new/who/"), pages)
    timed("resident GET /m/track/", n, lambda: client.get("/m/track/"), pages)
    ticket = Ticket.objects.select_related("resident").order_by("-received_at").first()
    assert ticket is not None
    follow = {"number": ticket.number, "last4": ticket.resident.phone[-4:]}
    timed("resident POST /m/track/", n, lambda: client.post("/m/track/", follow), pages)
    path = f"/m/t/{ticket.number}/"
    timed("resident GET /m/t/…/", n, lambda: client.get(path), pages)


if __name__ == "__main__":
    main()
