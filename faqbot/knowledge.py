"""The knowledge-base model and its loading from YAML.

Everything is validated at load time — types, unknown keys, duplicate ids, dangling references, flow
wiring — so that a broken knowledge base fails with file:line before the first question is asked.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._yamlnodes import Node, compose, did_you_mean, optional, read_text
from .errors import KnowledgeError, Location
from .text import fold

__all__ = [
    "Call",
    "Entry",
    "Flow",
    "KnowledgeBase",
    "KnowledgeError",
    "Location",
    "Meta",
    "Option",
    "RedFlag",
    "RedFlags",
    "Referral",
    "Settings",
    "Smalltalk",
    "Step",
    "Tier",
    "Variant",
    "bundled_path",
    "load",
    "read_text",
]

MEMORY = Location("<memory>", 1)
_SLUG = re.compile(r"[A-Za-z0-9_-]+")
DEFAULT_FALLBACK = "Sorry, I can only answer the questions of this FAQ. You could ask:"
WHEN = ("asked", "topic", "mentioned", "throughout", "them")
"""When a referral applies (`Referral.when`)."""
DEFAULT_REMINDER = "**Please get {signs} checked first, as I said earlier.**"
DEFAULT_ACCEPTED = "That's the right thing to do. Take care, and I hope it turns out to be nothing serious."
BUILTIN_OPTIONS = {"yes": "Yes", "no": "No", "unsure": "Not sure"}


@dataclass(frozen=True, slots=True)
class Option:
    """One answer a follow-up step accepts."""

    value: str
    """What is stored in the slot ("yes", "no", "unsure" or the author's own value)."""
    label: str
    """What the user sees on a quick-reply button."""
    says: tuple[str, ...] = ()
    """Extra phrasings that select this option as the answer to its question, besides the label and the
    built-in yes/no/unsure words."""
    tells: tuple[str, ...] = ()
    """Patterns (as for red flags) of statements that give this answer in any message, asked or not: "my
    physio said to keep moving" answers "Has a doctor advised exercise?" before it is asked."""


@dataclass(frozen=True, slots=True)
class Step:
    """A question asked before answering; its answer fills `slot` for the rest of the conversation."""

    id: str
    ask: str
    slot: str
    options: tuple[Option, ...]
    next: Mapping[str, str]
    """Option value → the id of the next step or of the variant that answers."""
    where: Location = MEMORY
    why: str = ""
    """Why the answer depends on this question, told to someone who asks "what?" or "why do you ask?"."""

    def option(self, value: str) -> Option:
        return next(o for o in self.options if o.value == value)


@dataclass(frozen=True, slots=True)
class Variant:
    """One tailored answer at the end of a flow path."""

    id: str
    title: str
    """A heading for exports, e.g. "If your doctor has not advised exercise yet"."""
    answer: str
    related: tuple[str, ...] = ()
    where: Location = MEMORY


@dataclass(frozen=True, slots=True)
class Flow:
    """A declarative follow-up: steps that fill slots, leading to answer variants."""

    start: str
    steps: Mapping[str, Step]
    variants: Mapping[str, Variant]
    where: Location = MEMORY


@dataclass(frozen=True, slots=True)
class Entry:
    """One question of the FAQ."""

    id: str
    question: str
    answer: str
    """Markdown that stands on its own (it may be read without any other entry)."""
    alternates: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    follow_up: Flow | None = None
    where: Location = MEMORY

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.alternates)


CANCELLERS = ("negation", "someone-else", "past", "long-standing")
"""What may cancel a red-flag sign (see `cues`): "no numbness", "my dog had a tumour", "years ago, fine now",
"weak for years". A sign declares which apply; a history of cancer, say, is not cancelled by the past."""
TIERS = ("emergency", "urgent")
"""Red-flag tiers, most serious first: call 999 / A&E now, or see a doctor today / NHS 111."""


@dataclass(frozen=True, slots=True)
class RedFlag:
    """An urgent sign; each pattern is space-separated word groups, all of which must occur in one sentence."""

    id: str
    label: str
    patterns: tuple[str, ...]
    where: Location = MEMORY
    tier: str = "emergency"
    """`emergency` or `urgent` (see `TIERS`)."""
    unless: tuple[str, ...] = ()
    """Patterns of harmless contexts that share the sign's words ("fell off the wagon"): in the same sentence,
    they cancel it."""
    cancelled_by: frozenset[str] = frozenset(CANCELLERS)
    age: tuple[int, int] | None = None
    """(under, over): the sign needs an age below `under` or above `over` said in the message, with a pattern."""
    young: tuple[str, ...] = ()
    """Patterns that raise an age sign without its own ones when the writer gives their own age, from `young_from` to
    below `under`: back pain in someone that young began young, whenever it began ("I'm 17 and my back hurts")."""
    young_from: int = 0


@dataclass(frozen=True, slots=True)
class Call:
    """A number a reply tells people to call; the widget makes it a tap-to-call link."""

    number: str
    label: str


@dataclass(frozen=True, slots=True)
class Tier:
    """What to do for the signs of one tier."""

    name: str
    message: str
    calls: tuple[Call, ...] = ()
    reminder: str = DEFAULT_REMINDER
    """Starts later exercise replies of a conversation where a sign of this tier was raised."""
    restate: str = ""
    """Said when someone plays a raised sign down ("I'm fine now"); the tier's message when empty."""
    accepted: str = DEFAULT_ACCEPTED
    """Said when someone says they are getting care ("we're off to A&E", "ringing them now")."""


@dataclass(frozen=True, slots=True)
class RedFlags:
    message: str
    """The message of the most serious tier (kept for knowledge bases written before tiers)."""
    source: str
    signs: tuple[RedFlag, ...] = ()
    tiers: Mapping[str, Tier] = field(default_factory=lambda: MappingProxyType({}))

    def tier(self, name: str) -> Tier:
        """The tier's message and numbers; a knowledge base with one message uses it for both tiers."""
        return self.tiers.get(name) or Tier(name, self.message)


@dataclass(frozen=True, slots=True)
class Referral:
    """A medical topic the knowledge base does not cover, and who can help with it instead."""

    id: str
    label: str
    patterns: tuple[str, ...]
    reply: str
    unless: tuple[str, ...] = ()
    where: Location = MEMORY
    age: tuple[int, int] | None = None
    """(under, over): a message giving an age below `under` or above `over` is referred too (a child's back)."""
    when: str = "asked"
    """"asked": only a question about the topic is referred; "topic": also a question that names nothing of its
    own after the topic was mentioned ("my neck hurts. Which exercises?"); "mentioned": any mention (an
    operation); "throughout": any mention, and then every later message of the conversation about the person's
    back or exercise (a pregnancy), unless it asks in general; "them": as "asked", and then every later question about
    a third person ("should he stop?" after a question about one's son), until one asks about oneself."""


@dataclass(frozen=True, slots=True)
class Smalltalk:
    intent: str
    patterns: tuple[str, ...]
    reply: str
    where: Location = MEMORY


@dataclass(frozen=True, slots=True)
class Meta:
    title: str
    source: str = ""
    url: str = ""
    updated: str = ""
    disclaimer: str = ""
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Settings:
    """Matching knobs, declared in the knowledge base so each base can be tuned without code."""

    threshold: float | None = None
    """Below this score (0-100) a message is out of scope. None (the default, and the recommended way): measured
    on the knowledge base itself when it loads (`calibrate`); `Bot.kb.settings.threshold` then holds the number."""
    clarify_margin: float | None = None
    """When the runner-up entry scores within this many points of the best, ask which was meant. None: a tenth
    of a self-calibrated threshold (scores run lower on some knowledge bases than others), else 4."""
    suggestions: int = 3
    """How many questions a fallback offers."""
    long_message: int = 14
    """Messages longer than this many words are stories around a question: their score is diluted by the story,
    so they need only `long_share` of the threshold (measured on messages written without the alternates). A story
    with no question in it keeps the whole threshold: it tells of the pain, and a guessed answer is no reply to it."""
    long_share: float = 0.5


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    meta: Meta
    entries: tuple[Entry, ...]
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Canonical word → the lay words that mean it (e.g. exercise → work out, gym)."""
    red_flags: RedFlags | None = None
    referrals: tuple[Referral, ...] = ()
    smalltalk: tuple[Smalltalk, ...] = ()
    fallback: str = DEFAULT_FALLBACK
    suggest: tuple[str, ...] = ()
    """Entry ids a fallback offers; the first entries when empty."""
    settings: Settings = Settings()
    vocabulary: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Named word lists that red-flag, referral and statement patterns use as `@name`."""
    path: str = "<memory>"
    by_id: Mapping[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", MappingProxyType({e.id: e for e in self.entries}))
        _check_references(self)

    def entry(self, entry_id: str) -> Entry:
        try:
            return self.by_id[entry_id]
        except KeyError:
            raise KeyError(f"unknown entry id {entry_id!r}{did_you_mean(entry_id, list(self.by_id))}") from None

    @property
    def slots(self) -> Mapping[str, tuple[str, ...]]:
        """Every slot any flow declares, with the values it may hold."""
        found: dict[str, set[str]] = {}
        for entry in self.entries:
            for step in entry.follow_up.steps.values() if entry.follow_up else ():
                found.setdefault(step.slot, set()).update(o.value for o in step.options)
        return {slot: tuple(sorted(values)) for slot, values in found.items()}


def bundled_path() -> Path:
    """The bundled back-pain knowledge base: `knowledge/` in a checkout, `faqbot/kb/` when installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "kb" / "back_pain.yaml", here.parent / "knowledge" / "back_pain.yaml"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("the bundled knowledge base is missing from this installation of faqbot")


def load(path: Path | str | None = None, *, text: str | None = None) -> KnowledgeBase:
    """Load and validate a knowledge base file (the bundled one when `path` is None)."""
    root = compose(path if path is not None else bundled_path(), text)
    top = root.fields(set(_SECTIONS) - _OPTIONAL, set(_SECTIONS))
    vocabulary = _vocabulary(top["vocabulary"]) if "vocabulary" in top else MappingProxyType({})
    token = _VOCABULARY.set(vocabulary)  # patterns anywhere in the file may name it
    try:
        parts = {key: _SECTIONS[key](node) for key, node in top.items()}  # in file order: errors come in order
    finally:
        _VOCABULARY.reset(token)
    fallback_text, suggest = parts.get("fallback", ("", ()))
    file_token = _FILE.set(top)  # a bad reference is reported at its own line
    try:
        return KnowledgeBase(
            meta=parts["meta"],
            entries=parts["entries"],
            synonyms=parts.get("synonyms", MappingProxyType({})),
            red_flags=parts.get("red_flags"),
            referrals=parts.get("referrals", ()),
            smalltalk=parts.get("smalltalk", ()),
            fallback=fallback_text or DEFAULT_FALLBACK,
            suggest=suggest,
            settings=parts.get("matching", Settings()),
            vocabulary=vocabulary,
            path=root.path,
        )
    finally:
        _FILE.reset(file_token)


def _meta(node: Node) -> Meta:
    f = node.fields({"title"}, {"source", "url", "updated", "disclaimer", "language"})
    return Meta(**{key: value.text() for key, value in f.items()})


def _settings(node: Node) -> Settings:
    f = node.fields(set(), {"threshold", "clarify_margin", "suggestions"})
    default = Settings()
    return Settings(
        threshold=optional(f, "threshold", lambda n: n.number(0, 100), None),
        clarify_margin=optional(f, "clarify_margin", lambda n: n.number(0, 100), None),
        suggestions=int(optional(f, "suggestions", lambda n: n.number(0, 10), float(default.suggestions))),
    )


def _synonyms(node: Node) -> Mapping[str, tuple[str, ...]]:
    found = {}
    for key, value in node.pairs():
        if not fold(key):
            raise value.error("a synonym needs a word to stand for (this one has only punctuation)")
        found[key] = _words(value)
    return MappingProxyType(found)


def _words(node: Node) -> tuple[str, ...]:
    """A list of phrases each with at least one word: one of mere punctuation would match nothing or anything."""
    for item in node.items():
        if not fold(item.text()):
            raise item.error(f"{item.text()!r} has no words (only punctuation or spaces)")
    return node.texts()


def _pattern(node: Node) -> str:
    """A pattern (see `patterns`) whose every alternative has a word (an empty one would widen it) and whose
    every `@name` is in the vocabulary."""
    pattern = node.text()
    vocabulary = _VOCABULARY.get()
    for group in pattern.split():
        for alternative in group.split("|"):
            if alternative.startswith("@"):
                name = alternative[1:]
                if name not in vocabulary:
                    hint = did_you_mean(name, list(vocabulary))
                    raise node.error(f"{alternative!r} in pattern {pattern!r} is not in the vocabulary{hint}")
            elif not fold(alternative.rstrip("*").replace("_", " ")):
                raise node.error(f"{alternative!r} in pattern {pattern!r} has no words")
    return pattern


_VOCABULARY: ContextVar[Mapping[str, tuple[str, ...]]] = ContextVar("vocabulary", default=MappingProxyType({}))
"""The vocabulary of the knowledge base being loaded, which its patterns may name with `@name`."""


def _vocabulary(node: Node) -> Mapping[str, tuple[str, ...]]:
    """Named word lists for patterns: phrases may be written with spaces ("back passage")."""
    found = {}
    for name, value in node.pairs():
        if not name.replace("-", "").replace("_", "").isalnum():
            raise value.error(f"{name!r} is not a vocabulary name (letters, digits, '-' and '_')")
        words = []
        for item in value.items():
            text = item.text()
            if "|" in text or "@" in text or not fold(text.rstrip("*")):
                raise item.error(f"{text!r} is not a word or phrase (no '|' or '@', at least one word)")
            words.append("_".join(text.split()))
        found[name] = tuple(words)
    return MappingProxyType(found)


def _fallback(node: Node) -> tuple[str, tuple[str, ...]]:
    f = node.fields({"text"}, {"suggest"})
    return f["text"].text(), optional(f, "suggest", Node.texts, ())


def _red_flags(node: Node) -> RedFlags:
    f = node.fields({"source", "signs"}, {"message", "tiers"})
    if "message" not in f and "tiers" not in f:
        raise node.error("red flags need `tiers` (a message per tier) or one `message`")
    no_tiers: Mapping[str, Tier] = MappingProxyType({})
    tiers = optional(f, "tiers", _tiers, no_tiers)
    message = optional(f, "message", Node.text, "") or next(iter(tiers.values())).message
    signs = tuple(_sign(item, tiers) for item in f["signs"].items())
    _unique(f["signs"], [s.id for s in signs])
    return RedFlags(message, f["source"].text(), signs, tiers)


def _tiers(node: Node) -> Mapping[str, Tier]:
    found = {}
    for name, value in node.pairs():
        if name not in TIERS:
            raise value.error(f"unknown tier {name!r} (tiers: {', '.join(TIERS)})")
        f = value.fields({"message"}, {"call", "reminder", "restate", "accepted"})
        calls = tuple(_call(item) for item in f["call"].items()) if "call" in f else ()
        reminder = optional(f, "reminder", Node.text, DEFAULT_REMINDER)
        if "{signs}" not in reminder:
            raise f["reminder"].error("a reminder must name the signs: put {signs} where they go")
        restate = optional(f, "restate", Node.text, "")
        accepted = optional(f, "accepted", Node.text, DEFAULT_ACCEPTED)
        found[name] = Tier(name, f["message"].text(), calls, reminder, restate, accepted)
    if not found:
        raise node.error("no tiers (tiers: emergency, urgent)")
    return MappingProxyType({name: found[name] for name in TIERS if name in found})


def _call(node: Node) -> Call:
    f = node.fields({"number"}, {"label"})
    number = f["number"].word()
    if not all(c.isdigit() or c in "+ -" for c in number) or not any(c.isdigit() for c in number):
        raise f["number"].error(f"{number!r} is not a phone number (digits, spaces, + and -)")
    return Call(number, optional(f, "label", Node.text, number))


def _sign(node: Node, tiers: Mapping[str, Tier]) -> RedFlag:
    s = node.fields({"id", "label", "patterns"}, {"tier", "unless", "cancelled_by", "age", "young"})
    tier = optional(s, "tier", Node.word, TIERS[0])
    if tier not in TIERS or (tiers and tier not in tiers):
        known = [t for t in TIERS if not tiers or t in tiers]
        raise s["tier"].error(f"unknown tier {tier!r}{did_you_mean(tier, known)} (tiers: {', '.join(known)})")
    return RedFlag(
        id=s["id"].text(),
        label=s["label"].text(),
        patterns=_patterns(s["patterns"]),
        where=node.where,
        tier=tier,
        unless=optional(s, "unless", _patterns, ()),
        cancelled_by=optional(s, "cancelled_by", _cancellers, frozenset(CANCELLERS)),
        age=optional(s, "age", _age, None),
        **_young(s),
    )


def _young(s: dict[str, Node]) -> dict[str, Any]:
    """`young: {from: AGE, patterns: [...]}`, for an age sign only."""
    if "young" not in s:
        return {}
    if "age" not in s:
        raise s["young"].error("`young` needs the sign's `age`")
    f = s["young"].fields({"patterns"}, {"from"})
    return {"young": _patterns(f["patterns"]), "young_from": int(optional(f, "from", lambda n: n.number(0, 150), 0.0))}


def _patterns(node: Node) -> tuple[str, ...]:
    return tuple(_pattern(p) for p in node.items())


def _cancellers(node: Node) -> frozenset[str]:
    names = node.texts()
    for item, name in zip(node.items(), names, strict=True):
        if name not in CANCELLERS:
            raise item.error(f"unknown canceller {name!r}{did_you_mean(name, list(CANCELLERS))}")
    return frozenset(names)


def _age(node: Node) -> tuple[int, int]:
    f = node.fields(set(), {"under", "over"})
    if not f:
        raise node.error("give `under`, `over` or both (ages in years)")
    under = int(optional(f, "under", lambda n: n.number(0, 150), 0.0))
    over = int(optional(f, "over", lambda n: n.number(0, 150), 150.0))
    if under > over:
        raise node.error(f"under ({under}) must not be above over ({over})")
    return under, over


def _referrals(node: Node) -> tuple[Referral, ...]:
    found = []
    for item in node.items():
        f = item.fields({"id", "label", "patterns", "reply"}, {"unless", "age", "when"})
        when = optional(f, "when", Node.word, "asked")
        if when not in WHEN:
            raise f["when"].error(f"expected {', '.join(WHEN[:-1])} or {WHEN[-1]}, got {when!r}")
        found.append(
            Referral(
                id=_slug(f["id"]),
                label=f["label"].text(),
                patterns=_patterns(f["patterns"]),
                reply=f["reply"].text(),
                unless=optional(f, "unless", _patterns, ()),
                where=item.where,
                age=optional(f, "age", _age, None),
                when=when,
            )
        )
    _unique(node, [r.id for r in found])
    return tuple(found)


def _smalltalk(node: Node) -> tuple[Smalltalk, ...]:
    found = []
    for intent, value in node.pairs():
        f = value.fields({"patterns", "reply"}, set())
        found.append(Smalltalk(intent, _words(f["patterns"]), f["reply"].text(), value.where))
    return tuple(found)


def _entries(node: Node) -> tuple[Entry, ...]:
    entries = tuple(_entry(item) for item in node.items())
    if not entries:
        raise node.error("a knowledge base needs at least one entry")
    _unique(node, [e.id for e in entries])
    return entries


def _entry(node: Node) -> Entry:
    f = node.fields({"id", "question", "answer"}, {"alternates", "related", "tags", "follow_up"})
    return Entry(
        id=_slug(f["id"]),
        question=f["question"].text(),
        answer=f["answer"].text(),
        alternates=optional(f, "alternates", Node.texts, ()),
        related=optional(f, "related", Node.texts, ()),
        tags=optional(f, "tags", Node.texts, ()),
        follow_up=optional(f, "follow_up", _flow, None),
        where=node.where,
    )


def _slug(node: Node) -> str:
    value = node.text()
    if not _SLUG.fullmatch(value):
        raise node.error(f"{value!r} is not a slug (use letters, digits, '-' and '_')")
    return value


def _flow(node: Node) -> Flow:
    f = node.fields({"start", "steps", "variants"}, set())
    steps = tuple(_step(item) for item in f["steps"].items())
    variants = tuple(_variant(item) for item in f["variants"].items())
    _unique(f["steps"], [s.id for s in steps] + [v.id for v in variants])
    flow = Flow(
        f["start"].text(),
        MappingProxyType({s.id: s for s in steps}),
        MappingProxyType({v.id: v for v in variants}),
        node.where,
    )
    targets = [*flow.steps, *flow.variants]
    if flow.start not in flow.steps:
        raise f["start"].error(f"unknown step {flow.start!r}{did_you_mean(flow.start, list(flow.steps))}")
    for step in steps:
        for value, target in step.next.items():
            if target not in targets:
                raise KnowledgeError(
                    step.where,
                    f"{node.field}.steps.{step.id}.next.{value}",
                    f"unknown step or variant {target!r}{did_you_mean(target, targets)}",
                )
    return flow


def _step(node: Node) -> Step:
    f = node.fields({"id", "ask", "slot", "next"}, {"options", "why"})
    options = optional(f, "options", _options, tuple(Option(v, label) for v, label in BUILTIN_OPTIONS.items()))
    _unique(f.get("options", node), [o.value for o in options])
    values = [o.value for o in options]
    nexts = {}
    for value, target in f["next"].pairs():
        if value not in values:
            raise target.error(f"{value!r} is not one of this step's options{did_you_mean(value, values)}")
        nexts[value] = target.text()
    for value in values:
        if value not in nexts:
            raise f["next"].error(f"no next step for option {value!r}")
    why = optional(f, "why", Node.text, "")
    return Step(_slug(f["id"]), f["ask"].text(), _slug(f["slot"]), options, MappingProxyType(nexts), node.where, why)


def _options(node: Node) -> tuple[Option, ...]:
    options = []
    for item in node.items():
        if item.kind() != "mapping":
            value = item.word()
            if value not in BUILTIN_OPTIONS:
                raise item.error(f"{value!r} needs a label (built-in options: yes, no, unsure)")
            options.append(Option(value, BUILTIN_OPTIONS[value]))
        else:
            o = item.fields({"value"}, {"label", "says", "tells"})
            value = o["value"].word()
            label = optional(o, "label", Node.text, BUILTIN_OPTIONS.get(value, value))
            options.append(
                Option(value, label, optional(o, "says", Node.texts, ()), optional(o, "tells", _patterns, ()))
            )
    if len(options) < 2:
        raise node.error("a step needs at least two options")
    return tuple(options)


def _variant(node: Node) -> Variant:
    f = node.fields({"id", "title", "answer"}, {"related"})
    return Variant(
        _slug(f["id"]), f["title"].text(), f["answer"].text(), optional(f, "related", Node.texts, ()), node.where
    )


def _unique(node: Node, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    items = list(node.items()) if node.kind() == "list" else []
    for i, item_id in enumerate(ids):
        if item_id in seen:
            where = items[i].where if i < len(items) else node.where
            raise KnowledgeError(where, f"{node.field}[{i}].id", f"duplicate id {item_id!r}")
        seen.add(item_id)


_SECTIONS: dict[str, Callable[[Node], Any]] = {
    "version": lambda node: node.number(1, 1),
    "meta": _meta,
    "matching": _settings,
    "synonyms": _synonyms,
    "red_flags": _red_flags,
    "referrals": _referrals,
    "vocabulary": lambda node: None,  # read first, in `load`
    "smalltalk": _smalltalk,
    "fallback": _fallback,
    "entries": _entries,
}
_OPTIONAL = {"version", "matching", "synonyms", "vocabulary", "red_flags", "referrals", "smalltalk", "fallback"}


def _check_references(kb: KnowledgeBase) -> None:
    """Related links, variant links and fallback suggestions must name existing entries; while a file loads,
    a bad one is reported at its own line of the file."""
    ids = list(kb.by_id)
    if len(ids) != len(kb.entries):
        dup = next(e for i, e in enumerate(kb.entries) if e.id in {x.id for x in kb.entries[:i]})
        raise KnowledgeError(dup.where, "id", f"duplicate id {dup.id!r}")
    for path, field_name, ref, where in _references(kb):
        if ref not in kb.by_id:
            message = f"unknown id {ref!r}{did_you_mean(ref, ids)}"
            nodes = _FILE.get()
            if nodes is not None:
                raise _node_at(nodes, path).error(message)
            raise KnowledgeError(where, field_name, message)


_Path = tuple[str | int, ...]


def _references(kb: KnowledgeBase) -> Iterator[tuple[_Path, str, str, Location]]:
    """Every reference to an entry id, in file order: (its path in the file, its field name, the id, where its
    record was written)."""
    for i, entry in enumerate(kb.entries):
        for j, ref in enumerate(entry.related):
            yield ("entries", i, "related", j), f"{entry.id}.related", ref, entry.where
        for k, variant in enumerate(entry.follow_up.variants.values() if entry.follow_up else ()):
            for j, ref in enumerate(variant.related):
                path: _Path = ("entries", i, "follow_up", "variants", k, "related", j)
                yield path, f"{entry.id}.follow_up.variants.{variant.id}.related", ref, variant.where
    for j, ref in enumerate(kb.suggest):
        yield ("fallback", "suggest", j), "fallback.suggest", ref, Location(kb.path, 1)


def _node_at(top: dict[str, Node], path: _Path) -> Node:
    """The node at a path of keys and list positions (only to report an error, so walking is fine)."""
    node = top[str(path[0])]
    for step in path[1:]:
        node = next(itertools.islice(node.items(), step, None)) if isinstance(step, int) else dict(node.pairs())[step]
    return node


_FILE: ContextVar[dict[str, Node] | None] = ContextVar("file", default=None)
"""The top-level nodes of the file being loaded, if any."""
