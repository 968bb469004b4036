"""Signed, expiring state tokens: a conversation's state made safe to hand to a web client.

The web app keeps no server-side sessions, so the conversation state travels to the browser and back. The
client must not be able to forge or edit it, and an old token must stop working after a while. A token is

    base64url(JSON {"exp": unix-seconds, "state": {...}}) "." base64url(HMAC-SHA256(key, "faqbot.state.v1." body))

Verification recomputes the signature over the exact text received and compares the *encoded* forms in
constant time, so any changed character — including the unused low bits of the last base64 character — is
rejected. The key is derived from the secret with a fixed label, so the same secret used elsewhere never
produces a valid faqbot token by accident. Tokens are not encrypted: the state is not secret, only trusted.

Replaying a token is allowed by design (any worker can continue any conversation): it resumes the
conversation at that point, which only its holder could do anyway.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

__all__ = ["DEFAULT_TTL", "MAX_TOKEN_CHARS", "StateSigner", "TokenError"]

DEFAULT_TTL = 24 * 60 * 60
"""Seconds a token stays valid: long enough for a browser tab's conversation, short enough to retire."""
MAX_TOKEN_CHARS = 8192
"""Anything longer is rejected before any decoding (real tokens are a few hundred characters)."""
_LABEL = b"faqbot.state.v1."


class TokenError(ValueError):
    """A token that is malformed, forged, signed with another secret, or expired."""


class StateSigner:
    """Turns state dicts into tokens and back, with one secret and one lifetime."""

    def __init__(self, secret: str | bytes, ttl: int = DEFAULT_TTL, clock: Callable[[], float] = time.time) -> None:
        raw = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        if not raw:
            raise ValueError("the state-token secret must not be empty")
        if ttl <= 0:
            raise ValueError(f"the token lifetime must be positive, got {ttl!r}")
        self._key = hmac.new(b"faqbot state token key", raw, hashlib.sha256).digest()
        self._ttl = ttl
        self._clock = clock

    def dumps(self, state: dict[str, Any]) -> str:
        """A token carrying `state`, valid for the signer's lifetime from now."""
        payload = {"exp": int(self._clock()) + self._ttl, "state": state}
        body = _b64encode(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
        return f"{body}.{self._sign(body)}"

    def loads(self, token: object) -> dict[str, Any]:
        """The state inside a genuine, unexpired token; `TokenError` for anything else."""
        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS or not token.isascii():
            raise TokenError("not a state token")
        body, dot, signature = token.partition(".")
        if not dot or not hmac.compare_digest(self._sign(body), signature):
            raise TokenError("bad signature")
        payload = _decode_payload(body)
        if payload["exp"] < self._clock():
            raise TokenError("expired")
        return payload["state"]  # type: ignore[no-any-return]

    def _sign(self, body: str) -> str:
        return _b64encode(hmac.new(self._key, _LABEL + body.encode("ascii"), hashlib.sha256).digest())


def _decode_payload(body: str) -> dict[str, Any]:
    """The signed JSON payload; only reached for bodies this server signed, but checked all the same."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError, RecursionError) as exc:
        raise TokenError("unreadable payload") from exc
    if (
        not isinstance(payload, dict)
        or type(payload.get("exp")) is not int
        or not isinstance(payload.get("state"), dict)
    ):
        raise TokenError("unexpected payload")
    return payload


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
