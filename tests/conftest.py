from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import faqbot


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
