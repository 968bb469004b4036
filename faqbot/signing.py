"""Signed, expiring state tokens: a conversation's state made safe to hand to a web client.

The web app keeps no server-side sessions, so the conversation state travels to the browser and back. The
client must not be able to forge or edit it, and an old token must stop working after a while. Signing and
expiry are itsdangerous's `URLSafeTimedSerializer` (HMAC-SHA1 over a key derived from the secret and a salt,
so the same secret used elsewhere never produces a valid faqbot token by accident):

    base64url(JSON state) "." base64url(timestamp) "." base64url(signature)

One thing is added: each part must be the canonical base64 of what it decodes to. itsdangerous accepts a
character changed in the unused low bits of a part's last base64 character (the same bytes, so not a forgery,
but a changed token that still verifies); here every changed character is rejected. Tokens are not encrypted:
the state is not secret, only trusted. Replaying a token is allowed by design (any worker can continue any
conversation): it resumes the conversation at that point, which only its holder could do anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from itsdangerous import BadData, BadSignature, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode, base64_encode

__all__ = ["DEFAULT_TTL", "MAX_TOKEN_CHARS", "StateSigner", "TokenError"]

DEFAULT_TTL = 24 * 60 * 60
"""Seconds a token stays valid: long enough for a browser tab's conversation, short enough to retire."""
MAX_TOKEN_CHARS = 8192
"""Anything longer is rejected before any decoding (real tokens are a few hundred characters)."""
_SALT = "faqbot.state.v2"


class TokenError(ValueError):
    """A token that is malformed, forged, signed with another secret, or expired."""


def _signer_on(clock: Callable[[], float]) -> type[TimestampSigner]:
    """itsdangerous's timestamp signer reading `clock`, so tests (and only tests) can move time."""

    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock())

    return ClockSigner


class StateSigner:
    """Turns state dicts into tokens and back, with one secret and one lifetime."""

    def __init__(self, secret: str | bytes, ttl: int = DEFAULT_TTL, clock: Callable[[], float] = time.time) -> None:
        raw = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        if not raw:
            raise ValueError("the state-token secret must not be empty")
        if ttl <= 0:
            raise ValueError(f"the token lifetime must be positive, got {ttl!r}")
        self._serializer = URLSafeTimedSerializer(raw, salt=_SALT, signer=_signer_on(clock))
        self._ttl = ttl

    def dumps(self, state: dict[str, Any]) -> str:
        """A token carrying `state`, valid for the signer's lifetime from now."""
        token: str = self._serializer.dumps(state)
        return token

    def loads(self, token: object) -> dict[str, Any]:
        """The state inside a genuine, unexpired token; `TokenError` for anything else."""
        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS or not token.isascii():
            raise TokenError("not a state token")
        if not _canonical(token):
            raise TokenError("bad signature")
        try:
            issued: tuple[Any, Any] = self._serializer.loads(token, max_age=self._ttl, return_timestamp=True)
        except BadSignature as exc:
            expired = type(exc).__name__ == "SignatureExpired"
            raise TokenError("expired" if expired else "bad signature") from None
        except (BadData, ValueError, RecursionError):
            raise TokenError("unreadable payload") from None
        state, _ = issued
        if not isinstance(state, dict):
            raise TokenError("unexpected payload")
        return state


def _canonical(token: str) -> bool:
    """Whether every part is the canonical base64 of its bytes (see the module docstring)."""
    parts = token.removeprefix(".").split(".")  # a leading "." marks a compressed payload
    if len(parts) != 3 or not all(parts):
        return False
    try:
        return all(base64_encode(base64_decode(part)).decode("ascii") == part for part in parts)
    except (BadData, ValueError, TypeError):
        return False
