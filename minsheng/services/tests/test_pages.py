"""The pages: the resident's one form and progress page, a department's item page (only its
own items), the clerk's call page and the signalling endpoints, the slots and the demo."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minsheng.services import calls, write
from minsheng.services.models import Application, Review, Slot
from minsheng.services.tests.conftest import BIRTH_ANSWERS

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=f"pw-{username}")
    return client


def test_a_resident_fills_the_form_once_and_follows_one_page(client: Client, bundles: Any) -> None:
    url = reverse("services_m:apply", args=["birth"])
    page = client.get(url)
    assert page.status_code == 200
    assert "出生医学证明" in page.content.decode()
    data = {
        "name": "陈丽",
        "phone": "13800000101",
        **{f"f_{k}": v for k, v in BIRTH_ANSWERS.items()},
    }
    bad = client.post(url, {**data, "f_mother_id": "123"})
    assert bad.status_code == 200
    assert "不是有效的身份证号码" in bad.content.decode()
    assert not Application.objects.exists()
    done = client.post(url, data, follow=True)
    app = Application.objects.get()
    assert done.redirect_chain[-1][0] == reverse("services_m:progress", args=[app.key])
    body = done.content.decode()
    assert app.number in body
    assert "出生医学证明" in body
    assert "等待前置事项" in body
    assert client.get(reverse("services_m:progress", args=["nope"])).status_code == 404


def test_a_department_sees_and_acts_on_its_own_items_only(
    client: Client, bundles: Any, departments: Any
) -> None:
    app = write.apply(
        bundles["birth"], name="陈丽", phone="13800000101", answers=dict(BIRTH_ANSWERS)
    )
    cert = app.works.get(item__code="cert")
    hukou = app.works.get(item__code="hukou")
    health = _login(Client(), "u_FZ-WJW")
    page = health.get(reverse("services:work", args=[cert.pk]))
    assert page.status_code == 200
    assert "350102199001011238" in page.content.decode()  # its work needs it, and it is logged
    from minsheng.citizens.models import Reveal

    assert Reveal.objects.filter(kind="id_number").count() == 1
    assert health.get(reverse("services:work", args=[hukou.pk])).status_code == 404
    police = _login(Client(), "u_FZ-GAJ")
    assert police.get(reverse("services:work", args=[cert.pk])).status_code == 404
    # The police have an item on this application (waiting), so they see the application.
    assert police.get(reverse("services:application", args=[app.pk])).status_code == 200
    health.post(reverse("services:work", args=[cert.pk]), {"approve": "1", "note": "已签发"})
    cert.refresh_from_db()
    assert cert.state == "done"
    index = police.get(reverse("services:index")).content.decode()
    assert "户口登记" in index  # now waiting for the police


def test_the_clerk_and_the_resident_exchange_signals(
    client: Client, bundles: Any, clerk: Any, city: Any
) -> None:
    app = write.apply(
        bundles["birth"], name="陈丽", phone="13800000101", answers=dict(BIRTH_ANSWERS)
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    (slot, *_rest) = calls.add_slots(
        city["gulou"], day=tomorrow, times=[timezone.datetime(2000, 1, 1, 9).time()]
    )
    progress = reverse("services_m:progress", args=[app.key])
    client.post(progress, {"book": "1", "slot": slot.pk})
    review = Review.objects.get(slot=slot)
    resident_url = reverse("services_m:call_signal", args=[review.room])
    offer = client.post(
        resident_url,
        {"kind": "offer", "data": {"type": "offer", "sdp": "v=0"}},
        content_type="application/json",
    )
    assert offer.status_code == 200
    bad = client.post(resident_url, {"kind": "hack", "data": 1}, content_type="application/json")
    assert bad.status_code == 400
    staff = _login(Client(), "huang")
    clerk_url = reverse("services:call_signal", args=[review.room])
    got = staff.get(clerk_url + "?after=0").json()
    assert [m["kind"] for m in got["messages"]] == ["offer"]
    staff.post(
        clerk_url,
        {"kind": "answer", "data": {"type": "answer", "sdp": "v=0"}},
        content_type="application/json",
    )
    assert [m["kind"] for m in client.get(resident_url + "?after=0").json()["messages"]] == [
        "answer"
    ]
    page = staff.post(
        reverse("services:call", args=[review.room]), {"material": ["父母身份证", "结婚证"]}
    )
    assert page.status_code == 302
    review.refresh_from_db()
    assert review.result == "missing"
    assert "住院分娩记录" in review.missing
    assert app.events.filter(action="review").exists()
    assert client.get(resident_url).json()["finished"] is True


def test_a_department_cannot_run_the_windows_call(
    client: Client, bundles: Any, departments: Any, city: Any
) -> None:
    app = write.apply(
        bundles["birth"], name="陈丽", phone="13800000101", answers=dict(BIRTH_ANSWERS)
    )
    (slot,) = calls.add_slots(
        city["gulou"],
        day=timezone.localdate() + timedelta(days=1),
        times=[timezone.datetime(2000, 1, 1, 10).time()],
    )
    review = calls.book(app, slot)
    other = _login(Client(), "u_FZ-WJW")
    assert other.get(reverse("services:call", args=[review.room])).status_code == 404
    assert other.get(reverse("services:call_signal", args=[review.room])).status_code == 404
    assert Slot.objects.get(pk=slot.pk).application == app


def test_the_demo_loads_three_bundles_and_applications_at_every_step(
    city: Any, departments: Any
) -> None:
    from minsheng.services import demo
    from minsheng.services.models import Authorisation, Bundle

    lines: list[str] = []
    demo.load(now=timezone.now(), log=lines.append, password="x")
    demo.load(now=timezone.now(), log=lines.append, password="x")  # idempotent
    assert set(Bundle.objects.values_list("name", flat=True)) == {
        "出生一件事",
        "退休一件事",
        "开办餐饮店一件事",
    }
    states = set(Application.objects.values_list("state", flat=True))
    assert {"running", "fixing", "done"} <= states
    assert Application.objects.filter(proxy__isnull=False).exists()
    assert Authorisation.objects.get().principal_name == "林国栋"
    assert Slot.objects.filter(application__isnull=True).count() >= 10
    assert Slot.objects.filter(application__isnull=False).count() == 1
    assert len(lines) == 1


def test_a_transfer_to_an_unreachable_peer_waits_for_the_worker(bundles: Any) -> None:
    import socket

    from minsheng.services import transfers
    from minsheng.services.models import Peer, Transfer

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = write.apply(
        bundles["birth"], name="陈丽", phone="13800000101", answers=dict(BIRTH_ANSWERS)
    )
    peer = Peer.objects.create(
        name="外地", endpoint=f"http://127.0.0.1:{port}/open311/v2/", api_key="k"
    )
    transfer = transfers.send(app, peer, by="黄窗口")
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.PENDING
    assert transfer.attempts == 1
    assert "无法连接" in transfer.last_error
    assert transfers.poll_due() == 0  # the worker's step tries again, with the same key
    transfer.refresh_from_db()
    assert transfer.attempts == 2
    app.refresh_from_db()
    assert app.state == Application.State.TRANSFERRED
    from minsheng.services.rules import RuleError

    with pytest.raises(RuleError, match="已经转出"):
        transfers.send(app, peer, by="黄窗口")


def test_the_panel_and_the_badge(bundles: Any, departments: Any, supervisor: Any) -> None:
    from minsheng.services import queries

    write.apply(bundles["birth"], name="陈丽", phone="13800000101", answers=dict(BIRTH_ANSWERS))
    today = timezone.localdate()
    panel = queries.panel(supervisor, today - timedelta(days=1), today, None)
    assert panel is not None
    assert panel["total"] == 1
    assert queries.open_count(departments["FZ-WJW"][1]) == 1  # the certificate waits for it
    assert queries.open_count(departments["FZ-GAJ"][1]) == 0


def test_administrators_edit_bundles_in_the_admin(bundles: Any, admin_user: Any) -> None:
    staff = _login(Client(), "zhou")
    birth = bundles["birth"]
    page = staff.get(reverse("admin:services_bundle_change", args=[birth.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "户口登记（出生登记）" in body
    assert "法定时限（工作日）" in body
    assert staff.get(reverse("admin:services_bundle_changelist")).status_code == 200


def test_the_call_pages_get_the_deployments_turn_server(monkeypatch: Any) -> None:
    import json

    monkeypatch.setenv("MINSHENG_TURN_URLS", "stun:turn.example.cn:3478 turn:turn.example.cn:3478")
    monkeypatch.setenv("MINSHENG_TURN_SECRET", "s3cret")
    (server,) = json.loads(calls.ice_servers())
    assert server["urls"] == ["stun:turn.example.cn:3478", "turn:turn.example.cn:3478"]
    assert server["username"].endswith(":services")
    monkeypatch.delenv("MINSHENG_TURN_SECRET")
    assert calls.ice_servers() == "[]"


def test_a_fixed_material_comes_with_its_photo_for_the_department_only(
    client: Client, bundles: Any, departments: Any
) -> None:
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    app = write.apply(
        bundles["birth"], name="陈丽", phone="13800000101", answers=dict(BIRTH_ANSWERS)
    )
    cert = app.works.get(item__code="cert")
    write.reject(cert, by=departments["FZ-WJW"][1], material="结婚证", reason="请上传结婚证")
    buffer = BytesIO()
    Image.new("RGB", (80, 60), (180, 30, 30)).save(buffer, "JPEG")
    photo = SimpleUploadedFile("cert.jpg", buffer.getvalue(), content_type="image/jpeg")
    progress = reverse("services_m:progress", args=[app.key])
    client.post(progress, {"work": cert.pk, "note": "已上传结婚证照片", "photo": photo})
    cert.refresh_from_db()
    assert cert.state == "running"
    upload = cert.uploads.get()
    assert upload.material == "结婚证"
    health = _login(Client(), "u_FZ-WJW")
    page = health.get(reverse("services:work", args=[cert.pk])).content.decode()
    assert reverse("services:upload", args=[upload.pk]) in page
    image = health.get(reverse("services:upload", args=[upload.pk]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    police = _login(Client(), "u_FZ-GAJ")
    assert police.get(reverse("services:upload", args=[upload.pk])).status_code == 404
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    write.reject(cert, by=departments["FZ-WJW"][1], material="结婚证", reason="仍不清楚")
    client.post(progress, {"work": cert.pk, "note": "再传", "photo": bad})
    cert.refresh_from_db()
    assert cert.state == "rejected"  # a bad photo is refused, nothing written
    assert cert.uploads.count() == 1
