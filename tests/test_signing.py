from __future__ import annotations

import base64
import json
import string

import pytest

from faqbot.signing import MAX_TOKEN_CHARS, StateSigner, TokenError

STATE = {
    "version": 1,
    "slots": {"doctor_advised": "yes"},
    "pending": {"kind": "follow_up", "entry": "exercise-when-in-pain", "step": "pain-source", "tries": 0},
}
ALPHABET = string.ascii_letters + string.digits + "-_."


def test_round_trip_gives_back_the_state() -> None:
    signer = StateSigner("s3cret")
    assert signer.loads(signer.dumps(STATE)) == STATE


def test_token_is_url_safe_text() -> None:
    token = StateSigner("s3cret").dumps(STATE)
    assert set(token) <= set(ALPHABET)
    assert token.lstrip(".").count(".") == 2  # payload, timestamp, signature (itsdangerous)


def test_same_secret_as_str_or_bytes_signs_alike() -> None:
    assert StateSigner(b"s3cret").loads(StateSigner("s3cret").dumps(STATE)) == STATE


def test_token_signed_with_another_secret_is_rejected() -> None:
    token = StateSigner("one secret").dumps(STATE)
    with pytest.raises(TokenError):
        StateSigner("another secret").loads(token)


def test_every_single_changed_character_is_rejected() -> None:
    # itsdangerous alone accepts a changed low bit in a part's last base64 character; faqbot does not.
    signer = StateSigner("s3cret")
    for state in (STATE, {**STATE, "slots": {}}, {**STATE, "flags": ["fever"]}):
        token = signer.dumps(state)
        for i, char in enumerate(token):
            for replacement in set(ALPHABET) - {char}:
                with pytest.raises(TokenError):
                    signer.loads(token[:i] + replacement + token[i + 1 :])


def test_edited_state_with_the_old_signature_is_rejected() -> None:
    signer = StateSigner("s3cret")
    _body, stamp, signature = signer.dumps(STATE).lstrip(".").split(".")  # a leading "." marks compression
    payload = {**STATE, "slots": {"doctor_advised": "no"}}
    forged = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenError):
        signer.loads(f"{forged}.{stamp}.{signature}")


def test_expired_token_is_rejected() -> None:
    now = [1_000_000.0]
    signer = StateSigner("s3cret", ttl=60, clock=lambda: now[0])
    token = signer.dumps(STATE)
    now[0] += 59
    assert signer.loads(token) == STATE
    now[0] += 2
    with pytest.raises(TokenError, match="expired"):
        signer.loads(token)


@pytest.mark.parametrize(
    "token",
    [
        None,
        42,
        b"bytes",
        {"state": {}},
        "",
        ".",
        "abc",
        "abc.",
        ".abc",
        "a.b.c",
        "é.é",
        "x" * (MAX_TOKEN_CHARS + 1),
        "not a token at all",
    ],
)
def test_things_that_are_not_tokens_are_rejected(token: object) -> None:
    with pytest.raises(TokenError):
        StateSigner("s3cret").loads(token)


def test_signed_payload_of_the_wrong_shape_is_rejected() -> None:
    signer = StateSigner("s3cret")
    for payload in ([1, 2], "text", 3):
        token = signer._serializer.dumps(payload)  # genuinely signed, but not a state
        with pytest.raises(TokenError, match="unexpected payload"):
            signer.loads(token)


def test_empty_secret_or_lifetime_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        StateSigner("")
    with pytest.raises(ValueError, match="lifetime"):
        StateSigner("s3cret", ttl=0)
