"""Real headless Chromium (Debian's /usr/bin/chromium, driven by Python playwright) against `faqbot serve`.

No browser is ever downloaded. Without Chromium or playwright these tests skip and say why at the end of
the run — except when the CI environment variable is set, where they fail instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _serve_helpers import Server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("FAQBOT_CHROMIUM", "/usr/bin/chromium")  # Debian's; another path may be given
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_skipped: list[str] = []


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} not found (install Debian's chromium: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install '.[test]')"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.write_line(f"browser tests skipped: {_skipped[0]}", yellow=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module: playwright's sync API keeps an event loop running while it is open,
    which would break `asyncio.run` in tests collected after the browser tests."""
    reason = unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        _skipped.append(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("browser-serve") / "serve.log"
    # One server answers every test from one address: the default rate limit (60 a minute) would turn a fast
    # machine's run into 429s. Rate limiting has its own server and test (test_layout).
    with Server(
        "--no-access-log", "--rate-limit", "0", log_path=log, env={"FAQBOT_SECRET": "browser tests"}
    ) as running:
        yield running


class Watched:
    """A page plus what it reported: JavaScript dialogs (there must be none), errors and CSP violations."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.allowed: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))

    def allow(self, error: str) -> None:
        """Expect an error containing this text (e.g. the 400 a tampered token gets)."""
        self.allowed.append(error)

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors if not any(a in e for a in self.allowed)]

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = Watched(context.new_page())
    yield page
    context.close()
    assert not page.dialogs, f"the page opened dialogs: {page.dialogs}"
    assert not page.unexpected_errors(), f"the page reported errors: {page.unexpected_errors()}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
