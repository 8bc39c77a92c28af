"""No read through Open311 shows a resident's name, phone or e-mail, in any format."""

from typing import Any

import pytest

from minsheng.citizens import registry
from minsheng.feedback.visits import rate
from minsheng.tickets import workflow

SECRETS = ["13812345678", "138-1234-5678", "张先生", "zhang@example.com", "350102199001011234"]


@pytest.fixture
def bodies(
    client: Any,
    make_ticket: Any,
    street_handler: Any,
    dispatcher: Any,
    city: dict[str, Any],
    good_form: dict[str, Any],
) -> list[str]:
    """Every GET reply about tickets full of personal data, in both formats, with extensions."""
    ticket = make_ticket(
        description="张先生（电话 138-1234-5678，邮箱 zhang@example.com，"
        "身份证 350102199001011234）反映工地夜间施工。",
        address="鼓楼区东街88号，联系 13812345678",
    )
    workflow.dispatch(ticket, to=city["gudong"], by=dispatcher)
    workflow.accept(ticket, by=street_handler)
    workflow.reply(ticket, by=street_handler, text="张先生您好，已致电 13812345678 告知处理结果。")
    rate(ticket, satisfaction="unsatisfied", resolved=False, comment="我是张先生，13812345678")
    posted = client.post(
        "/open311/v2/requests.json",
        {
            **good_form,
            "phone": "13812345678",
            "first_name": "先生",
            "last_name": "张",
            "email": "zhang@example.com",
            "device_id": "imei-350102199001011234",
        },
    ).json()[0]["service_request_id"]
    assert registry.remember(phone="13812345678").name == "张先生"
    replies = []
    for fmt in ("json", "xml"):
        for path, params in [
            ("requests", {}),
            ("requests", {"extensions": "true"}),
            (f"requests/{ticket.number}", {"extensions": "true"}),
            (f"requests/{posted}", {"extensions": "true"}),
            ("requests", {"service_request_id": f"{ticket.number},{posted}"}),
        ]:
            response = client.get(f"/open311/v2/{path}.{fmt}", params)
            assert response.status_code == 200
            replies.append(response.content.decode("utf-8"))
    return replies


def test_no_reply_shows_a_residents_name_phone_email_or_id_number(bodies: list[str]) -> None:
    for body in bodies:
        for secret in SECRETS:
            assert secret not in body
        assert "imei" not in body


def test_the_masked_texts_still_say_what_happened(bodies: list[str]) -> None:
    json_list = bodies[1]
    assert "反映工地夜间施工" in json_list
    assert "张**" in json_list
    assert "***" in json_list
    assert "回访评价：不满意" in json_list
    assert "我是" not in json_list  # the resident's rating comment stays private
