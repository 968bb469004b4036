"""Labelled-message evaluation: how often the bot gives people the reply they needed.

Each message goes through the real dialogue path (`bot.session().ask(text)`), because that is what users meet:
red-flag screening, referrals, small talk, follow-up questions, clarification and the out-of-scope threshold
all change the outcome, not only the matcher's ranking. Single messages each start a fresh conversation;
a conversation's turns are asked in order in one session and judged turn by turn. The matcher's ranking is
recorded beside each reply, to show what a failing message nearly got.

A label (`Expect`) names the reply kind and, as they apply, the entry, the red-flag tier and signs, the referral
and the slot values the message gives. The older shorthand `expect: ENTRY-ID | oos | urgent` still reads: an
entry id is right whatever the reply kind (a `clarify` whose first option is the entry counts), `oos` means a
fallback and `urgent` an urgent reply.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._yamlnodes import Node, compose, did_you_mean, optional
from .datasets import OOS, URGENT
from .progress import track

if TYPE_CHECKING:
    from ..bot import Bot, Session
    from ..dialogue import Reply
    from ..matcher import Candidate

__all__ = [
    "CaseReport",
    "CaseResult",
    "Conversation",
    "Expect",
    "Got",
    "Labelled",
    "evaluate_cases",
    "evaluate_conversations",
    "evaluate_file",
    "load_cases",
    "load_suite",
    "percentiles",
]

RANK_DEPTH = 3
"""Candidates recorded per case (what a failing message nearly got)."""
TOP_CONFUSED = 10
KINDS = ("answer", "follow_up", "clarify", "fallback", "urgent", "smalltalk")
NOT_URGENT = "not-urgent"
"""A label that says only what the reply must not be: a harmless look-alike of a red flag."""
TIERS = ("emergency", "urgent")
_ABOUT_AN_ENTRY = ("answer", "follow_up", "clarify")


@dataclass(frozen=True, slots=True)
class Got:
    """What the bot did with one message, in the terms labels use."""

    kind: str
    entry: str | None
    """The entry the reply is about (for `clarify`, its first option); None when none."""
    tier: str | None = None
    referral: str | None = None
    filled: tuple[tuple[str, str], ...] = ()
    """Slots this message set or changed, with their new values."""

    @property
    def label(self) -> str:
        """A short name for reports (see `_label`)."""
        return _label(self.kind, self.entry, self.referral)


def _label(kind: str | None, entry: str | None, referral: str | None) -> str:
    """How reports name a reply, expected or given alike: `urgent`, a referral, `oos`, else the entry or the kind."""
    if kind == "urgent":
        return URGENT
    if referral:
        return f"referral:{referral}"
    if kind == "fallback":
        return OOS
    return entry or kind or "?"


@dataclass(frozen=True, slots=True)
class Expect:
    """What the reply to one message should be."""

    kind: str | None = None
    """None: any kind about `entry` (the shorthand `expect: ENTRY-ID`)."""
    entry: str | None = None
    tier: str | None = None
    signs: tuple[str, ...] = ()
    referral: str | None = None
    fills: tuple[tuple[str, str], ...] = ()
    alt: tuple[Expect, ...] = ()
    """Other replies the labeller judged just as right."""

    @classmethod
    def shorthand(cls, expect: str) -> Expect:
        if expect == OOS:
            return cls(kind="fallback")
        if expect == NOT_URGENT:
            return cls(kind=NOT_URGENT)
        if expect == URGENT:
            return cls(kind="urgent")
        return cls(entry=expect)

    @property
    def label(self) -> str:
        """A short name for reports (see `_label`)."""
        return _label(self.kind, self.entry, self.referral)

    @property
    def in_scope(self) -> bool:
        """Whether the message is about an entry (so entry accuracy counts it)."""
        return self.entry is not None and (self.kind is None or self.kind in _ABOUT_AN_ENTRY)

    def accepts(self, got: Got) -> bool:
        """Whether `got` is this reply (or one of the alternatives): the kind, and its entry or referral."""
        return self._accepts(got) or any(a._accepts(got) for a in self.alt)

    def _accepts(self, got: Got) -> bool:
        if self.kind == NOT_URGENT:
            return got.kind != "urgent"
        if self.kind is None:
            return got.entry == self.entry
        if got.kind != self.kind:
            return False
        if self.kind in ("answer", "follow_up") and got.entry != self.entry:
            return False
        return self.kind != "fallback" or self.referral is None or got.referral == self.referral

    def entry_right(self, got: Got) -> bool:
        """Whether the reply is about the expected entry (or an alternative's)."""
        return got.entry is not None and got.entry in {e.entry for e in (self, *self.alt)}


@dataclass(frozen=True, slots=True)
class Labelled:
    """One labelled message: alone, or a turn of a conversation."""

    text: str
    expect: Expect
    line: int = 0
    conversation: str | None = None
    turn: int = 0
    """1-based turn number within its conversation."""


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    turns: tuple[Labelled, ...]
    line: int = 0


# -- reading cases ----------------------------------------------------------------------------------------


def load_suite(
    path: str | Path, known_ids: Iterable[str] | None = None
) -> tuple[Labelled, ...] | tuple[Conversation, ...]:
    """A cases file (`queries:`) or a conversations file (`conversations:`), whichever `path` holds."""
    root = compose(path)
    top = root.fields(set(), {"queries", "conversations"})
    if len(top) != 1:
        raise root.error("expected one top-level key: `queries` (single messages) or `conversations`")
    allowed = None if known_ids is None else list(known_ids)
    if "conversations" in top:
        return _conversations(top["conversations"], allowed)
    return _queries(top["queries"], allowed)


def load_cases(path: str | Path, known_ids: Iterable[str] | None = None) -> tuple[Labelled, ...]:
    """Read a cases file (`queries: [{text, expect}]` or `[{text, kind, entry, ...}]`); errors name file:line.

    With `known_ids`, an entry that is not one of them is refused, so a typo in a label fails loudly instead
    of counting as a wrong answer.
    """
    allowed = None if known_ids is None else list(known_ids)
    return _queries(compose(path).fields({"queries"}, set())["queries"], allowed)


def _queries(node: Node, allowed: list[str] | None) -> tuple[Labelled, ...]:
    cases = tuple(Labelled(*_labelled(item, "text", allowed), line=item.where.line) for item in node.items())
    if not cases:
        raise node.error("no queries")
    return cases


def _conversations(node: Node, allowed: list[str] | None) -> tuple[Conversation, ...]:
    found = []
    for item in node.items():
        f = item.fields({"id", "turns"}, {"style"})
        conversation = f["id"].text()
        turns = tuple(
            Labelled(*_labelled(turn, "say", allowed), line=turn.where.line, conversation=conversation, turn=n)
            for n, turn in enumerate(f["turns"].items(), 1)
        )
        if not turns:
            raise f["turns"].error("a conversation needs at least one turn")
        found.append(Conversation(conversation, turns, item.where.line))
    if not found:
        raise node.error("no conversations")
    return tuple(found)


_LABEL_KEYS = {"kind", "entry", "tier", "signs", "referral", "fills", "alt", "expect", "note"}


def _labelled(node: Node, text_key: str, allowed: list[str] | None) -> tuple[str, Expect]:
    f = node.fields({text_key}, _LABEL_KEYS)
    if ("expect" in f) == ("kind" in f):
        raise node.error("give either `expect` (an entry id, oos or urgent) or `kind` with its details")
    return f[text_key].text(), _expect(f, allowed)


def _expect(f: dict[str, Node], allowed: list[str] | None) -> Expect:
    if "expect" in f:
        expect = f["expect"].word()
        shorthands = [OOS, URGENT, NOT_URGENT]
        if allowed is not None and expect not in [*allowed, *shorthands]:
            raise f["expect"].error(f"unknown entry id {expect!r}{did_you_mean(expect, [*allowed, *shorthands])}")
        return Expect.shorthand(expect)
    kind = f["kind"].word()
    if kind not in KINDS:
        raise f["kind"].error(f"unknown reply kind {kind!r}{did_you_mean(kind, list(KINDS))}")
    entry = optional(f, "entry", Node.word, None)
    if entry is not None and allowed is not None and entry not in allowed:
        raise f["entry"].error(f"unknown entry id {entry!r}{did_you_mean(entry, allowed)}")
    fills = tuple((k, v.word()) for k, v in f["fills"].pairs()) if "fills" in f else ()
    alt = (
        tuple(_expect(a.fields({"kind"}, _LABEL_KEYS - {"alt"}), allowed) for a in f["alt"].items())
        if "alt" in f
        else ()
    )
    return Expect(
        kind=kind,
        entry=entry,
        tier=optional(f, "tier", Node.word, None),
        signs=optional(f, "signs", Node.texts, ()),
        referral=optional(f, "referral", Node.word, None),
        fills=fills,
        alt=alt,
    )


# -- results ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What the bot did with one labelled message."""

    case: Labelled
    got: Got
    candidates: tuple[Candidate, ...]
    """The matcher's ranking, whatever the threshold."""
    seconds: float

    @property
    def correct(self) -> bool:
        return self.case.expect.accepts(self.got)

    @property
    def invented(self) -> tuple[tuple[str, str], ...]:
        """Slots this message filled that no reading of its label gives (an answer nobody gave).

        A label's alternatives are other fair readings of the message, so a fill one of them names is not invented.
        """
        expect = self.case.expect
        if expect.kind is None:
            return ()  # a shorthand label says nothing of what the message answers
        given = {fill for reading in (expect, *expect.alt) for fill in reading.fills}
        return tuple(fill for fill in self.got.filled if fill not in given)


def _rate(flags: Iterable[bool]) -> float | None:
    values = list(flags)
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class CaseReport:
    """Metrics over labelled messages; every rate is a fraction 0-1, or None when nothing was counted."""

    results: tuple[CaseResult, ...]
    seconds: float
    in_scope: tuple[CaseResult, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "in_scope", tuple(r for r in self.results if r.case.expect.in_scope))

    def _where(self, test: Callable[[CaseResult], bool]) -> list[CaseResult]:
        return [r for r in self.results if test(r)]

    @property
    def accuracy(self) -> float | None:
        """Entry accuracy over in-scope messages: the reply is about the expected entry (clarify: 1st option)."""
        return _rate(r.case.expect.entry_right(r.got) for r in self.in_scope)

    @property
    def kind_agreement(self) -> float | None:
        """Replies of the expected kind (and entry or referral where the kind has one), over all labelled messages."""
        return _rate(r.correct for r in self.results if r.case.expect.kind is not None)

    @property
    def clarify_rate(self) -> float | None:
        return _rate(r.got.kind == "clarify" for r in self.in_scope)

    @property
    def matcher_top1(self) -> float | None:
        """The ranking's top-1 over in-scope messages, ignoring the threshold and the dialogue."""
        return _rate(bool(r.candidates) and r.candidates[0].entry_id == r.case.expect.entry for r in self.in_scope)

    @property
    def oos_recall(self) -> float | None:
        """Fallback recall: messages that should get a fallback (out of scope or a referral) and did."""
        return _rate(r.got.kind == "fallback" for r in self.results if r.case.expect.kind == "fallback")

    @property
    def oos_precision(self) -> float | None:
        return _rate(r.case.expect.kind == "fallback" for r in self.results if r.got.kind == "fallback")

    @property
    def red_flag_recall(self) -> float | None:
        return _rate(r.got.kind == "urgent" for r in self.results if r.case.expect.kind == "urgent")

    def tier_recall(self, tier: str) -> float | None:
        """Messages labelled with this red-flag tier that got an urgent reply."""
        return _rate(r.got.kind == "urgent" for r in self.results if r.case.expect.tier == tier)

    @property
    def tier_agreement(self) -> float | None:
        """Urgent replies to urgent messages that named the labelled tier."""
        return _rate(
            r.got.tier == r.case.expect.tier
            for r in self.results
            if r.case.expect.tier is not None and r.got.kind == "urgent"
        )

    @property
    def false_alarms(self) -> int:
        """Messages that were not red flags but got the urgent reply."""
        return sum(r.got.kind == "urgent" and r.case.expect.kind != "urgent" for r in self.results)

    @property
    def false_alarm_rate(self) -> float | None:
        return _rate(r.got.kind == "urgent" for r in self.results if r.case.expect.kind not in (None, "urgent"))

    @property
    def referral_routing(self) -> float | None:
        """Messages labelled with a referral topic that got that referral."""
        return _rate(r.got.referral == r.case.expect.referral for r in self.results if r.case.expect.referral)

    @property
    def invented_fills(self) -> int:
        """Turns that filled a slot with an answer the message did not give."""
        return sum(bool(r.invented) for r in self.results)

    @property
    def failures(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if not r.correct)

    def per_label(self) -> dict[str, tuple[int, int]]:
        """Expected label → (messages, correct), in the order labels first appear."""
        counts: dict[str, list[int]] = {}
        for r in self.results:
            tally = counts.setdefault(r.case.expect.label, [0, 0])
            tally[0] += 1
            tally[1] += r.correct
        return {label: (n, ok) for label, (n, ok) in counts.items()}

    def confused(self, top: int = TOP_CONFUSED) -> list[tuple[str, str, int]]:
        """The most frequent (expected, got) mistakes, most frequent first."""
        pairs = Counter((_shown(r.case.expect), _shown_got(r.got)) for r in self.failures)
        return [(e, g, n) for (e, g), n in sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:top]]

    def latency_ms(self) -> dict[str, float]:
        return percentiles([r.seconds * 1000 for r in self.results])

    def summary(self) -> dict[str, Any]:
        """The headline rates, by name."""
        return {
            "kind_agreement": self.kind_agreement,
            "accuracy": self.accuracy,
            "matcher_top1": self.matcher_top1,
            "clarify_rate": self.clarify_rate,
            "oos": {"recall": self.oos_recall, "precision": self.oos_precision},
            "red_flags": {
                "recall": self.red_flag_recall,
                "recall_per_tier": {t: self.tier_recall(t) for t in TIERS},
                "tier_agreement": self.tier_agreement,
                "false_alarms": self.false_alarms,
                "false_alarm_rate": self.false_alarm_rate,
            },
            "referral_routing": self.referral_routing,
            "invented_fills": self.invented_fills,
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything `faqbot eval --json` prints."""
        return {
            "cases": len(self.results),
            "in_scope": len(self.in_scope),
            "correct": sum(r.correct for r in self.results),
            **self.summary(),
            "per_label": {
                label: {"cases": n, "correct": ok, "accuracy": ok / n} for label, (n, ok) in self.per_label().items()
            },
            "confused": [{"expected": e, "got": g, "count": n} for e, g, n in self.confused()],
            "failures": [_failure(r) for r in self.failures],
            "ms_per_query": self.latency_ms(),
            "seconds": round(self.seconds, 3),
        }


def _shown(expect: Expect) -> str:
    return f"{expect.kind} {expect.label}" if expect.kind and expect.kind != expect.label else expect.label


def _shown_got(got: Got) -> str:
    return f"{got.kind} {got.label}" if got.kind != got.label else got.label


def _failure(r: CaseResult) -> dict[str, Any]:
    return {
        "line": r.case.line,
        "conversation": r.case.conversation,
        "turn": r.case.turn,
        "text": r.case.text,
        "expect": _shown(r.case.expect),
        "got": _shown_got(r.got),
        "kind": r.got.kind,
        "candidates": [{"entry_id": c.entry_id, "score": c.score} for c in r.candidates],
    }


# -- running ----------------------------------------------------------------------------------------------


def evaluate_file(bot: Bot, path: str | Path) -> CaseReport:
    """Evaluate a cases file or a conversations file, whichever it is (entries checked against `bot`)."""
    suite = load_suite(path, known_ids=bot.kb.by_id)
    conversations = [c for c in suite if isinstance(c, Conversation)]
    if conversations:
        return evaluate_conversations(bot, conversations)
    return evaluate_cases(bot, [c for c in suite if isinstance(c, Labelled)])


def evaluate_cases(bot: Bot, cases: Sequence[Labelled], label: str = "eval") -> CaseReport:
    """Run every message through a fresh conversation and the ranking; see `CaseReport` for the metrics."""
    start = time.perf_counter()
    results = tuple(_run(bot, bot.session(), case) for case in track(cases, len(cases), label))
    return CaseReport(results, time.perf_counter() - start)


def evaluate_conversations(bot: Bot, conversations: Sequence[Conversation], label: str = "eval") -> CaseReport:
    """Run each conversation's turns in order in one session, judging every turn."""
    start = time.perf_counter()
    results: list[CaseResult] = []
    for conversation in track(conversations, len(conversations), label):
        session = bot.session()
        results += [_run(bot, session, turn) for turn in conversation.turns]
    return CaseReport(tuple(results), time.perf_counter() - start)


def _run(bot: Bot, session: Session, case: Labelled) -> CaseResult:
    before = session.state["slots"]
    start = time.perf_counter()
    reply = session.ask(case.text)
    seconds = time.perf_counter() - start
    after = reply.conversation.slots
    filled = tuple((k, v) for k, v in after.items() if before.get(k) != v)
    candidates = tuple(bot.matcher.rank(case.text, RANK_DEPTH))
    return CaseResult(case, _got(bot, reply, filled), candidates, seconds)


def _got(bot: Bot, reply: Reply, filled: tuple[tuple[str, str], ...]) -> Got:
    entry = reply.entry_id
    if reply.kind == "clarify" and reply.options:
        entry = _by_question(bot).get(reply.options[0])
    return Got(str(reply.kind), entry, reply.tier, reply.referral, filled)


def _by_question(bot: Bot) -> Mapping[str, str]:
    found: dict[str, str] = {}
    for entry in bot.kb.entries:
        found.setdefault(entry.question, entry.id)
    return found


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    """p50, p99 and mean of a list of milliseconds (zeros when empty), rounded for reports."""
    if not values_ms:
        return {"p50": 0.0, "p99": 0.0, "mean": 0.0}
    ordered = sorted(values_ms)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return {
        "p50": round(statistics.median(ordered), 4),
        "p99": round(p99, 4),
        "mean": round(statistics.fmean(ordered), 4),
    }
