"""Hypothesis settings and strategies shared by the fuzz tests: small and quick by default, heavy with FAQBOT_FUZZ=1.

Every profile is derandomized (the same examples on every run, so CI is reproducible) and has no
per-example deadline: timing bounds are asserted by the tests themselves, robustly (see each docstring).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

HEAVY = os.environ.get("FAQBOT_FUZZ", "") == "1"
"""`FAQBOT_FUZZ=1 python -m pytest tests/test_fuzz_*.py` runs thousands of examples per property."""


def fuzz(default: int, heavy: int = 2000) -> settings:
    """Settings running `default` examples, or `heavy` when FAQBOT_FUZZ=1."""
    return settings(
        max_examples=heavy if HEAVY else default,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


READABLE_FAILURES = pytest.mark.filterwarnings("ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning")
"""On a failure hypothesis imports libcst (when installed), which warns through mypy_extensions; with the
suite's `filterwarnings = error` that warning would replace the falsifying example by an INTERNALERROR."""


# -- hostile text ------------------------------------------------------------------------------------------

BIDI_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Left-to-right and right-to-left marks, embeddings, overrides and isolates."""
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\ufe0f\u034f"
SCRIPT_WORDS = [
    "back",
    "pain",
    "exercise",
    "safe",
    "yes",
    "no",
    "1",
    "2",
    "¿puedo",
    "hacer",
    "ejercicio",
    "боль",
    "в",
    "спине",
    "ألم",
    "الظهر",
    "כאב",
    "גב",
    "腰痛",
    "運動",
    "してもいい",
    "허리",
    "통증",
    "दर्द",
    "पीठ",
    "πόνος",
    "μέση",
    "Rückenschmerzen",
    "señor",
    "ǅungla",
    "İstanbul",
    "ﬁt",
    "Ⅻ",
    "٣",
    "١٢",
    "१",
    "²",
    "ß",
    "ﷺ",
    "🤕",
    "💪🏽",
    "👨\u200d👩\u200d👧",
    "🏳️\u200d🌈",
    "❤️",
    "🇬🇧",
    "e\u0301",
    "\u0301\u0301",
]
"""Words of many scripts, digits of other numeral systems and characters that normalise oddly."""

_any_char = st.characters(exclude_categories=())  # every code point, lone surrogates included
_controls = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"])
_punctuation = st.characters(categories=["P", "S"])
_digits = st.characters(categories=["Nd", "Nl", "No"])
_emoji = st.characters(min_codepoint=0x1F000, max_codepoint=0x1FAFF) | st.sampled_from(list("\u200d\ufe0f\U0001f3fd"))
_escaped_surrogate = st.integers(0xD800, 0xDFFF).map(lambda c: f"\\u{c:04x}")

mixed_scripts = st.lists(
    st.sampled_from(SCRIPT_WORDS) | st.sampled_from(list(BIDI_MARKS + INVISIBLE)) | st.text(_any_char, max_size=3),
    max_size=30,
).map(" ".join)

short_messages = st.one_of(
    st.text(),
    st.text(_any_char),
    st.text(_controls),
    st.text(_punctuation, min_size=1),
    st.text(_digits, min_size=1),
    st.integers().map(str),
    st.text(_emoji, min_size=1),
    st.lists(_escaped_surrogate | st.text(max_size=4), min_size=1, max_size=6).map("".join),
    mixed_scripts,
)


def _repeat(piece: str, size: int = 10_000) -> str:
    return (piece * (size // max(len(piece), 1) + 1))[:size] if piece else " " * size


long_messages = st.builds(_repeat, short_messages.filter(bool))
"""10,000-character messages, built by repeating a short hostile piece."""

messages = short_messages | long_messages


# -- JSON values -------------------------------------------------------------------------------------------

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
)
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)
