"""`faqbot serve`: the chat API, widget, FAQ page and demo page over HTTP, with uvicorn.

The knowledge base is validated before the server starts (a broken file: one error line, exit 1, nothing
served). `SIGHUP` reloads it whole or not at all: the new file is read and validated completely first, and
if anything is wrong the server keeps answering from the previous one and logs why.

With `--workers N` uvicorn runs N processes. The parent validates the file, copies it to a private
snapshot and points the workers at that copy, then on `SIGHUP` validates the new file, makes a new snapshot
and lets uvicorn replace the workers one by one (a worker that fails to start leaves the old one serving).
So every worker loads a file that is known to be good and that nobody is still writing. The workers share
one signing secret: `FAQBOT_SECRET`, or one generated here for this run.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import logging
import logging.config
import os
import shutil
import signal
import socket
import tempfile
import threading
from pathlib import Path
from typing import Any

from .. import knowledge
from ..errors import UsageError

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
    bot_kb = knowledge.load(path)  # fail now, with file:line, rather than in a worker
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
        return _serve_one(uvicorn, bot_kb, path, args, config)
    return _serve_many(uvicorn, path, args, config)


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


def _serve_one(
    uvicorn: Any, kb: knowledge.KnowledgeBase, path: str | None, args: argparse.Namespace, config: dict[str, Any]
) -> int:
    from ..bot import Bot
    from ..convlog import ConversationLog
    from ..web import LiveBot, create_app

    live = LiveBot(Bot(kb, log=ConversationLog(args.log) if args.log else None), path)
    app = create_app(live, allowed_origins=args.allow_origin, max_message=args.max_message, rate_limit=args.rate_limit)
    signal.signal(signal.SIGHUP, lambda *_: threading.Thread(target=live.reload, daemon=True).start())
    server = uvicorn.Server(uvicorn.Config(app, **config))
    server.run()
    return 0 if server.started else 1


def _serve_many(uvicorn: Any, path: str | None, args: argparse.Namespace, config: dict[str, Any]) -> int:
    from uvicorn.supervisors import Multiprocess

    from ..web import ENV_KB, ENV_LOG, ENV_MAX_MESSAGE, ENV_ORIGINS, ENV_RATE_LIMIT

    if args.log:
        os.environ[ENV_LOG] = args.log if args.log == "-" else str(Path(args.log).resolve())
    snapshots = _Snapshots(Path(path) if path else knowledge.bundled_path())
    os.environ[ENV_ORIGINS] = ",".join(args.allow_origin)
    os.environ[ENV_MAX_MESSAGE] = str(args.max_message)
    os.environ[ENV_RATE_LIMIT] = str(args.rate_limit)

    class Supervisor(Multiprocess):
        def handle_hup(self) -> None:
            if snapshots.refresh():
                super().handle_hup()

    try:
        if not snapshots.refresh():
            return 1
        os.environ[ENV_KB] = str(snapshots.current)
        uv_config = uvicorn.Config("faqbot.commands.serve:worker_app", factory=True, workers=args.workers, **config)
        Supervisor(uv_config, sockets=[_tcp_socket(uv_config.bind_socket())]).run()
    finally:
        snapshots.close()
    return 0


def _tcp_socket(sock: socket.socket) -> socket.socket:
    """The listening socket, marked as TCP so asyncio sets TCP_NODELAY on the connections it accepts.

    uvicorn binds it with protocol 0; asyncio then skips TCP_NODELAY, and every keep-alive response after
    the first waits ~40 ms for a delayed ACK (Nagle). Marking the protocol fixes that in every worker.
    """
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())


def worker_app() -> Any:
    """The app in one worker of `faqbot serve --workers N`; the parent process coordinates reloads."""
    from ..web import app_from_env

    with contextlib.suppress(ValueError):  # not the main thread: nothing to protect
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    return app_from_env()


class _Snapshots:
    """Validated private copies of the knowledge base for the workers to load."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.folder = Path(tempfile.mkdtemp(prefix="faqbot-serve-"))
        self.current: Path | None = None
        self._count = 0

    def refresh(self) -> bool:
        """Validate the source now; if good, copy it and point new workers at the copy (env FAQBOT_KB)."""
        from ..web import ENV_KB, load_for_reload

        loaded = load_for_reload(self.source)
        if loaded is None:
            return False
        kb, text = loaded
        self._count += 1
        snapshot = self.folder / f"kb-{self._count}.yaml"
        snapshot.write_text(text, encoding="utf-8")
        self.current = snapshot
        os.environ[ENV_KB] = str(snapshot)
        action = "loaded" if self._count == 1 else "reloaded, replacing the workers"
        log.info("knowledge base %s %s (%d entries)", self.source, action, len(kb.entries))
        return True

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, plus faqbot's own messages (reloads, the secret warning) in the same format."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["faqbot"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
