"""The conversation log (opt-in): one JSON line per turn and per piece of visitor feedback.

An FAQ bot's owner needs to know what people asked that it could not answer (`faqbot review` reads the log).
Privacy first: nothing is written unless a log is given; the message is redacted before it is written (e-mail
addresses, phone numbers, postcodes and ZIP codes, long runs of digits — names are not recognised, and the
README says so); the log holds a random conversation id, never the signed state token or the secret.

Each process writes its own file (`faqbot-<host>-<pid>.jsonl` in a log directory), so any number of workers
append without locks across processes; files are rotated by size with the standard library's
`RotatingFileHandler`, and `-` writes to standard output for a platform's log pipeline. A failed write never
breaks a reply: it is reported once on the `faqbot.log` logger and the bot carries on.

    {"type": "turn", "time": "2026-11-30T15:40:00Z", "conversation": "9f1c…", "reply": "4be0…",
     "message": "can i swim with a bad back", "kind": "follow_up", "entry": "exercise-when-in-pain",
     "score": 64.1, "runner_up": {"entry": "safe-exercises", "score": 58.3}, "tier": null,
     "referral": null, "decision": {"threshold": 31.34, "clarify_margin": 3.0}}
    {"type": "feedback", "time": "…", "reply": "4be0…", "helpful": false}
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import socket
import sys
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dialogue import Reply

__all__ = ["ConversationLog", "new_id", "redact"]

MAX_BYTES = 10 * 2**20
"""A log file is rotated when it would grow past this size."""
BACKUPS = 5
"""Rotated files kept per process (`.1` newest … `.5` oldest)."""
_REDACTIONS = [
    ("[email]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("[postcode]", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)),
    ("[zip]", re.compile(r"\b\d{5}-\d{4}\b")),
    ("[number]", re.compile(r"\b\d(?:[ -]?\d){12,}\b")),  # card and account numbers: longer than any phone
    # phone numbers: at least 7 digits, possibly with a leading +, spaces, dots, dashes or brackets between
    ("[phone]", re.compile(r"(?<![\w+])\+?\(?\d(?:[\s.()-]{0,2}\d){6,}(?!\w)")),
    ("[number]", re.compile(r"\b\d{5,}\b")),  # ZIP codes, card or account numbers
]
log = logging.getLogger("faqbot.log")


def redact(text: str) -> str:
    """The message with e-mail addresses, postcodes, phone numbers and long numbers replaced by placeholders."""
    for placeholder, pattern in _REDACTIONS:
        text = pattern.sub(placeholder, text)
    return text


def new_id() -> str:
    """A random id for a conversation or a reply: 16 hex digits, unrelated to any token or secret."""
    return secrets.token_hex(8)


class ConversationLog:
    """Where turns and feedback go: a directory (one file per process), a file, or "-" for standard output."""

    def __init__(self, target: str | os.PathLike[str], max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        self.target = str(target)
        self._logger = logging.Logger(f"faqbot.conversations.{id(self)}")  # private: not in the logging tree
        self._logger.propagate = False
        handler = self._handler(max_bytes, backups)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.handleError = self._failed  # type: ignore[method-assign]
        self._logger.addHandler(handler)
        self._handler_ = handler
        self._warned = False

    def _handler(self, max_bytes: int, backups: int) -> logging.Handler:
        if self.target == "-":
            return logging.StreamHandler(sys.stdout)
        path = Path(self.target)
        if path.is_dir() or not path.suffix:
            path.mkdir(parents=True, exist_ok=True)
            path = path / f"faqbot-{_host()}-{os.getpid()}.jsonl"
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        return RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=True)

    @property
    def file(self) -> Path | None:
        """This process's log file (None when writing to standard output)."""
        return getattr(self, "path", None)

    def turn(self, conversation: str, message: str, reply: Reply, threshold: float, margin: float) -> None:
        """Record one turn: the redacted message, what was replied and why."""
        ranked = list(reply.candidates)
        record: dict[str, Any] = {
            "type": "turn",
            "time": _now(),
            "conversation": conversation,
            "reply": reply.id,
            "message": redact(message),
            "kind": str(reply.kind),
            "entry": reply.entry_id,
            "score": ranked[0].score if ranked else None,
            "best": ranked[0].entry_id if ranked else None,
            "runner_up": {"entry": ranked[1].entry_id, "score": ranked[1].score} if len(ranked) > 1 else None,
            "tier": reply.tier,
            "referral": reply.referral,
            "decision": {"threshold": threshold, "clarify_margin": margin},
        }
        self._write(record)

    def feedback(self, reply_id: str, helpful: bool) -> None:
        """Record a visitor's verdict on one reply ("Was this helpful?")."""
        self._write({"type": "feedback", "time": _now(), "reply": reply_id, "helpful": helpful})

    def close(self) -> None:
        self._handler_.close()

    def _write(self, record: dict[str, Any]) -> None:
        self._logger.info(json.dumps(record, ensure_ascii=False, separators=(",", ":")))

    def _failed(self, record: logging.LogRecord) -> None:
        """A write that fails (disk full, permissions) is reported once; replies go on."""
        if not self._warned:
            self._warned = True
            error = sys.exc_info()[1]
            log.error("conversation log %s cannot be written (%s); replies go on without it", self.target, error)


def _now() -> str:
    """UTC to the microsecond: the turns of one conversation may be logged by different workers."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", socket.gethostname())[:40] or "host"
