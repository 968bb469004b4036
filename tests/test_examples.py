"""The examples in examples/ run as documented (smoke tests)."""

from __future__ import annotations

import runpy
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_library_usage_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "library_usage.py")], capture_output=True, text=True, timeout=60, check=True
    )
    assert "follow_up exercise-when-in-pain" in result.stdout
    assert "answer exercise-when-in-pain" in result.stdout
    assert len((EXAMPLES / "library_usage.py").read_text().splitlines()) <= 25


def test_starlette_mount_serves_its_own_page_and_the_bot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQBOT_SECRET", "examples")
    app = runpy.run_path(str(EXAMPLES / "starlette_mount.py"))["app"]
    client = TestClient(app)
    home = client.get("/")
    assert home.status_code == 200 and 'src="/help/widget.js"' in home.text
    assert client.get("/help/widget.js").status_code == 200
    first = client.post("/help/api/chat", json={"message": "Is it safe to exercise when I am in pain?"}).json()
    assert first["kind"] == "follow_up"
    second = client.post("/help/api/chat", json={"message": "No", "state": first["state"]}).json()
    assert second["kind"] == "answer"
    demo = client.get("/help/").text
    assert 'src="/help/widget.js"' in demo and 'href="/help/faq"' in demo
    assert client.get("/help/faq").status_code == 200


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and data.strip():
            self.inline = True


def test_embed_html_is_the_one_tag() -> None:
    parser = _Scripts()
    parser.feed((EXAMPLES / "embed.html").read_text(encoding="utf-8"))
    assert len(parser.scripts) == 1 and not parser.inline
    tag = parser.scripts[0]
    src, endpoint = urlsplit(tag["src"] or ""), urlsplit(tag["data-endpoint"] or "")
    assert src.path == "/widget.js" and endpoint.path == "/api/chat" and "defer" in tag
    assert src.netloc == endpoint.netloc == "127.0.0.1:8000"  # where `faqbot serve` listens by default
