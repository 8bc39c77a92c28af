"""A machine without Chromium skips the browser tests with one line saying what to install; CI
(MINSHENG_REQUIRE_BROWSER=1) fails them instead."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PROBE = "minsheng/tests/probes/browser_probe.py"  # no database: safe beside this run


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the test suite's own interpreter
        [sys.executable, "-m", "pytest", "-q", "-p", "no:django", PROBE],
        cwd=ROOT,
        env={**os.environ, "MINSHENG_CHROMIUM": "/nonexistent/chromium", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_without_chromium_browser_tests_skip_with_one_clear_line() -> None:
    done = _run(MINSHENG_REQUIRE_BROWSER="0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "apt-get install chromium fonts-wqy-microhei" in done.stdout


def test_with_chromium_the_probe_runs(chromium: Any) -> None:
    """(Asks for the browser itself, so that it skips like the others where there is none.)"""
    done = _run(MINSHENG_REQUIRE_BROWSER="1", MINSHENG_CHROMIUM="")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_ci_requires_the_browser() -> None:
    done = _run(MINSHENG_REQUIRE_BROWSER="1")
    assert done.returncode != 0
    assert "未找到可用的 Chromium" in done.stdout
