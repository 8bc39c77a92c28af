"""亲友代办: who for whom, which bundles, until when, on what evidence; both names on the
timeline; an expired or revoked authorisation refuses the act."""

from datetime import time, timedelta
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from minsheng.services import write
from minsheng.services.models import Application, Authorisation
from minsheng.services.rules import RuleError

pytestmark = pytest.mark.django_db
RETIRE = {"id": "350102196001011234", "employer": "福州第二纺织厂", "bank": "6222020000001234"}


def _photo() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (60, 40), (240, 240, 240)).save(buffer, "JPEG")
    return buffer.getvalue()


def _authorise(bundles: Any, **extra: Any) -> Authorisation:
    fields: dict[str, Any] = {
        "principal_phone": "13800000201",
        "principal_name": "林国栋",
        "proxy_phone": "13800000202",
        "proxy_name": "林晓红",
        "relation": "女儿",
        "bundles": [bundles["retire"]],
        "valid_until": timezone.localdate() + timedelta(days=30),
        "evidence": "photo",
        "photo": _photo(),
    }
    fields.update(extra)
    return write.authorise(**fields)


def test_a_proxy_applies_and_the_timeline_names_both(bundles: Any) -> None:
    auth = _authorise(bundles)
    assert auth.confirmed_at is not None  # the signed form's photo is the evidence
    found = write.proxy_by_code(auth.key.lower(), "138 0000 0202")
    app = write.apply(bundles["retire"], name="", phone="", answers=RETIRE, proxy=found)
    assert app.resident == auth.principal
    assert app.name == "林国栋"
    assert app.events.get(action="apply").actor == "林晓红（代林国栋办理）"
    from minsheng.services import calls

    tomorrow = timezone.localdate() + timedelta(days=1)
    (slot,) = calls.add_slots(bundles["retire"].window, day=tomorrow, times=[time(9, 0)])
    calls.book(app, slot)
    assert app.events.get(action="book").actor == "林晓红（代林国栋办理）"


def test_the_elder_confirms_by_sms_code(bundles: Any) -> None:
    from minsheng.notifications.models import Notification

    auth = _authorise(bundles, evidence="sms", photo=b"")
    sms = Notification.objects.get(kind="services_proxy_code")
    assert sms.phone == "13800000201"  # the elder's own phone
    code = sms.body.split("验证码 ")[1][:6]
    with pytest.raises(RuleError, match="尚未生效"):
        write.apply(bundles["retire"], name="", phone="", answers=RETIRE, proxy=auth)
    with pytest.raises(RuleError, match="不正确"):
        write.confirm(auth, "000000" if code != "000000" else "111111")
    auth.refresh_from_db()
    assert auth.code_tries == 1  # a wrong code counts
    write.confirm(auth, code)
    assert auth.confirmed_at is not None
    write.apply(bundles["retire"], name="", phone="", answers=RETIRE, proxy=auth)


def test_revoked_or_expired_authorisations_refuse_the_act(bundles: Any) -> None:
    auth = _authorise(bundles)
    app = write.apply(bundles["retire"], name="", phone="", answers=RETIRE, proxy=auth)
    write.revoke(auth, by="林国栋")
    with pytest.raises(RuleError, match="撤销"):
        write.apply(bundles["retire"], name="", phone="", answers=RETIRE, proxy=auth)
    assert Application.objects.count() == 1
    later = _authorise(bundles, valid_until=timezone.localdate() + timedelta(days=1))
    with (
        time_machine.travel(timezone.now() + timedelta(days=3)),
        pytest.raises(RuleError, match="到期"),
    ):
        write.apply(bundles["retire"], name="", phone="", answers=RETIRE, proxy=later)
    with pytest.raises(RuleError, match="不包括"):
        write.apply(bundles["birth"], name="", phone="", answers={}, proxy=later)
    assert app.events.filter(action="apply").count() == 1


def test_a_revoked_proxy_cannot_fix_a_material_either(bundles: Any, departments: Any) -> None:
    auth = _authorise(bundles)
    app = write.apply(bundles["retire"], name="", phone="", answers=RETIRE, proxy=auth)
    pension = app.works.get(item__code="pension")
    write.reject(pension, by=departments["FZ-RSJ"][1], material="人事档案", reason="缺档案")
    write.revoke(auth, by="林国栋")
    pension.refresh_from_db()
    with pytest.raises(RuleError, match="撤销"):
        write.fix(pension, note="已补交档案")
    pension.refresh_from_db()
    assert pension.state == "rejected"


def test_wrong_proxy_phone_or_bad_dates_are_refused(bundles: Any) -> None:
    auth = _authorise(bundles)
    with pytest.raises(RuleError, match="不符"):
        write.proxy_by_code(auth.key, "13900000000")
    with pytest.raises(RuleError, match="有效期"):
        _authorise(bundles, valid_until=timezone.localdate())
    with pytest.raises(RuleError, match="同一个"):
        _authorise(bundles, proxy_phone="13800000201")
