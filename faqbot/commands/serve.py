"""`faqbot serve`: the chat API, widget, FAQ page and demo page over HTTP, with uvicorn.

The knowledge base is validated before the server starts (a broken file: one error line, exit 1, nothing
served). `SIGHUP` reloads it whole or not at all: the new file is read and validated completely first, and
if anything is wrong the server keeps answering from the previous one and logs why.

With `--workers N` this process loads the knowledge base once (its index built, or read from the index
cache), binds the socket, and forks N workers that inherit both: the index is in memory once, shared
copy-on-write, however many workers serve it. It restarts a worker that dies, and on `SIGHUP` loads the new
file, starts new workers on it and lets the old ones finish their requests and stop. Each worker is a plain
`uvicorn.Server` on the inherited socket (uvicorn's public API only). The workers share one signing secret:
`FAQBOT_SECRET`, or the one kept in the user's data directory.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import logging
import logging.config
import os
import signal
import socket
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import knowledge
from ..errors import UsageError

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from ..bot import Bot
    from ..web import LiveBot

log = logging.getLogger("faqbot.serve")

EPILOG = """\
examples:
  faqbot serve                                    the demo page on http://127.0.0.1:8000/
  faqbot serve --kb my_faq.yaml --port 9000       your own knowledge base
  FAQBOT_SECRET=... faqbot serve --host 0.0.0.0 --workers 4 --allow-origin https://www.example.org

  faqbot serve --workers 2 --log logs/             a conversation log per worker; then: faqbot review logs/

Send SIGHUP (kill -HUP PID) to reload the knowledge base; a broken file is refused and the old one kept.
Every worker and machine serving one site must share FAQBOT_SECRET, the key that signs conversation state.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("--kb", metavar="PATH", help="knowledge-base YAML file (default: the bundled one)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default: 1)")
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a site allowed to call the API from its pages (CORS); repeat for several",
    )
    parser.add_argument(
        "--max-message", type=int, default=2000, metavar="CHARS", help="longest message accepted (default: %(default)s)"
    )
    parser.add_argument(
        "--access-log", action=argparse.BooleanOptionalAction, default=True, help="log every request (default: on)"
    )
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=60,
        metavar="N",
        help="chat messages per minute one client may send, in bursts of N/4 (default: %(default)s; 0: no limit)",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="behind a reverse proxy: the proxy addresses whose X-Forwarded-For is trusted, so that rate limits "
        "apply per visitor (passed to uvicorn; e.g. 127.0.0.1)",
    )
    parser.add_argument(
        "--log",
        metavar="DIR",
        help="keep a conversation log: one JSON line per turn and per feedback, one file per worker in DIR "
        "(or - for standard output); messages are redacted first. Read it with faqbot review.",
    )


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        raise UsageError("faqbot serve needs the web extra: pip install 'faqbot[web]'") from None
    if args.workers < 1 or not 0 <= args.port <= 65535 or args.max_message < 1 or args.rate_limit < 0:
        raise UsageError(
            "--workers and --max-message must be at least 1, --port between 0 and 65535, --rate-limit 0 or more"
        )
    logging.config.dictConfig(_log_config())
    args.allow_origin = _origins(args.allow_origin)
    _ensure_secret()
    path = str(Path(args.kb).resolve()) if args.kb else None
    from ..bot import Bot

    bot = Bot.load(path)  # a broken file stops here, with file:line; a large one comes from the index cache
    config: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "access_log": args.access_log,
        "log_config": _log_config(),
        "timeout_graceful_shutdown": 5,
    }
    if args.forwarded_allow_ips:
        config.update(proxy_headers=True, forwarded_allow_ips=args.forwarded_allow_ips)
    if args.workers == 1:
        return _serve_one(uvicorn, bot, path, args, config)
    return _serve_many(uvicorn, bot, path, args, config)


def _origins(values: list[str]) -> list[str]:
    """`--allow-origin` values checked now (scheme, host, port), a trailing slash dropped with a warning."""
    from ..web import normalise_origin

    origins = []
    for value in values:
        origin, note = normalise_origin(value)  # UsageError for a value that is no origin
        if note:
            log.warning("--allow-origin %s: %s", value, note)
        origins.append(origin)
    return origins


def _ensure_secret() -> None:
    """Without FAQBOT_SECRET, the secret kept in the user's data directory (made once, mode 0600), shared by
    every worker through the environment: conversations survive a restart."""
    from ..web import ENV_SECRET, stored_secret

    if os.environ.get(ENV_SECRET):
        return
    secret, where, created = stored_secret()
    os.environ[ENV_SECRET] = secret
    log.warning(
        "%s is not set: state tokens are signed with the secret %s %s. Conversations survive restarts on this "
        "machine; several machines serving one site must share one %s.",
        ENV_SECRET,
        "created in" if created else "kept in",
        where,
        ENV_SECRET,
    )


def _app(live: LiveBot, args: argparse.Namespace) -> Starlette:
    """The app `faqbot serve` runs, one process or many, with the command's settings."""
    from ..web import create_app

    return create_app(live, allowed_origins=args.allow_origin, max_message=args.max_message, rate_limit=args.rate_limit)


def _serve_one(uvicorn: Any, bot: Bot, path: str | None, args: argparse.Namespace, config: dict[str, Any]) -> int:
    from ..convlog import ConversationLog
    from ..web import LiveBot

    if args.log:
        bot.log = ConversationLog(args.log)
    live = LiveBot(bot, path)
    app = _app(live, args)
    signal.signal(signal.SIGHUP, lambda *_: threading.Thread(target=live.reload, daemon=True).start())
    server = uvicorn.Server(uvicorn.Config(app, **config))
    server.run()
    return 0 if server.started else 1


def _serve_many(uvicorn: Any, bot: Bot, path: str | None, args: argparse.Namespace, config: dict[str, Any]) -> int:
    source = Path(path) if path else knowledge.bundled_path()
    sock = _tcp_socket(uvicorn.Config(None, **config).bind_socket())
    try:
        return _Workers(uvicorn, sock, source, args, config).run(bot)
    finally:
        sock.close()


def _tcp_socket(sock: socket.socket) -> socket.socket:
    """The listening socket, marked as TCP so asyncio sets TCP_NODELAY on the connections it accepts.

    uvicorn binds it with protocol 0; asyncio then skips TCP_NODELAY, and every keep-alive response after
    the first waits ~40 ms for a delayed ACK (Nagle). Marking the protocol fixes that in every worker.
    """
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())


class _Workers:
    """The parent of `faqbot serve --workers N`: forks workers that share its loaded bot, keeps N running, and
    replaces them all on SIGHUP once the new knowledge base has loaded."""

    RESTART_LIMIT = 5
    """Workers that fail within START_GRACE seconds of starting, in a row, before the server gives up."""
    START_GRACE = 5.0

    def __init__(
        self, uvicorn: Any, sock: socket.socket, source: Path, args: argparse.Namespace, config: dict[str, Any]
    ) -> None:
        self.uvicorn, self.sock, self.source, self.args, self.config = uvicorn, sock, source, args, config
        self.workers: dict[int, float] = {}
        """Running worker pid → when it started."""
        self.events: list[int] = []
        self.failures = 0

    def run(self, bot: Bot) -> int:
        for signum in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, lambda signum, _frame: self.events.append(signum))
        self._prepare(bot)
        self._start(self.args.workers)
        log.info("serving with %d workers (parent pid %d)", self.args.workers, os.getpid())
        while True:
            time.sleep(0.2)  # a signal interrupts the sleep; its handler has queued the event
            events, self.events[:] = list(self.events), []
            if signal.SIGINT in events or signal.SIGTERM in events:
                self._stop(list(self.workers))
                return 0
            if signal.SIGHUP in events:
                self._reload()
            self._reap()
            if self.failures >= self.RESTART_LIMIT:
                log.error("workers keep failing as they start; stopping")
                self._stop(list(self.workers))
                return 1

    def _prepare(self, bot: Bot) -> None:
        """The app and server settings for the workers, made here so that what they import and build is in
        memory once, shared by every worker."""
        from ..web import LiveBot

        self.server_config = self.uvicorn.Config(_app(LiveBot(bot, str(self.source)), self.args), **self.config)
        self.server_config.load()  # imports the HTTP protocol and wraps the app, as each worker would
        self.bot = bot

    def _start(self, count: int) -> None:
        gc.collect()
        gc.freeze()  # the loaded index is never visited by the workers' collector, so its pages stay shared
        for _ in range(count):
            pid = os.fork()
            if pid == 0:
                os._exit(self._worker())
            self.workers[pid] = time.monotonic()

    def _worker(self) -> int:
        """The body of a forked worker: serve on the inherited socket until told to stop."""
        from ..convlog import ConversationLog

        try:
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
                signal.signal(signum, signal.SIG_DFL)
            signal.signal(signal.SIGHUP, signal.SIG_IGN)  # the parent reloads
            if self.args.log:
                self.bot.log = ConversationLog(self.args.log)  # one file per worker process
            server = self.uvicorn.Server(self.server_config)
            server.run(sockets=[self.sock])
            return 0 if server.started else 1
        except BaseException:  # a worker must never return into the parent's loop
            log.exception("worker %d failed", os.getpid())
            return 1

    def _reload(self) -> None:
        from ..web import load_for_reload

        bot = load_for_reload(self.source)
        if bot is None:
            return  # logged; the workers go on serving the previous knowledge base
        log.info(
            "knowledge base reloaded from %s (%d entries), replacing the workers", self.source, len(bot.kb.entries)
        )
        old = list(self.workers)
        self._prepare(bot)
        self._start(self.args.workers)
        self._stop(old, wait=False)

    def _reap(self) -> None:
        """Collect workers that ended; start a new one for each that was not asked to stop."""
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            started = self.workers.pop(pid, None)
            if started is None:
                continue  # an old worker, replaced on reload
            code = os.waitstatus_to_exitcode(status)
            log.warning("worker %d ended (exit %d); starting another", pid, code)
            quick = time.monotonic() - started < self.START_GRACE
            self.failures = self.failures + 1 if quick and code != 0 else 0
            self._start(1)

    def _stop(self, pids: list[int], wait: bool = True) -> None:
        """Ask workers to finish their requests and stop; with `wait`, kill any still running after the grace."""
        for pid in pids:
            self.workers.pop(pid, None)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        if not wait:
            return
        deadline = time.monotonic() + self.config["timeout_graceful_shutdown"] + 2
        pending = set(pids)
        while pending and time.monotonic() < deadline:
            for pid in list(pending):
                with contextlib.suppress(ChildProcessError):
                    if os.waitpid(pid, os.WNOHANG)[0] == 0:
                        continue
                pending.discard(pid)
            time.sleep(0.05)
        for pid in pending:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, plus faqbot's own messages (reloads, the secret warning) in the same format."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["faqbot"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
