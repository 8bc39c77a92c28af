"""The English UI: pages switch language by cookie or header, Chinese stays the default,
and the English catalogue is complete."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    """A request in English leaves English active in this thread; don't let it leak."""
    before = translation.get_language()
    yield
    translation.activate(before or settings.LANGUAGE_CODE)


def _in_english(client: Any, how: str) -> dict[str, Any]:
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return {}
    return {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize("how", ["cookie", "header"])
def test_login_page_in_english(client: Any, how: str) -> None:
    html = client.get(reverse("login"), **_in_english(client, how)).content.decode()
    assert '<html lang="en">' in html
    for text in ("Staff login", "Username", "Password", "Log in", "Track your request"):
        assert text in html
    assert "工作人员登录" not in html
    assert "用户名" not in html


def test_login_page_in_chinese_by_default(client: Any) -> None:
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in html
    for text in ("工作人员登录", "用户名", "密码", "群众查询诉求进度", "民生 · 接诉即办"):
        assert text in html
    assert "Staff login" not in html


def test_intake_page_in_english(client: Any, agent: Any, catalogue: dict[str, Any]) -> None:
    client.force_login(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("intake:new")).content.decode()
    for text in (
        "New request",
        "Request type",
        "Request details",
        "Urgency",
        "— Select —",
        "Type to filter categories",
        "Submit request",
        "Log out",
    ):
        assert text in html
    # The navigation labels still come from Python in Chinese; the page itself is English.
    assert "<h1>New request</h1>" in html
    for text in ("诉求类型", "提交受理", "退出登录", "来电人历史诉求"):
        assert text not in html


def test_intake_page_in_chinese_by_default(
    client: Any, agent: Any, catalogue: dict[str, Any]
) -> None:
    client.force_login(agent)
    html = client.get(reverse("intake:new")).content.decode()
    assert "<h1>受理登记</h1>" in html
    for text in ("来电号码", "诉求类型", "——请选择——", "提交受理", "退出登录"):
        assert text in html
    assert "Submit request" not in html


def test_the_language_switch_sets_english(client: Any) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )
    assert response.client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Staff login" in response.content.decode()


def test_resident_tracking_page_in_english(client: Any, db: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("residents:track")).content.decode()
    for text in ("Track my request", "Ticket number", "Last 4 digits of phone", "Large text"):
        assert text in html
    assert "查询我的诉求" not in html


def _po_entries(text: str) -> list[dict[str, Any]]:
    """Just enough of the PO format: flags, msgid and every msgstr of each entry."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry: dict[str, Any] = {"flags": set(), "msgid": "", "msgstr": []}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line
            ):
                field, value = match.groups()
                if field.startswith("msgstr"):
                    entry["msgstr"].append(value)
                elif field == "msgid":
                    entry["msgid"] = value
            elif line.startswith('"') and field is not None:
                if field.startswith("msgstr"):
                    entry["msgstr"][-1] += line[1:-1]
                elif field == "msgid":
                    entry["msgid"] += line[1:-1]
        entries.append(entry)
    return entries


def test_the_english_catalogue_is_complete() -> None:
    entries = _po_entries(PO.read_text(encoding="utf-8"))
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert len(messages) > 200
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    for entry in messages:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert entry["msgstr"], entry["msgid"]
        for translated in entry["msgstr"]:
            assert translated.strip(), f"untranslated: {entry['msgid']}"
            assert sorted(placeholder.findall(translated)) == sorted(
                placeholder.findall(entry["msgid"])
            ), entry["msgid"]
    assert PO.with_suffix(".mo").exists()
