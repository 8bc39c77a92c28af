"""The optional second factor for staff (security review, finding 4): TOTP at login."""

import time
from typing import Any

import pyotp
import pytest
from django.test import Client

from minsheng.accounts import twofactor
from minsheng.accounts.models import SecondFactor

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-1"


@pytest.fixture
def clerk(dispatcher: Any) -> Any:
    dispatcher.set_password(PASSWORD)
    dispatcher.save()
    return dispatcher


@pytest.fixture
def enrolled(clerk: Any) -> pyotp.TOTP:
    factor = twofactor.start(clerk)
    totp = pyotp.TOTP(factor.secret)
    assert twofactor.confirm(clerk, totp.at(time.time() - 30))
    return totp


def login(client: Client, username: str, code: str = "") -> Any:
    return client.post(
        "/login/",
        {"username": username, "password": PASSWORD, "code": code},
        REMOTE_ADDR="203.0.113.9",
    )


def test_without_a_factor_the_password_alone_logs_in(clerk: Any) -> None:
    response = login(Client(), clerk.username)
    assert response.status_code == 302


def test_with_a_factor_the_password_alone_is_refused(clerk: Any, enrolled: pyotp.TOTP) -> None:
    response = login(Client(), clerk.username)
    assert response.status_code == 200
    assert "6 位动态验证码" in response.content.decode()
    response = login(Client(), clerk.username, code="000000" if enrolled.now() != "000000" else "1")
    assert "动态验证码不正确" in response.content.decode()


def test_the_current_code_logs_in_once(clerk: Any, enrolled: pyotp.TOTP) -> None:
    code = enrolled.now()
    assert login(Client(), clerk.username, code=code).status_code == 302
    again = login(Client(), clerk.username, code=code)  # replayed: refused
    assert again.status_code == 200
    assert "已使用过" in again.content.decode()


def test_a_step_either_side_is_allowed_for_clock_drift(clerk: Any, enrolled: pyotp.TOTP) -> None:
    now = time.time()
    assert not twofactor.verify(clerk, enrolled.at(now - 90), now=now)
    assert twofactor.verify(clerk, enrolled.at(now + 30), now=now)


def test_wrong_codes_count_towards_the_lockout(clerk: Any, enrolled: pyotp.TOTP) -> None:
    client = Client()
    for _ in range(5):
        login(client, clerk.username, code="12345x")
    locked = login(client, clerk.username, code=enrolled.now())
    assert locked.status_code == 200
    assert "暂时锁定" in locked.content.decode()


def test_switching_on_and_off_from_the_account_page(clerk: Any) -> None:
    client = Client()
    client.force_login(clerk)
    page = client.get("/account/two-factor/")
    assert "开启两步验证" in page.content.decode()
    client.post("/account/two-factor/", {"step": "start"})
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page  # inline SVG: no script, no request to another server
    factor = SecondFactor.objects.get(user=clerk)
    wrong = client.post("/account/two-factor/", {"step": "confirm", "code": "999999x"})
    assert wrong.status_code == 400
    assert not twofactor.active(clerk)
    totp = pyotp.TOTP(factor.secret)
    client.post("/account/two-factor/", {"step": "confirm", "code": totp.now()})
    assert twofactor.active(clerk)
    refused = client.post("/account/two-factor/", {"step": "disable", "code": "000000"})
    assert refused.status_code == 400
    assert twofactor.active(clerk)
    client.post("/account/two-factor/", {"step": "disable", "code": totp.at(time.time() + 30)})
    assert not twofactor.active(clerk)
    assert not SecondFactor.objects.filter(user=clerk).exists()


def test_the_page_needs_a_login() -> None:
    response = Client().get("/account/two-factor/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
