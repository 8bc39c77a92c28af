"""Heads report from their phones without a staff password: an invitation link by SMS, a
one-time code, a session tied to role and area, revocable; a head sees only their area."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minsheng.community import network, rules
from minsheng.community.models import HeadSession, Linkage
from minsheng.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_invitation_code_and_session(net: dict[str, Any], client: Client) -> None:
    token = network.invite(net["head"], by=net["street"])
    sms = Notification.objects.get(phone="13900000001", channel="sms")
    assert f"/m/community/join/{token}/" in sms.body
    page = client.get(f"/m/community/join/{token}/")
    assert page.status_code == 200
    client.post(f"/m/community/join/{token}/", {"step": "send"})
    code_sms = Notification.objects.filter(phone="13900000001").exclude(pk=sms.pk).get()
    code = code_sms.body.split("验证码是 ")[1][:6]
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(f"/m/community/join/{token}/", {"step": "verify", "code": wrong})
    assert response.status_code == 302
    assert client.get("/m/community/head/").status_code == 403
    response = client.post(f"/m/community/join/{token}/", {"step": "verify", "code": code})
    assert response.headers["Location"] == "/m/community/head/"
    home = client.get("/m/community/head/").content.decode()
    assert "楼栋长 王建" in home
    assert "东街小区1号楼" in home
    session = HeadSession.objects.get()
    assert (session.role, session.area) == ("building", "东街小区1号楼")
    # The link works once.
    with pytest.raises(rules.RuleError):
        network.send_code(token)


def test_codes_expire_and_wrong_tries_are_limited(net: dict[str, Any]) -> None:
    token = network.invite(net["head"], by=net["street"])
    code = network.send_code(token)
    with pytest.raises(rules.RuleError, match="1 分钟后再试"):
        network.send_code(token)
    with pytest.raises(rules.RuleError, match="验证码不正确或已过期"):
        network.verify(token, code, at=timezone.now() + timedelta(minutes=11))
    for _ in range(network.MAX_CODE_TRIES - 1):
        with pytest.raises(rules.RuleError):
            network.verify(token, "999999" if code != "999999" else "888888")
    with pytest.raises(rules.RuleError, match="错误次数过多"):
        network.verify(token, code)


def test_revoked_or_moved_heads_lose_their_session(net: dict[str, Any], signed_in: Any) -> None:
    key = signed_in(net["head"])
    assert network.session_head(key) == net["head"]
    net["head"].building = net["b2"]  # moved to another building: the old session is void
    net["head"].save()
    assert network.session_head(key) is None
    net["head"].building = net["b1"]
    net["head"].save()
    assert network.session_head(key) == net["head"]
    assert network.revoke(net["head"], by=net["street"]) == 1
    assert network.session_head(key) is None


def test_staff_invite_and_revoke_from_the_heads_page(
    net: dict[str, Any], client: Client, signed_in: Any
) -> None:
    from datetime import time

    from minsheng.community.models import Duty

    key = signed_in(net["head"])
    weekday = timezone.localtime().weekday()
    Duty.objects.create(head=net["head"], weekday=weekday, starts=time(0), ends=time(23, 59, 59))
    client.force_login(net["worker"])
    page = client.get("/community/heads/").content.decode()
    assert page.count("在岗") == 1  # Wang, on duty all day today
    assert "139****0001" in page
    assert "13900000001" not in page
    client.post(f"/community/heads/{net['head'].pk}/revoke/")
    assert network.session_head(key) is None
    client.post(f"/community/heads/{net['head'].pk}/invite/")
    assert Notification.objects.filter(phone="13900000001", body__contains="/join/").count() == 2


def _as_head(client: Client, key: str) -> Client:
    session = client.session
    session["community_head"] = key
    session.save()
    return client


def test_a_head_sees_only_their_area(net: dict[str, Any], signed_in: Any) -> None:
    mine = network.report(net["head"], network.Report(net["b1"], "1号楼电梯困人，请尽快处理。"))
    theirs = network.report(net["other"], network.Report(net["b2"], "2号楼门禁坏了，进出不便。"))
    with pytest.raises(rules.RuleError, match="负责范围"):
        network.report(net["head"], network.Report(net["b2"], "2号楼的楼道堆满杂物。"))

    wang = _as_head(Client(), signed_in(net["head"]))
    home = wang.get("/m/community/head/").content.decode()
    assert mine.ticket.number in home
    assert theirs.ticket.number not in home
    assert wang.get(f"/m/community/head/r/{mine.pk}/").status_code == 200
    assert wang.get(f"/m/community/head/r/{theirs.pk}/").status_code == 404
    # The building list offers only his building; posting another one is refused.
    response = wang.post(
        "/m/community/head/", {"building": net["b2"].pk, "text": "2号楼楼道堆满杂物。"}
    )
    assert response.status_code == 200
    assert Linkage.objects.count() == 2
    response = wang.post(
        "/m/community/head/",
        {"building": net["b1"].pk, "stairwell": 2, "room": "302", "text": "2单元302漏水到楼下。"},
    )
    assert response.status_code == 302
    assert Linkage.objects.count() == 3
    made = Linkage.objects.get(room="302")
    assert made.stairwell is not None
    assert made.stairwell.number == 2

    # The steward of building 1 sees building 1's matters and the offer to answer it.
    zhou = _as_head(Client(), signed_in(net["steward"]))
    page = zhou.get(f"/m/community/head/r/{made.pk}/").content.decode()
    assert 'id="answer"' in page
    zhou.post(f"/m/community/head/r/{made.pk}/", {"solved": "0", "text": "要专业师傅。"})
    made.refresh_from_db()
    assert made.level == "grid"
    assert zhou.get(f"/m/community/head/r/{theirs.pk}/").status_code == 404

    # Signed out: nothing.
    assert Client().get("/m/community/head/").status_code == 403
    wang.post("/m/community/head/logout/")
    assert wang.get("/m/community/head/").status_code == 403
