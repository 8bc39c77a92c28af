"""Staff login throttling with back-off, the idle timeout, and the Content-Security-Policy
(security review, finding 4)."""

import re
import time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from minsheng.accounts import throttle
from minsheng.accounts.middleware import LAST_SEEN

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-1"


@pytest.fixture
def clerk(dispatcher: Any) -> Any:
    dispatcher.set_password(PASSWORD)
    dispatcher.save()
    return dispatcher


def login(client: Client, username: str, password: str, address: str = "203.0.113.5") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_lock_doubles_from_a_minute_up_to_an_hour() -> None:
    assert throttle.lock_seconds(4, 5) == 0
    assert [throttle.lock_seconds(n, 5) for n in (5, 6, 7)] == [60, 120, 240]
    assert throttle.lock_seconds(50, 5) == 3600


def test_after_five_wrong_passwords_the_right_one_does_not_open_the_account(clerk: Any) -> None:
    client = Client()
    for _ in range(5):
        assert login(client, clerk.username, "wrong").status_code == 200

    response = login(client, clerk.username, PASSWORD)

    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_name_from_any_address_and_ends(clerk: Any) -> None:
    start = time.time()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            login(Client(), clerk.username, "wrong", address=f"198.51.100.{n}")
        refused = login(Client(), clerk.username, PASSWORD, address="192.0.2.1")
    with time_machine.travel(start + 61, tick=False):
        client = Client()
        opened = login(client, clerk.username, PASSWORD, address="192.0.2.1")

    assert "登录失败次数过多" in refused.content.decode()
    assert opened.status_code == 302
    assert "_auth_user_id" in client.session


def test_many_names_tried_from_one_address_lock_that_address(clerk: Any) -> None:
    for n in range(20):
        login(Client(), f"guess{n}", "wrong", address="203.0.113.77")

    refused = login(Client(), clerk.username, PASSWORD, address="203.0.113.77")
    elsewhere = login(Client(), clerk.username, PASSWORD, address="192.0.2.9")

    assert "登录失败次数过多" in refused.content.decode()
    assert elsewhere.status_code == 302


def test_a_staff_session_ends_after_thirty_idle_minutes(clerk: Any, settings: Any) -> None:
    settings.MINSHENG_STAFF_IDLE_MINUTES = 30
    client = Client()
    start = time.time()
    with time_machine.travel(start, tick=False):
        login(client, clerk.username, PASSWORD)
        assert client.get("/queue/").status_code == 200
    with time_machine.travel(start + 29 * 60, tick=False):
        assert client.get("/queue/").status_code == 200
    with time_machine.travel(start + 29 * 60 + 31 * 60, tick=False):
        response = client.get("/queue/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert "_auth_user_id" not in client.session
    assert LAST_SEEN not in client.session


def test_every_page_carries_a_content_security_policy_without_inline_scripts(
    clerk: Any,
) -> None:
    client = Client()
    client.force_login(clerk)
    policy = client.get("/queue/")["Content-Security-Policy"]

    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "Content-Security-Policy" in Client().get("/m/").headers


def test_no_template_has_an_inline_script_or_handler() -> None:
    """The policy allows scripts only from files: an inline one would silently not run."""
    package = Path(__file__).resolve().parents[2]
    inline = [
        str(path.relative_to(package))
        for path in package.rglob("templates/**/*.html")
        for tag in re.findall(r"<script\b[^>]*>", path.read_text())
        if "src=" not in tag and "application/json" not in tag
    ]
    assert inline == []
    handlers = [
        str(path.relative_to(package))
        for path in package.rglob("templates/**/*.html")
        if re.search(r"\son[a-z]+=\"", path.read_text())
    ]
    assert handlers == []
