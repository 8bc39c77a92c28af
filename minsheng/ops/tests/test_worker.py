"""`minsheng worker` killed mid-scan and started again (twice at once): no step is done twice,
no notice is missed, and none is repeated except the one a kill may interrupt mid-send (under
the same key). Runs real worker processes against a file-based SQLite database."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TICKETS = 150
LEASE_SECONDS = 2  # notices the killed worker had claimed but not sent return after this

SEED = """
import django; django.setup()
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from minsheng.tickets import receiving
from minsheng.accounts.models import User
from minsheng.citizens import registry
from minsheng.orgs.models import Membership, Unit
from minsheng.sla.models import DeadlinePolicy
from minsheng.taxonomy.models import Category
from minsheng.tickets import workflow

T0 = datetime(2026, 9, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
fz = Unit.objects.create(code="3501", name="福州市", kind="city")
centre = Unit.objects.create(code="C", name="热线中心", kind="centre", parent=fz)
water = Unit.objects.create(code="W", name="水务集团", kind="enterprise", parent=fz)
people = {}
for name, unit, role in [("liu", centre, "dispatcher"), ("zhao", centre, "supervisor"),
                         ("sun", water, "handler"), ("wang", centre, "agent")]:
    people[name] = User.objects.create_user(username=name, password="x", email=name + "@x.org")
    Membership.objects.create(user=people[name], unit=unit, role=role)
group = Category.objects.create(code="GY", name="公用事业")
leaf = Category.objects.create(code="GY-W", name="停水", parent=group, request_types=["help"],
                               policy=DeadlinePolicy.objects.get(code="utility"))
for i in range(TICKETS):
    resident = registry.remember(phone=f"138{i:08d}", name="")
    t = receiving.receive(channel="hotline", request_type="help", category=leaf, resident=resident,
                         title=f"停水{i}", description="停水了", by=people["wang"], at=T0)
    workflow.dispatch(t, to=water, by=people["liu"], at=T0)
    workflow.accept(t, by=people["sun"], at=T0 + timedelta(minutes=10))
""".replace("TICKETS", str(TICKETS))

REPORT = """
import django, json; django.setup()
from django.db.models import Count
from minsheng.notifications.models import Notification
from minsheng.tickets.models import Ticket, TicketEvent
events = dict(TicketEvent.objects.filter(action__in=["urge", "escalate"]).values_list("action")
              .annotate(n=Count("pk")))
per_ticket = set(TicketEvent.objects.filter(action="urge").values("ticket_id")
                 .annotate(n=Count("pk")).values_list("n", flat=True))
rows = Notification.objects.values_list("kind", "channel", "state").annotate(n=Count("pk"))
kinds = {f"{k}/{c}/{s}": n for k, c, s, n in rows.values_list("kind", "channel", "state", "n")}
pending = Ticket.objects.filter(next_check_at__isnull=False).count()
print(json.dumps({"events": events, "per_ticket": sorted(per_ticket), "kinds": kinds,
                  "pending": pending}))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        MINSHENG_DEBUG="1",
        MINSHENG_SMS_BACKEND="console",
        MINSHENG_SMS_OUTBOX_FILE=str(tmp_path / "sms.jsonl"),
        MINSHENG_NOTICE_STALE_HOURS="1000000",  # the seeded tickets are weeks old
        MINSHENG_NOTICE_LEASE_SECONDS=str(LEASE_SECONDS),
        MINSHENG_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _worker(env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "manage.py", "worker", "--scan-interval", "0", "--limit", "20"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [*command, *extra],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_worker_killed_mid_scan_and_restarted_sends_every_notice_exactly_once(tmp_path):
    env = _env(tmp_path)
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(  # noqa: S603 - our own interpreter and script
        migrate, env=env, cwd=ROOT, check=True, timeout=300
    )
    _python(SEED, env)
    first = _worker(env)
    urged = 0
    deadline = time.monotonic() + 120
    # Read the worker's progress straight from the file: a Python subprocess per look would
    # take longer than the whole scan.
    with closing(sqlite3.connect(tmp_path / "worker.sqlite3", timeout=30)) as progress:
        while time.monotonic() < deadline:
            query = "SELECT count(*) FROM tickets_ticketevent WHERE action = 'urge'"
            urged = progress.execute(query).fetchone()[0]
            if urged >= 10:
                break
            time.sleep(0.002)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert 0 < urged < TICKETS, "the kill must land in the middle of the scan"
    time.sleep(LEASE_SECONDS + 0.5)

    # Two workers at once finish the work: claims keep them from doing anything twice.
    again = [_worker(env, "--batch"), _worker(env, "--batch")]
    for worker in again:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err[-3000:]

    report = json.loads(_python(REPORT, env).strip().splitlines()[-1])
    assert report["events"] == {"urge": TICKETS, "escalate": TICKETS}
    assert report["per_ticket"] == [1]
    assert report["pending"] == 0
    kinds = report["kinds"]
    assert kinds["receipt/sms/sent"] == TICKETS
    assert kinds["urge/inapp/sent"] == TICKETS  # one handler
    assert kinds["escalate/email/sent"] == TICKETS  # one supervisor with an address
    assert not [k for k in kinds if k.endswith("/queued") or k.endswith("/failed")]
    sent = [json.loads(line)["key"] for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert len(set(sent)) == TICKETS
    # A kill between handing a message to the gateway and marking it sent means it goes out
    # again after the lease, under the same key (the gateway's deduplication drops it). The
    # worker sends one message at a time, so at most one is repeated.
    assert len(sent) - len(set(sent)) <= 1
