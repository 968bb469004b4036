from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import faqbot


def pytest_configure(config: pytest.Config) -> None:
    """Calibrations are cached in a directory of the run's own (subprocesses inherit it), not the user's."""
    import os
    import tempfile

    os.environ.setdefault("FAQBOT_CACHE_DIR", tempfile.mkdtemp(prefix="faqbot-test-cache-"))


@pytest.fixture(scope="session")
def bot() -> faqbot.Bot:
    """The bundled back-pain knowledge base, loaded once for the whole run."""
    return faqbot.Bot.load()


@pytest.fixture
def write_kb(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML text to a knowledge-base file in a temporary directory and return its path."""

    def write(text: str, name: str = "kb.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
