from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

import faqbot
from faqbot import web
from faqbot.signing import StateSigner

SECRET = "test secret"
EXERCISE = "Is it safe to exercise when I am in pain?"
REPLY_KEYS = {
    "id",
    "kind",
    "entry_id",
    "text",
    "markdown",
    "html",
    "options",
    "tier",
    "signs",
    "referral",
    "calls",
    "state",
}
SMALL_KB = """\
meta: {title: Tiny FAQ, disclaimer: Just a test.}
entries:
  - id: opening-hours
    question: When are you open?
    alternates: [opening hours, what time do you open]
    answer: "We are open **every day**. <script>alert(1)</script>"
"""


@pytest.fixture(scope="module")
def client(bot: faqbot.Bot) -> Iterator[TestClient]:
    with TestClient(web.create_app(bot, secret=SECRET)) as test_client:
        yield test_client


def chat(client: TestClient, message: str, state: str | None = None) -> dict[str, Any]:
    response = client.post("/api/chat", json={"message": message, "state": state})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == code


# -- the conversation ------------------------------------------------------------------------------------


def test_follow_up_flow_over_the_api_matches_the_library(client: TestClient, bot: faqbot.Bot) -> None:
    session, token = bot.session(), None
    for message, kind in [(EXERCISE, "follow_up"), ("Yes", "follow_up"), ("Yes", "answer")]:
        data = chat(client, message, token)
        expected = session.ask(message)
        assert set(data) == REPLY_KEYS
        assert (data["kind"], data["entry_id"]) == (kind, "exercise-when-in-pain")
        assert (data["text"], data["html"], data["options"]) == (expected.text, expected.html, list(expected.options))
        token = data["state"]
    first = chat(client, EXERCISE)
    assert first["options"] == ["Yes", "No", "Not sure"]


@pytest.mark.parametrize(
    ("message", "kind", "entry_id"),
    [
        ("What exercises are safe for me to perform?", "answer", "safe-exercises"),
        ("how do I bake bread", "fallback", None),
        ("I can't control my bladder", "urgent", None),
    ],
)
def test_single_replies(client: TestClient, message: str, kind: str, entry_id: str | None) -> None:
    data = chat(client, message)
    assert (data["kind"], data["entry_id"]) == (kind, entry_id)
    assert data["html"].startswith("<")


def test_state_may_be_left_out_for_a_new_conversation(client: TestClient) -> None:
    response = client.post("/api/chat", json={"message": EXERCISE})
    assert response.json()["kind"] == "follow_up"


def test_state_is_an_opaque_token_not_the_dict(client: TestClient) -> None:
    token = chat(client, EXERCISE)["state"]
    assert isinstance(token, str) and "pending" not in token


def test_user_html_never_comes_back_as_markup(client: TestClient) -> None:
    data = chat(client, "<img src=x onerror=alert(1)>")
    assert "<img" not in data["html"] and "onerror" not in data["html"]


def test_raw_html_in_the_knowledge_base_is_escaped(write_kb: Callable[[str], Path]) -> None:
    app = web.create_app(faqbot.Bot.load(write_kb(SMALL_KB)), secret=SECRET)
    data = TestClient(app).post("/api/chat", json={"message": "when are you open"}).json()
    assert data["kind"] == "answer"
    assert "<script>" not in data["html"] and "&lt;script&gt;" in data["html"]


def test_lone_surrogate_in_a_message_is_answered(client: TestClient) -> None:
    response = client.post(
        "/api/chat", content=b'{"message": "pain \\ud800 exercise"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 200


# -- state tokens ----------------------------------------------------------------------------------------


def test_replayed_token_gives_the_same_reply(client: TestClient) -> None:
    token = chat(client, EXERCISE)["state"]
    first, again = chat(client, "No", token), chat(client, "No", token)
    assert (first["kind"], first["text"]) == (again["kind"], again["text"]) == ("answer", first["text"])


def test_any_app_with_the_same_secret_continues_a_conversation(bot: faqbot.Bot) -> None:
    one, two = TestClient(web.create_app(bot, secret=SECRET)), TestClient(web.create_app(bot, secret=SECRET))
    token = chat(one, EXERCISE)["state"]
    token = chat(two, "Yes", token)["state"]
    assert chat(one, "Yes", token)["kind"] == "answer"


def test_token_signed_with_another_secret_is_invalid_state(client: TestClient, bot: faqbot.Bot) -> None:
    other = TestClient(web.create_app(bot, secret="another secret"))
    token = chat(other, EXERCISE)["state"]
    error(client.post("/api/chat", json={"message": "Yes", "state": token}), 400, "invalid_state")


def test_token_with_a_flipped_byte_is_invalid_state(client: TestClient) -> None:
    token = chat(client, EXERCISE)["state"]
    for i in (0, len(token) // 2, len(token) - 1):
        flipped = token[:i] + chr(ord(token[i]) ^ 1) + token[i + 1 :]
        error(client.post("/api/chat", json={"message": "Yes", "state": flipped}), 400, "invalid_state")


def test_expired_token_is_invalid_state(client: TestClient) -> None:
    token = StateSigner(SECRET, ttl=1, clock=lambda: 0.0).dumps({"version": 1, "slots": {}, "pending": None})
    error(client.post("/api/chat", json={"message": "Yes", "state": token}), 400, "invalid_state")


@pytest.mark.parametrize(
    "state",
    [
        {"version": 99, "slots": {}, "pending": None},
        {"version": 1, "slots": {"no_such_slot": "yes"}, "pending": None},
        {"version": 1, "slots": {}, "pending": {"kind": "follow_up", "entry": "nope", "step": "x", "tries": 0}},
    ],
)
def test_genuine_token_with_a_state_the_bot_rejects_is_invalid_state(client: TestClient, state: Any) -> None:
    token = StateSigner(SECRET).dumps(state)
    error(client.post("/api/chat", json={"message": "Yes", "state": token}), 400, "invalid_state")


def test_token_from_another_knowledge_base_is_invalid_state(
    client: TestClient, write_kb: Callable[[str], Path]
) -> None:
    token = chat(client, EXERCISE)["state"]
    tiny = TestClient(web.create_app(faqbot.Bot.load(write_kb(SMALL_KB)), secret=SECRET))
    error(tiny.post("/api/chat", json={"message": "Yes", "state": token}), 400, "invalid_state")


@pytest.mark.parametrize("state", [42, True, {"version": 1}, ["a"], "", "garbage", "a.b"])
def test_state_that_is_not_a_token_is_invalid_state(client: TestClient, state: Any) -> None:
    error(client.post("/api/chat", json={"message": "hi", "state": state}), 400, "invalid_state")


def test_secret_comes_from_the_environment(bot: faqbot.Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQBOT_SECRET", "from the environment")
    token = chat(TestClient(web.create_app(bot)), EXERCISE)["state"]
    assert chat(TestClient(web.create_app(bot, secret="from the environment")), "Yes", token)["kind"] == "follow_up"


def test_without_a_secret_a_random_key_is_used_with_a_warning(
    bot: faqbot.Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("FAQBOT_SECRET", raising=False)
    with caplog.at_level(logging.WARNING, logger="faqbot.web"):
        one, two = TestClient(web.create_app(bot)), TestClient(web.create_app(bot))
    assert "FAQBOT_SECRET" in caplog.text and "multi-worker" in caplog.text
    token = chat(one, EXERCISE)["state"]
    error(two.post("/api/chat", json={"message": "Yes", "state": token}), 400, "invalid_state")


# -- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "invalid_json"),
        (b"\xff\xfe\x00", "invalid_json"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "body_too_large", id="nested-huge"),
        pytest.param(b"[" * 5000 + b"]" * 5000, "invalid_json", id="nested-deep"),
        (b"", "invalid_json"),
        (b"[]", "invalid_message"),
        (b'"hello"', "invalid_message"),
        (b"{}", "invalid_message"),
        (b'{"message": null}', "invalid_message"),
        (b'{"message": 42}', "invalid_message"),
        (b'{"message": ["hi"]}', "invalid_message"),
    ],
)
def test_bad_bodies_are_400(client: TestClient, body: bytes, code: str) -> None:
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    error(response, 413 if code == "body_too_large" else 400, code)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/jsonx", ""]
)
def test_wrong_content_type_is_415(client: TestClient, content_type: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    error(client.post("/api/chat", content=b'{"message": "hi"}', headers=headers), 415, "unsupported_media_type")


def test_json_with_a_charset_is_fine(client: TestClient) -> None:
    response = client.post(
        "/api/chat", content=b'{"message": "hi"}', headers={"content-type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 200


def test_message_length_limit(bot: faqbot.Bot) -> None:
    limited = TestClient(web.create_app(bot, secret=SECRET, max_message=50))
    assert chat(limited, "x" * 50)["kind"]
    error(limited.post("/api/chat", json={"message": "x" * 51}), 413, "message_too_long")


def test_one_megabyte_body_is_413(client: TestClient) -> None:
    body = json.dumps({"message": "x" * 1_000_000}).encode()
    error(client.post("/api/chat", content=body, headers={"content-type": "application/json"}), 413, "body_too_large")


async def _call(app: Any, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[int, int, bytes]:
    """Drive the ASGI app directly; returns (status, how many body chunks it pulled, response body)."""
    pulled, sent = [0], []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/chat",
        "raw_path": b"/api/chat",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), *headers],
        "client": ("t", 1),
        "server": ("t", 80),
    }

    async def receive() -> dict[str, Any]:
        i = pulled[0]
        pulled[0] += 1
        if i < len(chunks):
            return {"type": "http.request", "body": chunks[i], "more_body": i + 1 < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, pulled[0], b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_huge_streamed_body_is_refused_before_it_is_read_whole(bot: faqbot.Bot) -> None:
    import anyio

    app = web.create_app(bot, secret=SECRET)
    chunks = [b'{"message": "' + b"x" * 65536] * 16 + [b'"}']  # ~1 MB, no Content-Length
    status, pulled, body = anyio.run(_call, app, [], chunks)
    assert status == 413 and json.loads(body)["error"] == "body_too_large"
    assert pulled < 3


def test_declared_huge_body_is_refused_without_reading_it(bot: faqbot.Bot) -> None:
    import anyio

    app = web.create_app(bot, secret=SECRET)
    status, pulled, _ = anyio.run(_call, app, [(b"content-length", b"1048576")], [b"{}"])
    assert (status, pulled) == (413, 0)
    status, _, body = anyio.run(_call, app, [(b"content-length", b"12abc")], [b"{}"])
    assert status == 400 and json.loads(body)["error"] == "invalid_json"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["message", "state", "x"]) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_json)
def test_random_json_bodies_never_5xx(client: TestClient, body: Any) -> None:
    response = client.post("/api/chat", content=json.dumps(body).encode(), headers={"content-type": "application/json"})
    assert response.status_code in (200, 400, 413)
    data = response.json()
    assert set(data) == REPLY_KEYS if response.status_code == 200 else "error" in data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/xml", "", "application/json; charset=latin-1", "*/*"]
    ),
)
def test_random_bytes_and_content_types_never_5xx(client: TestClient, body: bytes, content_type: str) -> None:
    response = client.post("/api/chat", content=body, headers={"content-type": content_type})
    assert response.status_code in (200, 400, 413, 415)
    assert response.headers["content-type"] == "application/json"


# -- other endpoints -----------------------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


@pytest.mark.parametrize("path", ["/", "/faq"])
def test_pages_run_no_inline_script_under_a_strict_csp(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    page = parse(response.text)
    assert not page.handlers
    assert all(s.get("src") or s.get("type") == "application/ld+json" for s in page.scripts)


def test_demo_page_carries_the_one_tag_widget(client: TestClient) -> None:
    page = parse(client.get("/").text)
    widget = [s for s in page.scripts if (s.get("src") or "").endswith("widget.js")]
    assert len(widget) == 1 and widget[0]["data-endpoint"] == "/api/chat" and "defer" in widget[0]


def test_faq_page_is_accessible_html_with_faqpage_json_ld(client: TestClient, bot: faqbot.Bot) -> None:
    text = client.get("/faq").text
    page = parse(text)
    assert page.tags.count("h1") == 1 and '<html lang="en">' in text
    ld = json.loads(text.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert ld["@type"] == "FAQPage" and len(ld["mainEntity"]) == len(bot.kb.entries)


def test_api_faq_has_every_entry_with_markdown_html_and_variants(client: TestClient, bot: faqbot.Bot) -> None:
    data = client.get("/api/faq").json()
    assert data["title"] == bot.kb.meta.title and data["updated"] and data["disclaimer"] and data["source"]
    assert [e["id"] for e in data["entries"]] == [e.id for e in bot.kb.entries]
    entry = data["entries"][0]
    assert set(entry) >= {"id", "question", "answer", "related", "follow_up"}
    assert entry["answer"]["markdown"] and entry["answer"]["html"].startswith("<")
    flow = next(e["follow_up"] for e in data["entries"] if e["id"] == "exercise-when-in-pain")
    assert {v["id"] for v in flow["variants"]} == {"not-advised", "advised-source-known", "advised-source-unknown"}
    assert [o["label"] for o in flow["questions"][0]["options"]] == ["Yes", "No", "Not sure"]


def test_chat_info_for_the_widget(client: TestClient) -> None:
    data = client.get("/api/chat").json()
    assert data["title"] and data["disclaimer"] and EXERCISE in data["suggestions"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/widget.js", "text/javascript"),
        ("/widget.css", "text/css"),
        ("/static/demo.css", "text/css"),
        ("/static/faq.css", "text/css"),
        ("/healthz", "application/json"),
    ],
)
def test_assets_and_health(client: TestClient, path: str, content_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith(content_type)


def test_every_response_has_security_headers(client: TestClient) -> None:
    for response in (
        client.get("/"),
        client.get("/api/faq"),
        client.get("/widget.js"),
        client.get("/nope"),
        client.post("/api/chat", content=b"x", headers={"content-type": "text/plain"}),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"]
        assert response.headers["content-security-policy"]


def test_unknown_path_and_method_are_json(client: TestClient) -> None:
    error(client.get("/no/such/page"), 404, "not_found")
    error(client.put("/api/chat", json={}), 405, "method_not_allowed")
    error(client.delete("/api/faq"), 405, "method_not_allowed")


# -- CORS -------------------------------------------------------------------------------------------------------


def test_cors_only_for_allowed_origins(bot: faqbot.Bot) -> None:
    app = TestClient(web.create_app(bot, secret=SECRET, allowed_origins=["https://site.example"]))
    allowed = app.post("/api/chat", json={"message": "hi"}, headers={"origin": "https://site.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://site.example"
    other = app.post("/api/chat", json={"message": "hi"}, headers={"origin": "https://evil.example"})
    # refused before the bot is asked, in a reply the page can read, so the widget can say why
    assert other.status_code == 403 and other.json()["error"] == "origin_not_allowed"
    assert "kind" not in other.json()
    preflight = app.options(
        "/api/chat",
        headers={
            "origin": "https://site.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "https://site.example"
    refused = app.options(
        "/api/chat", headers={"origin": "https://evil.example", "access-control-request-method": "POST"}
    )
    assert refused.status_code == 400


def test_no_other_origin_without_allowed_origins(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    for _ in range(3):
        response = client.post("/api/chat", json={"message": "hi"}, headers={"origin": "https://site.example"})
        assert response.status_code == 403 and response.json()["error"] == "origin_not_allowed"
    told = [r.getMessage() for r in caplog.records if "refused API requests" in r.getMessage()]
    assert len(told) == 1 and "add --allow-origin https://site.example" in told[0]  # once per origin, with the fix
    same = client.post("/api/chat", json={"message": "hi"}, headers={"origin": "http://testserver"})
    assert same.status_code == 200  # the page's own origin


@pytest.mark.parametrize(
    ("value", "origin", "note"),
    [
        ("https://www.example.org", "https://www.example.org", ""),
        ("https://www.example.org/", "https://www.example.org", "trailing slash"),
        ("http://localhost:8080", "http://localhost:8080", ""),
        ("HTTPS://Example.ORG", "https://example.org", "using https://example.org"),
    ],
)
def test_allowed_origins_are_normalised(value: str, origin: str, note: str) -> None:
    found, said = web.normalise_origin(value)
    assert found == origin and note in said


@pytest.mark.parametrize(
    "value", ["www.example.org", "https://example.org/chat", "ftp://example.org", "https://x:99999"]
)
def test_a_value_that_is_not_an_origin_is_refused(value: str) -> None:
    with pytest.raises(faqbot.FaqbotError, match=r"not an origin|an origin has no path"):
        web.normalise_origin(value)


def test_rate_limit_answers_429_with_retry_after(bot: faqbot.Bot) -> None:
    app = TestClient(web.create_app(bot, secret=SECRET, rate_limit=8))  # bursts of 2
    codes = [app.post("/api/chat", json={"message": "hi"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = app.post("/api/chat", json={"message": "hi"})
    assert refused.json()["error"] == "rate_limited" and int(refused.headers["retry-after"]) >= 1


def test_rate_limit_refills_over_time() -> None:
    now = [0.0]
    limit = web.RateLimit(60, clock=lambda: now[0])  # one a second, bursts of 15
    assert all(limit.take("a") == 0 for _ in range(15))
    assert limit.take("a") == 1 and limit.take("b") == 0  # another client has its own bucket
    now[0] += 1.0
    assert limit.take("a") == 0


def test_stored_secret_is_made_once_with_private_permissions(tmp_path: Path) -> None:
    first, path, created = web.stored_secret(tmp_path / "data")
    assert created and len(first) >= 32 and (path.stat().st_mode & 0o777) == 0o600
    again, _, created_again = web.stored_secret(tmp_path / "data")
    assert again == first and not created_again


# -- reloading and packaging ------------------------------------------------------------------------------------


def test_reload_swaps_in_a_valid_knowledge_base_whole(write_kb: Callable[[str], Path]) -> None:
    path = write_kb(SMALL_KB)
    live = web.LiveBot(faqbot.Bot.load(path), path)
    client = TestClient(web.create_app(live, secret=SECRET))
    path.write_text(SMALL_KB.replace("every day", "on weekdays"), encoding="utf-8")
    assert live.reload()
    assert "weekdays" in chat(client, "when are you open")["text"]


@pytest.mark.parametrize(
    "broken",
    [
        SMALL_KB[: len(SMALL_KB) // 2],  # cut off mid-write
        SMALL_KB + "    related: [no-such-entry]\n",  # a dangling reference
        "",  # emptied
    ],
)
def test_reload_of_a_broken_file_keeps_the_old_one(
    write_kb: Callable[[str], Path], caplog: pytest.LogCaptureFixture, broken: str
) -> None:
    path = write_kb(SMALL_KB)
    live = web.LiveBot(faqbot.Bot.load(path), path)
    old = live.bot
    path.write_text(broken, encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="faqbot.web"):
        assert not live.reload()
    assert live.bot is old and "not reloaded" in caplog.text


def test_reload_of_a_deleted_file_keeps_the_old_one(write_kb: Callable[[str], Path]) -> None:
    path = write_kb(SMALL_KB)
    live = web.LiveBot(faqbot.Bot.load(path), path)
    old = live.bot
    path.unlink()
    assert not live.reload() and live.bot is old


def test_file_that_changes_while_read_is_refused(
    write_kb: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_kb(SMALL_KB)
    real = Path.read_bytes

    def read_then_append(self: Path) -> bytes:
        data = real(self)
        with open(self, "a", encoding="utf-8") as handle:
            handle.write("# still writing\n")
        return data

    monkeypatch.setattr(Path, "read_bytes", read_then_append)
    with pytest.raises(OSError, match="changed while it was read"):
        web.read_whole(path)


def test_import_faqbot_does_not_import_the_web_stack() -> None:
    code = (
        "import sys, faqbot, faqbot.cli; faqbot.cli.build_parser(); "
        "bad = [m for m in ('starlette', 'uvicorn', 'faqbot.web') if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_create_app_refuses_a_silly_message_limit(bot: faqbot.Bot) -> None:
    with pytest.raises(ValueError, match="max_message"):
        web.create_app(bot, secret=SECRET, max_message=0)


def test_urgent_reply_carries_its_tier_and_numbers(client: TestClient) -> None:
    data = client.post("/api/chat", json={"message": "I can't feel my legs and I've wet myself"}).json()
    assert data["kind"] == "urgent" and data["tier"] == "emergency"
    assert data["calls"] == [{"number": "999", "label": "999"}]
    assert set(data["signs"]) == {"both-legs", "bladder-bowel"}
    referral = client.post("/api/chat", json={"message": "how much ibuprofen can I take?"}).json()
    assert (referral["kind"], referral["referral"], referral["tier"]) == ("fallback", "medication", None)


def test_faq_page_says_when_to_get_help_and_links_to_the_chat(client: TestClient, bot: faqbot.Bot) -> None:
    page = client.get("/faq").text
    assert '<h2 id="red-flags">When to get help now</h2>' in page
    main = page[page.index("<main>") :]
    assert main.index("When to get help now") < main.index(f">{bot.kb.entries[0].question}<")  # before the questions
    assert bot.kb.red_flags is not None and all(sign.label in main for sign in bot.kb.red_flags.signs)
    assert '<a href="/">Have a question of your own? Ask the chat</a>' in main
