"""`faqbot review`: what people asked, read from conversation logs, and what to change in the knowledge base.

The owner's loop: run with `--log`, then review. Unanswered questions are grouped into clusters of
near-identical wording (rapidfuzz's token-set ratio against each cluster's first wording, most frequent
wordings first), each with a suggested action: add the wordings as alternates of the entry the matcher
thinks is nearest, when that entry scores at least half the threshold, else write a new entry. Answers
visitors marked unhelpful, low-margin answers and clarifications, and red flags raised are counted too.
`apply` writes accepted alternates into the YAML file by editing only the lines of the entries it changes, so
comments, order and formatting survive; the result must load before it replaces the file.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from ..errors import FaqbotError, UsageError
from ..text import STOPWORDS, fold, stem

if TYPE_CHECKING:
    from ..bot import Bot

__all__ = ["Cluster", "Replay", "Review", "apply_alternates", "log_files", "read_log", "replay", "review"]

SAME_QUESTION = 80.0
"""Token-set ratio (0-100) at or above which two unanswered wordings count as one question."""
PLAUSIBLE_SHARE = 0.5
"""A cluster whose nearest entry scores at least this share of the threshold is suggested as its alternates."""
MAX_CLUSTERS = 200
"""Clusters compared against (the most frequent first); rarer wordings beyond them start their own."""


class LogError(FaqbotError):
    """A log that cannot be read at all."""


@dataclass
class Cluster:
    """Unanswered wordings of one question, most frequent first."""

    wordings: Counter[str] = field(default_factory=Counter)
    suggestion: str = "new"
    """"alternates" (add them to `entry`) or "new" (write an entry: nothing close enough answers)."""
    entry: str | None = None
    score: float = 0.0

    @property
    def count(self) -> int:
        return sum(self.wordings.values())

    @property
    def example(self) -> str:
        return self.wordings.most_common(1)[0][0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "example": self.example,
            "wordings": [{"text": t, "count": n} for t, n in self.wordings.most_common()],
            "suggestion": self.suggestion,
            "entry": self.entry,
            "score": self.score,
        }


@dataclass
class Review:
    """What a set of logs says."""

    turns: int = 0
    conversations: int = 0
    skipped_lines: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    by_day: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    questions: Counter[str] = field(default_factory=Counter)
    """Answered entries, by how often."""
    unanswered: list[Cluster] = field(default_factory=list)
    feedback: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    """Entry → {"helpful": n, "unhelpful": n}."""
    unhelpful: Counter[str] = field(default_factory=Counter)
    """Messages whose answer was marked unhelpful, with the entry: "entry\\tmessage"."""
    low_margin: Counter[str] = field(default_factory=Counter)
    """Messages answered with a runner-up close behind, or answered with "which did you mean?"."""
    red_flags: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "turns": self.turns,
            "conversations": self.conversations,
            "skipped_lines": self.skipped_lines,
            "kinds": dict(self.kinds),
            "by_day": {day: dict(kinds) for day, kinds in sorted(self.by_day.items())},
            "top_questions": [{"entry": e, "count": n} for e, n in self.questions.most_common(20)],
            "unanswered": [c.to_dict() for c in self.unanswered],
            "feedback": {entry: dict(counts) for entry, counts in sorted(self.feedback.items())},
            "unhelpful": [_split(k) | {"count": n} for k, n in self.unhelpful.most_common(50)],
            "low_margin": [{"message": m, "count": n} for m, n in self.low_margin.most_common(50)],
            "red_flags": dict(self.red_flags),
        }


def _split(key: str) -> dict[str, str]:
    entry, _, message = key.partition("\t")
    return {"entry": entry, "message": message}


# -- reading ---------------------------------------------------------------------------------------------


def log_files(paths: Sequence[str | Path]) -> list[Path]:
    """The log files named, directories expanded to their `*.jsonl*` files (rotated and gzipped ones too)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and ".jsonl" in p.name)
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{name}: no such file or directory")
    if not found:
        raise UsageError(f"{', '.join(map(str, paths))}: no log files (*.jsonl) found")
    return found


def read_log(files: Iterable[Path]) -> Iterator[dict[str, Any] | None]:
    """Every record of the files, in file order; None for a line that is not a record (counted, skipped)."""
    for path in files:
        opener: Any = gzip.open if path.suffix == ".gz" else open
        try:
            with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    yield _record(line)
        except (OSError, EOFError) as exc:
            raise LogError(f"{path}: cannot read: {exc}") from None


def _record(line: str) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("type") in ("turn", "feedback") else None


# -- reviewing -------------------------------------------------------------------------------------------


def review(records: Iterable[dict[str, Any] | None], bot: Bot | None = None) -> Review:
    """Count and cluster what the records say; with `bot`, suggest where each unanswered cluster belongs."""
    result = Review()
    conversations: set[str] = set()
    unanswered: Counter[str] = Counter()
    answered_by: dict[str, tuple[str, str]] = {}
    verdicts: list[tuple[str, bool]] = []
    for record in records:
        if record is None:
            result.skipped_lines += 1
        elif record["type"] == "feedback":
            if isinstance(record.get("reply"), str) and isinstance(record.get("helpful"), bool):
                verdicts.append((record["reply"], record["helpful"]))
        else:
            _turn(result, record, conversations, unanswered, answered_by)
    result.conversations = len(conversations)
    for reply, helpful in verdicts:
        if reply in answered_by:
            entry, message = answered_by[reply]
            result.feedback[entry]["helpful" if helpful else "unhelpful"] += 1
            if not helpful:
                result.unhelpful[f"{entry}\t{message}"] += 1
    result.unanswered = _clusters(unanswered, _key_of(bot))
    if bot is not None:
        for cluster in result.unanswered:
            _suggest(cluster, bot)
    return result


def _turn(
    result: Review,
    record: dict[str, Any],
    conversations: set[str],
    unanswered: Counter[str],
    answered_by: dict[str, tuple[str, str]],
) -> None:
    kind, message, entry = str(record.get("kind")), str(record.get("message", "")), record.get("entry")
    result.turns += 1
    result.kinds[kind] += 1
    result.by_day[str(record.get("time", ""))[:10] or "unknown"][kind] += 1
    conversations.add(str(record.get("conversation")))
    if kind == "fallback" and not record.get("referral"):
        key = " ".join(fold(message).split())
        if key:
            unanswered[key] += 1
    if kind in ("answer", "follow_up") and isinstance(entry, str):
        result.questions[entry] += kind == "answer"
        if isinstance(record.get("reply"), str):
            answered_by[record["reply"]] = (entry, message)
        if _close_call(record):
            result.low_margin[message] += 1
    if kind == "clarify":
        result.low_margin[message] += 1
    if kind == "urgent":
        result.red_flags[str(record.get("tier"))] += 1


def _close_call(record: dict[str, Any]) -> bool:
    """Whether an answer's runner-up was within twice the clarify margin of it."""
    runner_up, decision = record.get("runner_up"), record.get("decision") or {}
    score, margin = record.get("score"), decision.get("clarify_margin") if isinstance(decision, dict) else None
    if not (isinstance(runner_up, dict) and isinstance(score, (int, float)) and isinstance(margin, (int, float))):
        return False
    return bool(score - float(runner_up.get("score") or 0) <= 2 * margin)


def _key_of(bot: Bot | None) -> Callable[[str], str]:
    """What wordings are compared on: their content words, stemmed and with the knowledge base's synonyms
    ("clinic parking where" and "where can I park at the clinic" are both "clinic park")."""
    normaliser = bot.normaliser if bot is not None else None

    def key(text: str) -> str:
        words = normaliser.words(text) if normaliser is not None else text.split()
        content = [stem(w) for w in words if w not in STOPWORDS] or words
        return " ".join(sorted(set(content)))

    return key


def _clusters(unanswered: Counter[str], key: Callable[[str], str]) -> list[Cluster]:
    """Near-identical wordings together, the most frequent wording of a cluster being its representative."""
    clusters: list[Cluster] = []
    heads: list[str] = []
    for text, count in sorted(unanswered.items(), key=lambda item: (-item[1], item[0])):
        compared = key(text)
        hit = None
        if heads:
            hit = process.extractOne(compared, heads, scorer=fuzz.token_set_ratio, score_cutoff=SAME_QUESTION)
        if hit is not None:
            clusters[hit[2]].wordings[text] += count
        else:
            cluster = Cluster()
            cluster.wordings[text] += count
            clusters.append(cluster)
            if len(heads) < MAX_CLUSTERS:
                heads.append(compared)
    return sorted(clusters, key=lambda c: (-c.count, c.example))


def _suggest(cluster: Cluster, bot: Bot) -> None:
    best = bot.matcher.rank(cluster.example, limit=1)
    if best and best[0].score >= PLAUSIBLE_SHARE * bot.threshold:
        cluster.suggestion, cluster.entry, cluster.score = "alternates", best[0].entry_id, best[0].score
    else:
        cluster.score = best[0].score if best else 0.0
        cluster.entry = best[0].entry_id if best else None


# -- applying ----------------------------------------------------------------------------------------------


_ENTRY = re.compile(r"^(\s*)-\s+id:\s*['\"]?([^'\"\s#]+)")
_KEY = re.compile(r"^(\s*)([A-Za-z_]+):(.*)$")


def apply_alternates(text: str, additions: dict[str, list[str]]) -> str:
    """The YAML text with `additions` (entry id → new wordings) appended to each entry's alternates.

    Only the lines of the changed entries' `alternates` change: a block list gets new `- "…"` lines after its
    last item, a one-line flow list gets items before its `]`, and an entry without alternates gets the key
    after its `question:` line. Wordings are written as JSON strings (valid YAML, any character quoted).
    """
    lines = text.split("\n")
    pending = {entry: list(wordings) for entry, wordings in additions.items() if wordings}
    for start, entry_id, indent in _entries(lines):
        if entry_id not in pending:
            continue
        end = _entry_end(lines, start, indent)
        lines[start:end] = _with_alternates(lines[start:end], pending.pop(entry_id))
    if pending:
        raise LogError(f"no entry with id {', '.join(map(repr, sorted(pending)))} in the knowledge base")
    return "\n".join(lines)


def _entries(lines: list[str]) -> list[tuple[int, str, int]]:
    found = []
    for i, line in enumerate(lines):
        match = _ENTRY.match(line)
        if match:
            found.append((i, match.group(2), len(match.group(1))))
    return list(reversed(found))  # edited last to first, so earlier line numbers stay right


def _entry_end(lines: list[str], start: int, indent: int) -> int:
    for j in range(start + 1, len(lines)):
        stripped = lines[j].strip()
        if stripped and not stripped.startswith("#") and len(lines[j]) - len(lines[j].lstrip()) <= indent:
            return j
    return len(lines)


def _with_alternates(block: list[str], wordings: list[str]) -> list[str]:
    items = [json.dumps(w, ensure_ascii=False) for w in wordings]
    key_indent = len(block[0]) - len(block[0].lstrip()) + 2
    for i, line in enumerate(block):
        match = _KEY.match(line)
        if not match or len(match.group(1)) != key_indent or match.group(2) != "alternates":
            continue
        rest = match.group(3).strip()
        if rest.startswith("[") and rest.rstrip().endswith("]"):
            inner = rest.strip()[1:-1].strip()
            joined = ", ".join([inner, *items] if inner else items)
            return [*block[:i], f"{match.group(1)}alternates: [{joined}]", *block[i + 1 :]]
        last = i
        item_indent = None
        for j in range(i + 1, len(block)):
            stripped = block[j].lstrip()
            if stripped.startswith("- ") and (item_indent is None or len(block[j]) - len(stripped) == item_indent):
                item_indent = len(block[j]) - len(stripped)
                last = j
            elif stripped and not stripped.startswith("#") and len(block[j]) - len(stripped) <= key_indent:
                break
        pad = " " * (item_indent if item_indent is not None else key_indent + 2)
        return [*block[: last + 1], *(f"{pad}- {item}" for item in items), *block[last + 1 :]]
    keys = [
        (i, m.group(2)) for i, line in enumerate(block) if (m := _KEY.match(line)) and len(m.group(1)) == key_indent
    ]
    question = next((n for n, (_, key) in enumerate(keys) if key == "question"), None)
    # after the question (which may run over several lines): before the key that follows it
    at = keys[question + 1][0] if question is not None and question + 1 < len(keys) else len(block)
    pad = " " * key_indent
    return [*block[:at], f"{pad}alternates:", *(f"{pad}  - {item}" for item in items), *block[at:]]


# -- replay --------------------------------------------------------------------------------------------------


@dataclass
class Replay:
    """Logged questions asked again of a knowledge base: what its answers would be now."""

    turns: int = 0
    changes: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    """"answered now", "answer changed", "newly unanswered", "other change" → (message, before, after)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "turns": self.turns,
            "unchanged": self.turns - sum(len(v) for v in self.changes.values()),
            **{
                name: [{"message": m, "before": b, "after": a} for m, b, a in found]
                for name, found in sorted(self.changes.items())
            },
        }


def replay(records: Iterable[dict[str, Any] | None], bot: Bot) -> Replay:
    """Ask every logged conversation again, turn by turn in a new session, and sort what changed."""
    conversations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if record is not None and record["type"] == "turn" and isinstance(record.get("message"), str):
            conversations[str(record.get("conversation"))].append(record)
    result = Replay()
    for turns in conversations.values():
        session = bot.session()
        for record in sorted(turns, key=lambda r: str(r.get("time", ""))):  # workers log to separate files
            reply = session.ask(record["message"])
            result.turns += 1
            before = (str(record.get("kind")), record.get("entry"))
            after = (str(reply.kind), reply.entry_id)
            change = _change(before, after)
            if change:
                result.changes[change].append((record["message"], _shown(before), _shown(after)))
    return result


_ANSWERED = ("answer", "follow_up")


def _change(before: tuple[str, Any], after: tuple[str, Any]) -> str:
    if before == after:
        return ""
    if before[0] == "fallback" and after[0] in _ANSWERED:
        return "answered now"
    if before[0] in _ANSWERED and after[0] == "fallback":
        return "newly unanswered"
    if before[0] in _ANSWERED and after[0] in _ANSWERED:
        return "answer changed"
    return "other change"


def _shown(reply: tuple[str, Any]) -> str:
    return f"{reply[0]} {reply[1]}" if reply[1] else reply[0]
