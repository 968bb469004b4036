"""Without Chromium the browser tests skip and say why — but in CI they fail (tests/browser/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BROWSER_TESTS = Path(__file__).resolve().parent / "browser" / "test_widget.py"


def run_without_chromium(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["FAQBOT_CHROMIUM"] = "/nonexistent/chromium"
    if ci:
        env["CI"] = "true"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(BROWSER_TESTS), "-k", "keyboard"]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_without_chromium_browser_tests_skip_with_the_reason() -> None:
    result = run_without_chromium(ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "browser tests skipped: /nonexistent/chromium not found" in result.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="the CI runs on Linux")
def test_without_chromium_browser_tests_fail_in_ci() -> None:
    result = run_without_chromium(ci=True)
    assert result.returncode == 1, result.stdout
    assert "browser tests cannot run in CI" in result.stdout
