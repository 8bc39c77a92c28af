"""The error pages (#13 defect 10): Chinese, in the layout, with the reason and a way back; a 403
logs one line, not a traceback; the API keeps its JSON."""

import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_missing_page_is_chinese_in_the_layout_with_a_way_back(street_handler: Any) -> None:
    client = logged_in(street_handler)
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/inbox/?page=2")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html
    assert "Not Found" not in html
    assert 'class="topbar"' in html  # the staff layout, with its menu
    assert "退出登录" in html
    assert 'href="/inbox/?page=2"' in html
    assert "返回上一页" in html
    assert 'href="/"' in html
    assert "返回首页" in html


def test_a_ticket_out_of_reach_is_the_same_chinese_404(street_handler: Any) -> None:
    response = logged_in(street_handler).get("/t/NO-SUCH-NUMBER/")
    assert response.status_code == 404
    assert "页面不存在，或您没有权限查看" in response.content.decode()


def test_a_refusal_says_why_in_the_layout_and_logs_no_traceback(
    street_handler: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = logged_in(street_handler).get(reverse("assessment:policy"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in html
    assert "只有系统管理员可以修改考核规则。" in html  # the view's own reason
    assert 'class="topbar"' in html
    assert "返回首页" in html
    refusals = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert refusals
    assert all(r.exc_info is None for r in refusals)
    assert "Traceback" not in caplog.text


def test_a_resident_page_that_is_missing_keeps_the_residents_layout(db: Any) -> None:
    response = Client().get("/m/no-such-step/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="m-header"' in html
    assert 'href="/m/"' in html


def test_an_expired_form_is_a_chinese_page_not_djangos_csrf_text(street_handler: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(street_handler)
    response = client.post(reverse("logout"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in html
    assert "CSRF verification failed" not in html


def test_a_failure_is_a_chinese_page_with_a_way_home(
    supervisor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minsheng.assessment import queries

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(queries, "periods", broken)
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    response = client.get(reverse("assessment:ranking"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务出错" in html
    assert "返回首页" in html
    assert "minsheng.css" in html
    assert "Server Error" not in html


def test_the_api_keeps_its_json_for_a_missing_address(db: Any) -> None:
    response = Client().get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_every_page_names_the_icon_and_favicon_ico_leads_to_it(db: Any) -> None:
    """#13 defect 14: no favicon (every page load logged a 404 for /favicon.ico)."""
    html = Client().get(reverse("login")).content.decode()
    assert 'rel="icon"' in html
    assert "favicon.svg" in html
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    icon = Client().get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)  # type: ignore[attr-defined]
