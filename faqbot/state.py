"""A conversation's state: a small JSON-serialisable dict, checked strictly when it comes back.

State travels to web clients and files, so anything can come back. `validate` accepts only the exact shape
the dialogue writes, referring to entries, steps and slot values this knowledge base has; anything else
raises `StateError` naming the field, instead of failing later in the middle of a conversation.
"""

from __future__ import annotations

import reprlib
from typing import Any

from .errors import FaqbotError
from .knowledge import KnowledgeBase

__all__ = ["MAX_OFFERED", "STATE_VERSION", "StateError", "copy_state", "new_state", "validate"]

STATE_VERSION = 1
MAX_OFFERED = 10
MAX_TRIES = 5
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60


class StateError(FaqbotError, ValueError):
    """A saved conversation state that is malformed or refers to things this knowledge base lacks."""


def new_state() -> dict[str, Any]:
    return {"version": STATE_VERSION, "slots": {}, "pending": None}


def copy_state(state: dict[str, Any]) -> dict[str, Any]:
    """A copy of a valid state (its shape is known, so this is cheaper than `copy.deepcopy`)."""
    pending = state["pending"]
    if pending is not None:
        pending = {key: list(value) if isinstance(value, list) else value for key, value in pending.items()}
    return {"version": state["version"], "slots": dict(state["slots"]), "pending": pending}


def validate(kb: KnowledgeBase, state: Any) -> dict[str, Any]:
    """A copy of `state` known to be well-formed for `kb`; `StateError` otherwise."""
    if not isinstance(state, dict):
        raise StateError(f"state: expected an object, got {_kind(state)}")
    _keys(state, "state", {"version", "slots", "pending"}, {"version", "slots", "pending"})
    if state["version"] != STATE_VERSION or type(state["version"]) is not int:
        raise StateError(f"state.version: unsupported version {_show(state['version'])} (expected {STATE_VERSION})")
    return {"version": STATE_VERSION, "slots": _slots(kb, state["slots"]), "pending": _pending(kb, state["pending"])}


def _slots(kb: KnowledgeBase, slots: Any) -> dict[str, str]:
    if not isinstance(slots, dict):
        raise StateError(f"state.slots: expected an object, got {_kind(slots)}")
    known = kb.slots
    for name, value in slots.items():
        if name not in known:
            raise StateError(f"state.slots: unknown slot {_show(name)}")
        if value not in known[name] or not isinstance(value, str):
            raise StateError(f"state.slots.{name}: {_show(value)} is not one of {', '.join(known[name])}")
    return dict(slots)


def _pending(kb: KnowledgeBase, pending: Any) -> dict[str, Any] | None:
    if pending is None:
        return None
    if not isinstance(pending, dict):
        raise StateError(f"state.pending: expected an object or null, got {_kind(pending)}")
    kind = pending.get("kind")
    if kind == "follow_up":
        _keys(pending, "state.pending", {"kind", "entry", "step", "tries"}, {"kind", "entry", "step", "tries"})
        entry = _entry(kb, pending["entry"], "state.pending.entry")
        if (
            entry.follow_up is None
            or not isinstance(pending["step"], str)
            or pending["step"] not in entry.follow_up.steps
        ):
            raise StateError(f"state.pending.step: {_show(pending['step'])} is not a step of {entry.id!r}")
        tries = pending["tries"]
        if type(tries) is not int or not 0 <= tries <= MAX_TRIES:
            raise StateError(f"state.pending.tries: expected a small whole number, got {_show(tries)}")
        return {"kind": kind, "entry": entry.id, "step": pending["step"], "tries": tries}
    if kind == "choice":
        _keys(pending, "state.pending", {"kind", "entries", "clarify"}, {"kind", "entries", "clarify"})
        entries = pending["entries"]
        if not isinstance(entries, list) or not 0 < len(entries) <= MAX_OFFERED:
            raise StateError(f"state.pending.entries: expected a list of 1 to {MAX_OFFERED} entry ids")
        ids = [_entry(kb, e, "state.pending.entries").id for e in entries]
        if not isinstance(pending["clarify"], bool):
            raise StateError("state.pending.clarify: expected true or false")
        return {"kind": kind, "entries": ids, "clarify": pending["clarify"]}
    raise StateError(f"state.pending.kind: expected 'follow_up' or 'choice', got {_show(kind)}")


def _entry(kb: KnowledgeBase, entry_id: Any, field: str) -> Any:
    if not isinstance(entry_id, str) or entry_id not in kb.by_id:
        raise StateError(f"{field}: unknown entry {_show(entry_id)}")
    return kb.by_id[entry_id]


def _keys(value: dict[str, Any], field: str, required: set[str], allowed: set[str]) -> None:
    for key in value:
        if key not in allowed:
            raise StateError(f"{field}: unknown key {_show(key)}")
    for key in sorted(required - value.keys()):
        raise StateError(f"{field}: missing key {key!r}")


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
