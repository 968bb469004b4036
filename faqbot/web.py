"""The optional web app (starlette): JSON chat API, the drop-in widget, the FAQ page and a demo page.

No server-side sessions: each reply carries the conversation state as a signed token (`faqbot.signing`), so any
worker or machine behind a plain load balancer can continue any conversation, given the same secret. Every
bad request gets a JSON error with a documented status — never a 500:

    400 invalid_json / invalid_message / invalid_state    413 body_too_large / message_too_long
    415 unsupported_media_type                            404 not_found, 405 method_not_allowed
    403 origin_not_allowed (a page on an origin not allowed) 429 rate_limited (with Retry-After)

Only this module and `faqbot serve` import starlette; `import faqbot` stays free of the web stack.
"""

from __future__ import annotations

import html
import json
import logging
import math
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import knowledge, render
from .bot import Bot
from .convlog import ConversationLog
from .errors import FaqbotError, UsageError
from .files import data_dir
from .knowledge import KnowledgeBase, KnowledgeError
from .signing import DEFAULT_TTL, StateSigner, TokenError
from .state import StateError
from .tooling import export

__all__ = ["ENV_KB", "ENV_SECRET", "LiveBot", "app_from_env", "create_app", "normalise_origin", "stored_secret"]

ENV_SECRET = "FAQBOT_SECRET"
ENV_KB = "FAQBOT_KB"
ENV_ORIGINS = "FAQBOT_ALLOWED_ORIGINS"
ENV_MAX_MESSAGE = "FAQBOT_MAX_MESSAGE"
ENV_LOG = "FAQBOT_LOG"
ENV_RATE_LIMIT = "FAQBOT_RATE_LIMIT"
_REPLY_ID = re.compile(r"[0-9a-f]{16}")
STATIC = Path(__file__).resolve().parent / "static"
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
log = logging.getLogger("faqbot.web")


class ApiError(Exception):
    """A request the API refuses; becomes `{"error": code, "detail": detail}` with `status`."""

    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.headers = headers or {}


class LiveBot:
    """The bot an app serves, replaced only as a whole: a reload validates the new file before the swap.

    Requests read `.bot` once and use that object throughout, so a reload in the middle of a request
    never mixes two knowledge bases in one reply.
    """

    def __init__(self, bot: Bot, path: str | Path | None = None) -> None:
        self.bot = bot
        self.path = path
        self._lock = threading.Lock()

    def reload(self) -> bool:
        """Load the knowledge base again; on any error keep the current one, log why and return False."""
        with self._lock:
            path = Path(self.path if self.path is not None else knowledge.bundled_path())
            bot = load_for_reload(path, self.bot.log)
            if bot is None:
                return False
            self.bot = bot
            log.info("knowledge base reloaded from %s (%d entries)", path, len(bot.kb.entries))
            return True


def load_for_reload(path: Path, conversation_log: ConversationLog | None = None) -> Bot | None:
    """The bot for the knowledge base at `path`, read whole and validated; None (with the reason logged) when it
    cannot be read or does not load, so the caller keeps serving the previous one. `faqbot serve` and
    `LiveBot.reload` both (re)load through here."""
    try:
        bot = Bot.load(path, conversation_log, text=read_whole(path))
    except (KnowledgeError, OSError, UnicodeDecodeError) as exc:
        message = exc.format_message() if isinstance(exc, KnowledgeError) else str(exc)
        log.error("knowledge base not reloaded, still serving the previous one: %s", message)
        return None
    return bot


def read_whole(path: Path) -> str:
    """The file's text, refusing one that changed while it was read (a writer caught mid-write)."""
    before = path.stat()
    data = path.read_bytes()
    after = path.stat()
    if (before.st_ino, before.st_size, before.st_mtime_ns) != (after.st_ino, after.st_size, after.st_mtime_ns):
        raise OSError(f"{path}: the file changed while it was read; try again once it is written")
    return data.decode("utf-8")


def create_app(
    bot: Bot | LiveBot | None = None,
    *,
    secret: str | bytes | None = None,
    allowed_origins: Iterable[str] = (),
    max_message: int = 2000,
    token_ttl: int = DEFAULT_TTL,
    rate_limit: int = 0,
) -> Starlette:
    """The faqbot web app: chat API, widget, FAQ page and demo page.

    `secret` signs the state tokens; without it `FAQBOT_SECRET` is used, else a random per-process key (fine
    for one process, but every worker and machine of a deployment must share one secret). `rate_limit`: chat
    messages per minute one client may send (0: no limit); more get 429 with Retry-After.
    """
    if max_message < 1:
        raise ValueError(f"max_message must be at least 1, got {max_message!r}")
    live = bot if isinstance(bot, LiveBot) else LiveBot(bot or Bot.load())
    signer = StateSigner(_secret(secret), ttl=token_ttl)
    chat = _ChatApi(live, signer, max_message, RateLimit(rate_limit) if rate_limit else None)
    routes = [
        Route("/", _demo_page, methods=["GET", "HEAD"]),
        Route("/faq", _faq_page, methods=["GET", "HEAD"]),
        Route("/api/chat", chat.post, methods=["POST"]),
        Route("/api/chat", chat.info, methods=["GET", "HEAD"]),
        Route("/api/feedback", chat.feedback, methods=["POST"]),
        Route("/api/faq", _faq_api, methods=["GET", "HEAD"]),
        Route("/healthz", _healthz, methods=["GET", "HEAD"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET", "HEAD"]),
        Route("/widget.js", _static_file("widget.js"), methods=["GET", "HEAD"]),
        Route("/widget.css", _static_file("widget.css"), methods=["GET", "HEAD"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    origins = [_origin_or_note(o) for o in allowed_origins if o.strip()]
    middleware = [Middleware(SecurityHeaders), Middleware(OriginGate, allowed=frozenset(origins))]
    if origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type"],
                max_age=600,
            )
        )
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _crash},
    )
    app.state.live = live
    return app


def app_from_env() -> Starlette:
    """`create_app` configured by environment variables: what `faqbot serve` runs in each worker.

    FAQBOT_KB (knowledge-base path, bundled by default), FAQBOT_SECRET, FAQBOT_ALLOWED_ORIGINS
    (comma-separated), FAQBOT_MAX_MESSAGE and FAQBOT_LOG (a conversation-log directory, or "-").
    """
    path = os.environ.get(ENV_KB) or None
    origins = [o.strip() for o in os.environ.get(ENV_ORIGINS, "").split(",")]
    max_message = _env_int(ENV_MAX_MESSAGE, 2000, 1)
    rate_limit = _env_int(ENV_RATE_LIMIT, 0, 0)
    target = os.environ.get(ENV_LOG)
    conversation_log = ConversationLog(target) if target else None  # one file per worker process
    bot = Bot.load(path, log=conversation_log)
    return create_app(LiveBot(bot, path), allowed_origins=origins, max_message=max_message, rate_limit=rate_limit)


def _env_int(name: str, default: int, minimum: int) -> int:
    """A whole-number setting from the environment; a bad value is one clear error, not a traceback."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise UsageError(f"{name}: expected a whole number of at least {minimum}, got {value!r}")
    return int(value)


def _origin_or_note(value: str) -> str:
    origin, note = normalise_origin(value)
    if note:
        log.warning("allowed origin %s: %s", value, note)
    return origin


def stored_secret(directory: Path | None = None) -> tuple[str, Path, bool]:
    """The signing secret kept in the user's data directory, made on first use (file mode 0600, created
    exclusively so two workers starting at once agree): (secret, its file, whether it was just created)."""
    if directory is None:
        directory = data_dir()
    path = directory / "secret"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text(encoding="utf-8").strip()
        if len(secret) < 32:
            raise FaqbotError(f"{path}: the stored secret is damaged; delete the file to make a new one") from None
        return secret, path, False
    secret = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret, path, True


def normalise_origin(value: str) -> tuple[str, str]:
    """An `--allow-origin` value as browsers send it (scheme://host[:port]), and a note when it was changed.

    A trailing slash is dropped (with a note); anything that is not an origin (no scheme, a path, a bad port)
    is a `UsageError` naming the value and the expected form.
    """
    from urllib.parse import urlsplit

    text = value.strip()
    expected = "expected scheme://host[:port], e.g. https://www.example.org"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise UsageError(f"--allow-origin {value!r}: not an origin ({expected})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--allow-origin {value!r}: not an origin ({expected})")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise UsageError(f"--allow-origin {value!r}: an origin has no path, query or user ({expected})")
    origin = f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port is not None else "")
    note = "a trailing slash is not part of an origin; using " + origin if parts.path == "/" else ""
    if origin != text and not note:
        note = f"using {origin}"
    return origin, note


def _secret(secret: str | bytes | None) -> str | bytes:
    if secret:
        return secret
    if os.environ.get(ENV_SECRET):
        return os.environ[ENV_SECRET]
    log.warning(
        "%s is not set: state tokens are signed with a random per-process key. Conversations will not "
        "survive a restart, and multi-worker or multi-machine deployments must set %s to one shared "
        "secret.",
        ENV_SECRET,
        ENV_SECRET,
    )
    return secrets.token_bytes(32)


# -- chat API ----------------------------------------------------------------------------------------


class _ChatApi:
    """POST /api/chat: one message and a state token in, one reply and a new token out."""

    def __init__(self, live: LiveBot, signer: StateSigner, max_message: int, limit: RateLimit | None) -> None:
        self.live = live
        self.signer = signer
        self.max_message = max_message
        self.limit = limit
        # UTF-8 takes up to 4 bytes a character and JSON escapes up to 12, plus room for the state token.
        self.max_body = 12 * max_message + 16384

    async def post(self, request: Request) -> Response:
        if self.limit is not None:
            wait = self.limit.take(request.client.host if request.client else "unknown")
            if wait:
                raise ApiError(
                    429,
                    "rate_limited",
                    f"too many messages; try again in {wait} s",
                    {"Retry-After": str(wait)},
                )
        _require_json(request)
        body = await _read_body(request, self.max_body)
        message, token = self._parse(body)
        bot = self.live.bot
        try:
            session = bot.session(None if token is None else self.signer.loads(token))
        except (TokenError, StateError) as exc:
            raise ApiError(
                400, "invalid_state", f"the conversation state is not valid ({exc}); start a new one"
            ) from None
        reply = session.ask(message)
        data = reply.to_dict()
        data["state"] = self.signer.dumps(data["state"])  # the client gets the state signed, never raw
        return JSONResponse(data, headers={"Cache-Control": "no-store"})

    async def feedback(self, request: Request) -> Response:
        """POST /api/feedback {"reply": id, "helpful": true|false}: a visitor's verdict, into the log if kept."""
        _require_json(request)
        body = await _read_body(request, 1024)
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise ApiError(400, "invalid_json", "the body is not valid JSON") from None
        reply, helpful = (data.get("reply"), data.get("helpful")) if isinstance(data, dict) else (None, None)
        if not isinstance(reply, str) or not _REPLY_ID.fullmatch(reply) or not isinstance(helpful, bool):
            raise ApiError(400, "invalid_feedback", 'expected {"reply": the reply\'s id, "helpful": true or false}')
        self.live.bot.feedback(reply, helpful)
        return Response(status_code=204, headers={"Cache-Control": "no-store"})

    async def info(self, request: Request) -> Response:
        """What a widget shows before the first message: the title, the disclaimer, questions to start."""
        kb = self.live.bot.kb
        ids = list(kb.suggest) or [e.id for e in kb.entries][: kb.settings.suggestions]
        return JSONResponse(
            {
                "title": kb.meta.title,
                "language": kb.meta.language or "en",
                "disclaimer": " ".join(kb.meta.disclaimer.split()),
                "suggestions": [kb.by_id[i].question for i in ids],
                "max_message": self.max_message,
            }
        )

    def _parse(self, body: bytes) -> tuple[str, str | None]:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise ApiError(400, "invalid_json", "the body is not valid JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("message"), str):
            raise ApiError(400, "invalid_message", 'expected a JSON object with "message": a string')
        message, token = data["message"], data.get("state")
        if len(message) > self.max_message:
            raise ApiError(413, "message_too_long", f"the message is longer than {self.max_message} characters")
        if token is not None and not isinstance(token, str):
            raise ApiError(400, "invalid_state", '"state" must be the token of the previous reply, or null')
        # Lone surrogates (valid in JSON, not in UTF-8) would break the reply's encoding: replace them.
        return message.encode("utf-8", "replace").decode("utf-8"), token


def _require_json(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the message as application/json")


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed `limit` (never read whole)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "invalid_json", "Content-Length is not a number")
        if int(declared) > limit:
            raise ApiError(413, "body_too_large", f"the body is larger than {limit} bytes")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "body_too_large", f"the body is larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:  # nobody is left to answer; not a server error worth a traceback
        raise ApiError(400, "client_disconnected", "the client went away before sending the whole body") from None
    return b"".join(chunks)


# -- the knowledge base as JSON and as a page --------------------------------------------------------


def faq_json(kb: KnowledgeBase) -> dict[str, Any]:
    """The whole knowledge base for other front ends: answers as Markdown and as safe HTML."""
    meta = kb.meta
    return {
        "title": meta.title,
        "source": meta.source,
        "url": meta.url,
        "updated": meta.updated,
        "disclaimer": " ".join(meta.disclaimer.split()),
        "language": meta.language,
        "entries": [_entry_json(e) for e in kb.entries],
    }


def _entry_json(entry: knowledge.Entry) -> dict[str, Any]:
    flow = entry.follow_up
    follow_up = (
        None
        if flow is None
        else {
            "start": flow.start,
            "questions": [
                {
                    "id": s.id,
                    "ask": s.ask,
                    "slot": s.slot,
                    "options": [{"value": o.value, "label": o.label, "next": s.next[o.value]} for o in s.options],
                }
                for s in flow.steps.values()
            ],
            "variants": [
                {"id": v.id, "title": v.title, "answer": _answer_json(v.answer), "related": list(v.related)}
                for v in flow.variants.values()
            ],
        }
    )
    return {
        "id": entry.id,
        "question": entry.question,
        "answer": _answer_json(entry.answer),
        "related": list(entry.related),
        "tags": list(entry.tags),
        "follow_up": follow_up,
    }


def _answer_json(markdown: str) -> dict[str, str]:
    return {"markdown": markdown, "html": render.to_html(markdown)}


async def _faq_api(request: Request) -> Response:
    return JSONResponse(faq_json(_live(request).bot.kb))


async def _faq_page(request: Request) -> Response:
    return HTMLResponse(_faq_html(_live(request).bot, _root(request)))


@lru_cache(maxsize=8)
def _faq_html(bot: Bot, root: str) -> str:
    return export.to_html(bot.kb, stylesheet=f"{root}/static/faq.css", chat_url=f"{root}/")


async def _demo_page(request: Request) -> Response:
    root = html.escape(_root(request), quote=True)
    return HTMLResponse(_demo_template().replace("{{root}}", root))


@lru_cache(maxsize=1)
def _demo_template() -> str:
    return (STATIC / "demo.html").read_text(encoding="utf-8")


def _live(request: Request) -> LiveBot:
    live: LiveBot = request.app.state.live
    return live


def _root(request: Request) -> str:
    """Where the app is mounted ("" at the top), so its pages link to their own assets when mounted."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def _static_file(name: str) -> Any:
    async def serve(request: Request) -> Response:
        return FileResponse(STATIC / name, headers={"Cache-Control": "public, max-age=300"})

    return serve


async def _healthz(request: Request) -> Response:
    kb = _live(request).bot.kb
    return JSONResponse({"status": "ok", "entries": len(kb.entries)})


# -- errors and headers ------------------------------------------------------------------------------


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse({"error": exc.code, "detail": exc.detail}, status_code=exc.status, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    return JSONResponse(
        {"error": codes.get(exc.status_code, "http_error"), "detail": str(exc.detail)},
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def _crash(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse({"error": "internal_error", "detail": "something went wrong on our side"}, status_code=500)


class RateLimit:
    """A token bucket per client: `per_minute` messages a minute, in bursts of up to a quarter of that.

    Clients are told apart by address (behind a proxy, run uvicorn with `--forwarded-allow-ips` so the address
    is the visitor's). The table holds the most recent clients only, so it cannot grow without bound.
    """

    MAX_CLIENTS = 10_000

    def __init__(self, per_minute: int, clock: Any = None) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1.0, per_minute / 4)
        self._clock = clock or time.monotonic
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> int:
        """0 when the client may send now (a token is taken), else the whole seconds to wait."""
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0 if tokens >= 1 else math.ceil((1 - tokens) / self.rate)
            self._buckets[client] = (tokens - 1 if not wait else tokens, now)
            if len(self._buckets) > self.MAX_CLIENTS:
                self._buckets.popitem(last=False)
            return wait


class OriginGate:
    """API requests from a page on another origin that is not allowed: logged once per origin with the fix,
    and answered with a 403 the page can read (so the widget can say so) instead of a silent CORS failure."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed
        self._told: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        origin = request.headers.get("origin")
        if origin is None or origin in self.allowed or origin == _own_origin(request) or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        if origin not in self._told and len(self._told) < 1000:
            self._told.add(origin)
            log.warning(
                "refused API requests from a page on %s: it is not an allowed origin (add --allow-origin %s "
                "to faqbot serve, or allowed_origins to create_app, to let it use the chat)",
                origin,
                origin,
            )
        response = JSONResponse(
            {"error": "origin_not_allowed", "detail": f"{origin} is not allowed to use this chat"},
            status_code=403,
            headers={"Access-Control-Allow-Origin": origin, "Vary": "Origin", "Cache-Control": "no-store"},
        )
        await response(scope, receive, send)


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.headers.get('host', '')}"


class SecurityHeaders:
    """Adds nosniff, a referrer policy and a CSP to every response (pages: no inline script, no elsewhere)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                csp = PAGE_CSP if content_type.startswith(b"text/html") else API_CSP
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"strict-origin-when-cross-origin"),
                    (b"content-security-policy", csp.encode("ascii")),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
