"""A conversation's state: small frozen types, carried between turns as plain JSON.

State travels to web clients and files, so anything can come back. Each type reads itself from JSON
(`from_json`), accepting only the exact shape it writes and only entries, steps, slots and signs this knowledge
base has; anything else raises `StateError` naming the field, instead of failing later in the middle of a
conversation. Version 1 states (before red flags were remembered) are read as version 2.

    {"version": 2,
     "slots": {"doctor_advised": "yes"},                     # what the person said, for the whole conversation
     "pending": {"kind": "follow_up", "entry": "...", "step": "...", "tries": 0}
              | {"kind": "choice", "entries": ["...", ...], "clarify": false} | null,
     "flags": ["fever"],                                      # red-flag signs raised, in order
     "last": {"entry": "...", "variant": "..." | null} | null,  # the answer given last
     "conversation": "9f1c2b7e4a5d6c80",                      # optional: a random id, when a log is kept
     "ages": [9],                                             # optional: the age the conversation gave
     "new_pain": true,                                        # optional: the pain was said to be new
     "behalf": true,                                          # optional: asked for someone else ("my husband…")
     "referred": ["pregnancy"]}                               # optional: topics that change every answer
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from .errors import FaqbotError
from .knowledge import Entry, KnowledgeBase

__all__ = [
    "MAX_OFFERED",
    "STATE_VERSION",
    "Answered",
    "Choice",
    "FollowUp",
    "State",
    "StateError",
]

STATE_VERSION = 2
_READABLE_VERSIONS = (1, 2)
MAX_OFFERED = 10
MAX_TRIES = 5
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60


class StateError(FaqbotError, ValueError):
    """A saved conversation state that is malformed or refers to things this knowledge base lacks."""


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A follow-up question waiting for its answer: `step` of `entry`'s flow, asked `tries` times again."""

    entry: str
    step: str
    tries: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"kind": "follow_up", "entry": self.entry, "step": self.step, "tries": self.tries}

    @classmethod
    def from_json(cls, kb: KnowledgeBase, data: dict[str, Any], name: str) -> FollowUp:
        _keys(data, name, {"kind", "entry", "step", "tries"})
        entry = _entry(kb, data["entry"], f"{name}.entry")
        if entry.follow_up is None or not isinstance(data["step"], str) or data["step"] not in entry.follow_up.steps:
            raise StateError(f"{name}.step: {_show(data['step'])} is not a step of {entry.id!r}")
        tries = data["tries"]
        if type(tries) is not int or not 0 <= tries <= MAX_TRIES:
            raise StateError(f"{name}.tries: expected a small whole number, got {_show(tries)}")
        return cls(entry.id, data["step"], tries)


@dataclass(frozen=True, slots=True)
class Choice:
    """Numbered questions offered (after an answer, a fallback, or to clarify): a number or words pick one."""

    entries: tuple[str, ...]
    clarify: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"kind": "choice", "entries": list(self.entries), "clarify": self.clarify}

    @classmethod
    def from_json(cls, kb: KnowledgeBase, data: dict[str, Any], name: str) -> Choice:
        _keys(data, name, {"kind", "entries", "clarify"})
        entries = data["entries"]
        if not isinstance(entries, list) or not 0 < len(entries) <= MAX_OFFERED:
            raise StateError(f"{name}.entries: expected a list of 1 to {MAX_OFFERED} entry ids")
        ids = tuple(_entry(kb, e, f"{name}.entries").id for e in entries)
        if not isinstance(data["clarify"], bool):
            raise StateError(f"{name}.clarify: expected true or false")
        return cls(ids, data["clarify"])


Pending = FollowUp | Choice | None
_PENDING: dict[str, Any] = {"follow_up": FollowUp, "choice": Choice}


@dataclass(frozen=True, slots=True)
class Answered:
    """The answer given last: an entry, and the variant of its flow when one was chosen."""

    entry: str
    variant: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"entry": self.entry, "variant": self.variant}

    @classmethod
    def from_json(cls, kb: KnowledgeBase, data: Any, name: str) -> Answered:
        if not isinstance(data, dict):
            raise StateError(f"{name}: expected an object or null, got {_kind(data)}")
        _keys(data, name, {"entry", "variant"})
        entry = _entry(kb, data["entry"], f"{name}.entry")
        variant = data["variant"]
        variants = entry.follow_up.variants if entry.follow_up else {}
        if variant is not None and (not isinstance(variant, str) or variant not in variants):
            raise StateError(f"{name}.variant: {_show(variant)} is not a variant of {entry.id!r}")
        return cls(entry.id, variant)


@dataclass(frozen=True, slots=True)
class State:
    """One conversation so far. Immutable: each turn makes a new one (`replace`)."""

    slots: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    pending: Pending = None
    flags: tuple[str, ...] = ()
    """Red-flag sign ids raised in this conversation, in the order they came up."""
    last: Answered | None = None
    conversation: str = ""
    """A random id that ties the turns of one conversation together in a conversation log ("" without one)."""
    ages: tuple[int, ...] = ()
    """The ages last given for the person whose back this is about ("my daughter is 9"): a later "it only
    started last week" is new pain at that age."""

    new_pain: bool = False
    """Whether the conversation said the pain is new ("it only started last week"): an age given later ("I'm
    only 16") is then new pain at that age, as an age given first is (`ages`)."""
    referred: tuple[str, ...] = ()
    """Referral topics mentioned that change every later answer ("I'm 30 weeks pregnant"), in order."""
    behalf: bool = False
    """Whether the conversation is about someone else's back ("asking for my husband, his back…"): a later "he's
    running a temperature" is then a sign of the person asked about, not a report of a bystander."""
    also: tuple[str, ...] = ()
    """The other entries the message answered last asked about ("is there an alternative to exercise, and which
    ones should I avoid?"), in the order asked: "and the second part?" is answered from here."""

    def replace(self, **changes: Any) -> State:
        if "slots" in changes:
            changes["slots"] = MappingProxyType(dict(changes["slots"]))
        return replace(self, **changes)

    def with_slot(self, slot: str, value: str) -> State:
        return self.replace(slots={**self.slots, slot: value})

    def with_ages(self, ages: Sequence[int]) -> State:
        """The state remembering the ages a message gave (the last few that can be ages), or unchanged if none."""
        kept = tuple(age for age in ages if 0 <= age <= MAX_AGE)[-MAX_AGES:]
        return self.replace(ages=kept) if kept else self

    def to_json(self) -> dict[str, Any]:
        """A new plain dict each time: the caller may change it freely."""
        data = {
            "version": STATE_VERSION,
            "slots": dict(self.slots),
            "pending": None if self.pending is None else self.pending.to_json(),
            "flags": list(self.flags),
            "last": None if self.last is None else self.last.to_json(),
        }
        if self.conversation:
            data["conversation"] = self.conversation
        if self.ages:
            data["ages"] = list(self.ages)
        if self.new_pain:
            data["new_pain"] = True
        if self.referred:
            data["referred"] = list(self.referred)
        if self.behalf:
            data["behalf"] = True
        if self.also:
            data["also"] = list(self.also)
        return data

    @classmethod
    def from_json(cls, kb: KnowledgeBase, data: Any) -> State:
        """The state `data` describes, known to be well-formed for `kb`; `StateError` otherwise."""
        if not isinstance(data, dict):
            raise StateError(f"state: expected an object, got {_kind(data)}")
        version = data.get("version")
        if type(version) is not int or version not in _READABLE_VERSIONS:
            raise StateError(f"state.version: unsupported version {_show(version)} (expected {STATE_VERSION})")
        if version == 1:
            _keys(data, "state", {"version", "slots", "pending"})
            data = {**data, "flags": [], "last": None}
        data = {**_OPTIONAL_FIELDS, **data}
        _keys(data, "state", {"version", "slots", "pending", "flags", "last", *_OPTIONAL_FIELDS})
        for flag in ("new_pain", "behalf"):
            if type(data[flag]) is not bool:
                raise StateError(f"state.{flag}: expected true or false, got {_show(data[flag])}")
        return cls(
            slots=MappingProxyType(_slots(kb, data["slots"])),
            pending=_pending(kb, data["pending"]),
            flags=_flags(kb, data["flags"]),
            last=None if data["last"] is None else Answered.from_json(kb, data["last"], "state.last"),
            conversation=_conversation(data["conversation"]),
            ages=_ages(data["ages"]),
            new_pain=data["new_pain"],
            referred=_ids(data["referred"], [r.id for r in kb.referrals], "state.referred", "referral topic"),
            behalf=data["behalf"],
            also=_ids(data["also"], [e.id for e in kb.entries], "state.also", "entry"),
        )


_OPTIONAL_FIELDS: dict[str, Any] = {
    "conversation": "", "ages": [], "new_pain": False, "referred": [], "behalf": False, "also": []
}  # fmt: skip
"""Fields written only when they hold something, and their values when absent (as JSON has them; only read, never
changed), so that older saved states stay readable as they are."""


MAX_AGE = 130


def _conversation(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 32 or not all(c in "0123456789abcdef" for c in value):
        raise StateError(f"state.conversation: expected up to 32 hex digits, got {_show(value)}")
    return value


MAX_AGES = 4
"""Ages remembered at most (a message rarely gives more)."""


def _ages(value: Any) -> tuple[int, ...]:
    if (
        not isinstance(value, list)
        or len(value) > MAX_AGES
        or not all(type(age) is int and 0 <= age <= MAX_AGE for age in value)
    ):
        raise StateError(f"state.ages: expected a list of at most {MAX_AGES} ages from 0 to {MAX_AGE}")
    return tuple(value)


def _slots(kb: KnowledgeBase, slots: Any) -> dict[str, str]:
    if not isinstance(slots, dict):
        raise StateError(f"state.slots: expected an object, got {_kind(slots)}")
    known = kb.slots
    for name, value in slots.items():
        if name not in known:
            raise StateError(f"state.slots: unknown slot {_show(name)}")
        if not isinstance(value, str) or value not in known[name]:
            raise StateError(f"state.slots.{name}: {_show(value)} is not one of {', '.join(known[name])}")
    return dict(slots)


def _pending(kb: KnowledgeBase, pending: Any) -> Pending:
    if pending is None:
        return None
    if not isinstance(pending, dict):
        raise StateError(f"state.pending: expected an object or null, got {_kind(pending)}")
    kind = pending.get("kind")
    if not isinstance(kind, str) or kind not in _PENDING:
        raise StateError(f"state.pending.kind: expected 'follow_up' or 'choice', got {_show(kind)}")
    return _PENDING[kind].from_json(kb, pending, "state.pending")  # type: ignore[no-any-return]


def _flags(kb: KnowledgeBase, flags: Any) -> tuple[str, ...]:
    known = [s.id for s in kb.red_flags.signs] if kb.red_flags else []
    return _ids(flags, known, "state.flags", "red-flag sign")


def _ids(value: Any, known: Sequence[str], name: str, what: str) -> tuple[str, ...]:
    """A list of distinct ids of things this knowledge base has (red-flag signs, referral topics, entries)."""
    if not isinstance(value, list) or len(value) > len(known):
        raise StateError(f"{name}: expected a list of at most {len(known)} {what} ids")
    for item in value:
        if not isinstance(item, str) or item not in known:
            raise StateError(f"{name}: unknown {what} {_show(item)}")
    if len(set(value)) != len(value):
        raise StateError(f"{name}: a {what} is listed twice")
    return tuple(value)


def _entry(kb: KnowledgeBase, entry_id: Any, name: str) -> Entry:
    if not isinstance(entry_id, str) or entry_id not in kb.by_id:
        raise StateError(f"{name}: unknown entry {_show(entry_id)}")
    return kb.by_id[entry_id]


def _keys(value: dict[str, Any], name: str, keys: set[str]) -> None:
    for key in value:
        if key not in keys:
            raise StateError(f"{name}: unknown key {_show(key)}")
    for key in sorted(keys - value.keys()):
        raise StateError(f"{name}: missing key {key!r}")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


def _show(value: Any) -> str:
    """A value from outside, for an error message: short and shallow, however long or deep the value is."""
    try:
        return _REPR.repr(value)
    except ValueError:  # an int with more digits than Python will print (sys.get_int_max_str_digits)
        return f"a {value.bit_length()}-bit number"
