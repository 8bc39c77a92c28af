"""English-mode text the pilot found in Chinese or in Django's words (#13 defect 14): durations,
due badges, the error pages, the admin's titles and the task queue's name."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from minsheng.tickets.templatetags import tickets as ticket_tags


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    before = translation.get_language()
    yield
    translation.activate(before or settings.LANGUAGE_CODE)


def test_durations_and_due_badges_speak_the_users_language() -> None:
    with translation.override("en"):
        assert ticket_tags.span(timedelta(days=51, hours=14)) == "51 d 14 h"
        assert ticket_tags.span(timedelta(days=2)) == "2 d"
        assert ticket_tags.span(timedelta(hours=5)) == "5 h"
        assert ticket_tags.span(timedelta(minutes=7)) == "7 min"
        assert str(ticket_tags._DUE["due_soon"][1]) == "Due soon"
    with translation.override("zh-hans"):
        assert ticket_tags.span(timedelta(days=51, hours=14)) == "51 天 14 小时"
        assert str(ticket_tags._DUE["due_soon"][1]) == "即将到期"


def test_timeline_actors_the_events_wrote_in_chinese_read_in_english() -> None:
    with translation.override("en"):
        assert ticket_tags.actor("系统") == "System"
        assert ticket_tags.actor("诉求人（尾号5678）") == "Resident (phone ending 5678)"
        assert ticket_tags.actor("王话务") == "王话务"  # a person's name stays
    with translation.override("zh-hans"):
        assert ticket_tags.actor("诉求人（尾号5678）") == "诉求人（尾号5678）"


@pytest.mark.django_db
def test_the_admin_is_titled_by_the_platform_and_names_the_task_queue(admin_user: Any) -> None:
    client = Client()
    client.force_login(admin_user)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    html = client.get("/admin/").content.decode()
    assert "民生 · 接诉即办 管理后台" in html
    assert "后台任务队列" in html
    assert "Django 管理" not in html
    assert "Tasks Database Backend" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/admin/").content.decode()
    assert "Minsheng 12345 administration" in english
    assert "Background task queue" in english
    assert "Django administration" not in english


@pytest.mark.django_db
def test_the_error_pages_in_english(street_handler: Any) -> None:
    client = Client()
    client.force_login(street_handler)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html
    assert "Home page" in html
    assert "页面不存在" not in html
