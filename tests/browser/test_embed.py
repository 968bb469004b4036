"""examples/embed.html, served from another origin: the one-tag embed, CORS and the data- attributes."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from _serve_helpers import Server
from conftest import Watched
from test_widget import ask, expect, replies

EMBED = Path(__file__).resolve().parents[2] / "examples" / "embed.html"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Server]]:
    """(URL of embed.html on its own origin, the faqbot server that allows that origin)."""
    folder = tmp_path_factory.mktemp("site")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    log = tmp_path_factory.mktemp("embed-serve") / "serve.log"
    try:
        with Server(
            "--no-access-log", "--allow-origin", origin, log_path=log, env={"FAQBOT_SECRET": "embed tests"}
        ) as server:
            page = EMBED.read_text(encoding="utf-8").replace("http://127.0.0.1:8000", server.url)
            (folder / "embed.html").write_text(page, encoding="utf-8")
            (folder / "favicon.ico").write_bytes(b"")
            yield f"{origin}/embed.html", server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_one_tag_embed_on_another_origin(watched: Watched, site: tuple[str, Server]) -> None:
    url, _ = site
    page = watched.page
    page.goto(url)
    launcher = page.get_by_role("button", name="Ask a question, Questions about back pain?")
    colour = launcher.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(47, 107, 58)"  # data-color="#2f6b3a"
    launcher.click()
    expect(page.locator(".fb-msg.fb-bot").first).to_have_text(
        "Bot: Hello! Ask me about exercising with lower back pain."
    )
    ask(page, "What exercises are safe for me to perform?")
    expect(replies(page, "answer")).to_have_count(1)


def test_page_on_an_origin_not_allowed_gets_no_answer(watched: Watched, site: tuple[str, Server]) -> None:
    url, _ = site
    page = watched.page
    watched.allow("CORS")
    watched.allow("Failed to load resource")
    watched.allow("is not allowed to use this chat")  # the console message, for the site's owner
    page.goto(url.replace("127.0.0.1", "localhost"))  # same page, but an origin the server does not allow
    page.get_by_role("button", name="Ask a question, Questions about back pain?").click()
    notes = page.locator(".fb-msg.fb-note")
    expect(notes.filter(has_text="not available on this page")).to_have_count(1)  # neutral, for the visitor
    expect(page.locator(".fb-kind-disclaimer")).to_have_count(1)  # the widget's own copy of a disclaimer
    ask(page, "What exercises are safe for me to perform?")
    expect(notes.filter(has_text="not available on this page")).to_have_count(2)
    expect(notes.filter(has_text="check your connection")).to_have_count(0)
    expect(replies(page, "answer")).to_have_count(0)
    assert any("is not allowed to use this chat" in e for e in watched.errors)
