"""`faqbot check`: load-time errors plus the warnings a knowledge base can load with but should not ship.

Loading already refuses what cannot work (schema, duplicate ids, dangling references). What remains are
mistakes that only show in conversation, so each warning here is checked the way a user would meet it:

- a flow step or variant that no path reaches (dead text nobody reads);
- an answer that leans on "above", "below" or "the previous answer" (answers are read one at a time);
- a **collision**: a question or alternate that, typed into a new conversation, does not lead to its own
  entry (another entry wins, the bot asks to clarify, or it is taken as small talk, a red flag or out of
  scope);
- two entries whose phrasings are near-identical once normalised (the matcher cannot tell them apart).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ._yamlnodes import Node, compose
from .bot import Bot
from .errors import KnowledgeError, Location
from .knowledge import Entry, Flow, Step, Variant
from .text import fold

__all__ = ["NEAR_IDENTICAL", "Finding", "check", "check_file", "inspect_file", "quality"]

NEAR_IDENTICAL = 92.0
"""rapidfuzz token-sort ratio (0-100) above which phrasings of two entries count as the same question."""
_LEANING = re.compile(
    r"\b(?:(?:see|read|as|mentioned|listed|described|shown|given|stated|explained|recommended|the)\s+"
    r"(?:above|below)|(?:above|below)\s+(?:criteria|list|answers?|conditions|points|questions?|advice|section)"
    r"|(?:criteria|list|answers?|conditions|points|questions?|advice|section|steps|table)\s+(?:above|below)"
    r"|(?:previous|earlier|last|preceding|other|next)\s+(?:answers?|questions?|sections?))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a knowledge base, at the line to fix."""

    where: Location
    severity: str
    """"error" (the file does not load) or "warning" (it loads, but users will trip over it)."""
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


def check_file(path: str | Path) -> list[Finding]:
    """Every finding for one file: the load error if it does not load, else the warnings."""
    return inspect_file(path)[0]


def inspect_file(path: str | Path) -> tuple[list[Finding], Bot | None]:
    """`check_file`, and the loaded bot (None when the file does not load) for its calibration."""
    try:
        bot = Bot.load(path)
    except KnowledgeError as exc:
        message = f"{exc.field}: {exc.message}" if exc.field else exc.message
        return [Finding(exc.where, "error", message)], None
    return check(bot, _Lines(compose(path))), bot


def quality(bot: Bot) -> list[str]:
    """What the calibration predicts, in sentences a knowledge-base author can act on."""
    found = bot.calibration
    if found is None:
        return [
            f"threshold {bot.threshold:g} is set in the file; remove `matching.threshold` to have it measured "
            "on the knowledge base itself (and an estimate of accuracy shown here)"
        ]
    why = {
        "clear": "its questions stand clear of everyday chatter",
        "overlap": "its questions overlap everyday topics, so it leans towards answering",
        "off-topic only": "too few alternates to hold out, so everyday chatter alone decides",
    }[found.rule]
    lines = [f"threshold {bot.threshold:g}, measured on this file ({why})"]
    if found.accuracy is not None:
        lines.append(
            f"about {found.accuracy:.0%} of questions phrased like your alternates will be answered correctly "
            f"({found.answered} of {found.probes} alternates held out and asked)"
        )
    if found.offtopic_rejected is not None:
        lines.append(f"{found.offtopic_rejected:.0%} of {found.offtopic} everyday off-topic messages are turned away")
    if found.single:
        shown = ", ".join(found.single[:5]) + (f" and {len(found.single) - 5} more" if len(found.single) > 5 else "")
        entries = "entry has" if len(found.single) == 1 else "entries have"
        lines.append(f"{len(found.single)} {entries} only one wording: add alternates to {shown}")
    return lines


def check(bot: Bot, lines: _Lines | None = None) -> list[Finding]:
    """The warnings for a loaded knowledge base, in file order."""
    lines = lines or _Lines(None)
    found = [*_unreachable(bot), *_leaning(bot, lines), *_collisions(bot, lines), *_near_identical(bot, lines)]
    return sorted(found, key=lambda f: (f.where.line, f.message))


# -- source lines ------------------------------------------------------------------------------------


class _Lines:
    """Line numbers of each entry's phrasings and answer, read from the YAML nodes."""

    def __init__(self, root: Node | None) -> None:
        self._at: dict[tuple[int, str, int], int] = {}
        self._literal: dict[tuple[int, str], bool] = {}
        if root is None:
            return
        entries = dict(root.pairs())["entries"]
        for i, entry in enumerate(entries.items()):
            fields = dict(entry.pairs())
            for key in ("question", "answer"):
                if key in fields:
                    self._at[(i, key, 0)] = fields[key].where.line
                    self._literal[(i, key)] = getattr(fields[key].raw, "style", None) in ("|", ">")
            for j, alternate in enumerate(fields["alternates"].items() if "alternates" in fields else ()):
                self._at[(i, "alternates", j)] = alternate.where.line

    def phrasing(self, index: int, entry: Entry, number: int) -> Location:
        """Where phrasing `number` of an entry is written (0 is the question, then the alternates)."""
        key = (index, "question", 0) if number == 0 else (index, "alternates", number - 1)
        return Location(entry.where.path, self._at.get(key, entry.where.line))

    def answer(self, index: int, entry: Entry, offset: int) -> Location:
        """The line `offset` lines into an entry's answer (exact for block text, else the key's line)."""
        line = self._at.get((index, "answer", 0))
        if line is None:
            return entry.where
        return Location(entry.where.path, line + 1 + offset if self._literal.get((index, "answer")) else line)


# -- checks ------------------------------------------------------------------------------------------


def _unreachable(bot: Bot) -> Iterator[Finding]:
    for entry in bot.kb.entries:
        flow = entry.follow_up
        if flow is None:
            continue
        reached = _reachable(flow)
        parts: list[tuple[str, Step | Variant]] = [("follow-up step", s) for s in flow.steps.values()]
        parts += [("answer variant", v) for v in flow.variants.values()]
        for kind, part in parts:
            if part.id not in reached:
                message = f"{entry.id}: {kind} {part.id!r} is never reached from {flow.start!r}"
                yield Finding(part.where, "warning", message)


def _reachable(flow: Flow) -> set[str]:
    seen, todo = set(), [flow.start]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if node in flow.steps:
            todo.extend(flow.steps[node].next.values())
    return seen


def _leaning(bot: Bot, lines: _Lines) -> Iterator[Finding]:
    for index, entry in enumerate(bot.kb.entries):
        texts: list[tuple[str, Variant | None]] = [(entry.answer, None)]
        texts += [(v.answer, v) for v in entry.follow_up.variants.values()] if entry.follow_up else []
        for text, variant in texts:
            for match in _LEANING.finditer(text):
                offset = text.count("\n", 0, match.start())
                where = variant.where if variant else lines.answer(index, entry, offset)
                part = f"variant {variant.id!r}" if variant else "answer"
                yield Finding(
                    where,
                    "warning",
                    f"{entry.id}: {part} leans on {match.group(0)!r}; answers are "
                    "read one at a time, so say what is meant instead",
                )


def _collisions(bot: Bot, lines: _Lines) -> Iterator[Finding]:
    """Each phrasing typed into a new conversation must lead to its own entry."""
    for index, entry in enumerate(bot.kb.entries):
        for number, phrasing in enumerate(entry.phrasings):
            problem = _collision(bot, entry, phrasing)
            if problem:
                kind = "question" if number == 0 else "alternate"
                yield Finding(
                    lines.phrasing(index, entry, number), "warning", f"{entry.id}: {kind} {phrasing!r} {problem}"
                )


def _collision(bot: Bot, entry: Entry, phrasing: str) -> str:
    reply = bot.session().ask(phrasing)
    if reply.entry_id == entry.id and reply.kind in ("answer", "follow_up"):
        if _small_talk_only(bot, phrasing) and not _small_talk_only(bot, entry.question):
            return "is small talk, so everyone who says it gets this answer (small talk belongs in `smalltalk`)"
        return ""
    ranked = bot.matcher.rank(phrasing, limit=3)
    scores = ", ".join(f"{c.entry_id} {c.score:g}" for c in ranked) or "no match"
    if reply.kind == "urgent":
        return "is taken as a red flag, so it never reaches this entry"
    if reply.kind == "smalltalk":
        return "is taken as small talk, so it never reaches this entry"
    if reply.kind == "clarify":
        return f"is too close to another entry: the bot asks which was meant ({scores})"
    if reply.kind == "fallback" and reply.referral:
        return f"is taken as a referral ({reply.referral}), so it never reaches this entry"
    if reply.kind == "fallback":
        return f"scores below the out-of-scope threshold {bot.threshold:g} ({scores})"
    return f"is matched to {reply.entry_id!r} instead ({scores})"


def _small_talk_only(bot: Bot, text: str) -> bool:
    """Whether a wording is made of small-talk words only ("thanks", "is anyone there?")."""
    words = fold(text).split()
    return bool(words) and bot.small_talk_words.issuperset(words)


def _near_identical(bot: Bot, lines: _Lines) -> Iterator[Finding]:
    from rapidfuzz import fuzz, process  # deferred: only `faqbot check` needs the pairwise comparison

    owners: list[tuple[int, int]] = []
    texts: list[str] = []
    for index, entry in enumerate(bot.kb.entries):
        for number, phrasing in enumerate(entry.phrasings):
            owners.append((index, number))
            texts.append(" ".join(bot.normaliser.words(phrasing)))
    for a in range(len(texts)):
        # process.extract, not cdist: cdist needs numpy, which faqbot does not depend on.
        later = texts[a + 1 :]
        close = process.extract(texts[a], later, scorer=fuzz.token_sort_ratio, score_cutoff=NEAR_IDENTICAL, limit=None)
        for _text, _score, offset in sorted(close, key=lambda hit: hit[2]):
            b = a + 1 + offset
            (ia, na), (ib, nb) = owners[a], owners[b]
            if ia != ib:
                first, second = bot.kb.entries[ia], bot.kb.entries[ib]
                where_first = lines.phrasing(ia, first, na)
                yield Finding(
                    lines.phrasing(ib, second, nb),
                    "warning",
                    f"{second.id}: {second.phrasings[nb]!r} is near-identical to "
                    f"{first.phrasings[na]!r} of {first.id!r} (line {where_first.line})",
                )
