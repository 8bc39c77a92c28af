"""跨省通办 between two deployments on loopback: this test's live server (Fuzhou, 鼓楼区's
window) and a second minsheng in its own process and database (Shanghai, 黄浦区). An
application goes across over Open311, a lost answer is retried without a second request, the
other side works it through its loop and its status comes back by polling; then the other
side sends it back the same way. Both sides' timelines record it."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]

SETUP_B = """
import json, os, django
django.setup()
from minsheng.accounts import keys
from minsheng.accounts.models import User
from minsheng.orgs.models import Membership, Unit
from minsheng.services.apps import TRANSFER_CATEGORY
from minsheng.services.models import Bundle, Peer
from minsheng.taxonomy.loading import ensure
city = Unit.objects.create(code="3101", name="上海市", kind="city")
Unit.objects.create(code="SH-12345", name="上海市12345热线", kind="centre", parent=city)
window = Unit.objects.create(code="310101", name="黄浦区", kind="district", parent=city)
clerk = User.objects.create_user(username="hp", password="x", first_name="黄浦窗口")
Membership.objects.create(user=clerk, unit=window, role="handler")
ensure(TRANSFER_CATEGORY)
Bundle.objects.create(code="birth", name="出生一件事", window=window)
_, key = keys.issue("福州鼓楼一件事", scopes=["open311"])
Peer.objects.create(name="福州市鼓楼区", endpoint=os.environ["PEER_A"], api_key=os.environ["KEY_A"])
print(json.dumps({"key": key}))
"""

WORK_B = """
import json, django
django.setup()
from minsheng.accounts.models import User
from minsheng.orgs.models import Unit
from minsheng.services.models import Application
from minsheng.tickets import workflow
from minsheng.tickets.models import Ticket
from minsheng.tickets.transitions import Actor
app = Application.objects.get()
ticket = app.inbound_ticket
clerk = User.objects.get(username="hp")
workflow.dispatch(ticket, to=Unit.objects.get(code="310101"), by=Actor(label="派单", kind="system"))
ticket.refresh_from_db()
workflow.accept(ticket, by=clerk)
ticket.refresh_from_db()
workflow.reply(ticket, by=clerk, text="已在黄浦区办结出生登记，证件邮寄到家。")
ticket.refresh_from_db()
resident = Actor(label="申请人", kind="resident")
workflow.record_visit(ticket, by=resident, satisfaction="satisfied", resolved=True)
ticket.refresh_from_db()
workflow.close(ticket, by=Actor(label="系统", kind="system"))
print(json.dumps({"events": list(app.events.values_list("label", flat=True)),
                  "tickets": Ticket.objects.count(), "number": ticket.number}))
"""

BACK_B = """
import json, django
django.setup()
from minsheng.services import transfers
from minsheng.services.models import Application, Peer
app = Application.objects.get()
transfer = transfers.send(app, Peer.objects.get(), by="黄浦窗口")
transfer.refresh_from_db()
print(json.dumps({"state": transfer.state, "remote": transfer.remote_id,
                  "error": transfer.last_error}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'shanghai.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        MINSHENG_DEBUG="1",
        MINSHENG_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def _python(code: str, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _wait_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not come up")


@pytest.fixture
def shanghai(tmp_path: Path, live_server: Any) -> Any:
    """The second deployment, with its Open311 key for us and ours for it."""
    from minsheng.accounts import keys
    from minsheng.services.apps import TRANSFER_CATEGORY
    from minsheng.taxonomy.loading import ensure

    ensure(TRANSFER_CATEGORY)
    _, key_a = keys.issue("上海黄浦一件事", scopes=["open311"])
    env = _env(tmp_path, PEER_A=f"{live_server.url}/open311/v2/", KEY_A=key_a)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    key_b = _python(SETUP_B, env)["key"]
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/open311/v2/"
    try:
        _wait_up(base + "services.json")
        yield {"env": env, "endpoint": base, "key": key_b}
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_application_goes_across_and_back(
    transactional_db: Any, bundles: Any, shanghai: dict[str, Any]
) -> None:
    from minsheng.services import transfers, write
    from minsheng.services.models import Application, Peer, Transfer
    from minsheng.services.tests.conftest import BIRTH_ANSWERS

    app = write.apply(
        bundles["birth"], name="陈丽", phone="13800000101", answers=dict(BIRTH_ANSWERS)
    )
    peer = Peer.objects.create(
        name="上海市黄浦区", endpoint=shanghai["endpoint"], api_key=shanghai["key"]
    )
    transfer = transfers.send(app, peer, by="黄窗口")
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.SENT, transfer.last_error
    number = transfer.remote_id
    assert number

    # The answer was lost on the way back: the retry finds the request, files no second one.
    Transfer.objects.filter(pk=transfer.pk).update(remote_id="", state=Transfer.State.PENDING)
    assert transfers.deliver(transfer)
    transfer.refresh_from_db()
    assert transfer.remote_id == number
    with urllib.request.urlopen(  # noqa: S310 - loopback
        shanghai["endpoint"] + f"requests.json?q={transfer.key}"
    ) as found:
        assert len(json.loads(found.read())) == 1

    # The other side recorded it on its own timeline, worked it through its loop, closed it.
    there = _python(WORK_B, shanghai["env"])
    assert there["tickets"] == 1
    assert there["number"] == number
    assert any(label.startswith("跨省通办转入") for label in there["events"])
    assert "本地已办结" in there["events"]

    # Its status comes back here by polling.
    assert transfers.poll(transfer) == "closed"
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.CLOSED
    assert "黄浦区办结" in transfer.remote_notes
    labels = list(app.events.values_list("label", flat=True))
    assert "跨省通办：转至上海市黄浦区" in labels
    assert "上海市黄浦区：对方已办结" in labels

    # And back: the other side sends its application here the same way.
    back = _python(BACK_B, shanghai["env"])
    assert back["state"] == "sent", back["error"]
    returned = Application.objects.exclude(inbound_key="").get()
    assert returned.origin == "跨省通办：由黄浦区转来"
    assert returned.inbound_ticket.number == back["remote"]
    assert returned.events.get(action="inbound").label == "跨省通办转入（黄浦区）"
