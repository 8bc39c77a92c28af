"""Run only by test_browser_skip.py, in a subprocess without Django: asks for a browser."""

from typing import Any


def test_a_browser_is_asked_for(chromium: Any) -> None:
    page = chromium.new_page()
    page.set_content("<p>ok</p>")
    assert page.inner_text("p") == "ok"
