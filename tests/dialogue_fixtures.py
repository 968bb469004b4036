"""Conversation fixtures: plain-text dialogues with their line numbers, in the manner of markdown-it's fixtures.

A file holds cases separated by lines of a single `.`:

    Title of the case
    .
    > what the user types
    < kind entry-id          (entry-id `-` for none)
    ~ text the reply must contain
    + option the reply must offer
    $ slot=value             (the state must hold this slot; `slot=-`: must not hold it)
    .
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Turn:
    line: int
    message: str
    kind: str = ""
    entry_id: str | None = None
    contains: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    slots: dict[str, str] = field(default_factory=dict)


@dataclass
class Case:
    title: str
    line: int
    turns: list[Turn]


def read_dialogues(path: Path) -> list[Case]:
    cases: list[Case] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title, start = lines[i].strip(), i + 1
        if lines[i + 1].strip() != ".":
            raise ValueError(f"{path}:{i + 2}: expected '.' after the title")
        i += 2
        turns: list[Turn] = []
        while lines[i].strip() != ".":
            _read_line(path, i + 1, lines[i], turns)
            i += 1
        cases.append(Case(title, start, turns))
        i += 1
    return cases


def _read_line(path: Path, number: int, line: str, turns: list[Turn]) -> None:
    marker, _, rest = line.partition(" ")
    if marker == ">":
        turns.append(Turn(number, rest))
        return
    if not turns:
        raise ValueError(f"{path}:{number}: an expectation before any message")
    turn = turns[-1]
    if marker == "<":
        kind, _, entry = rest.partition(" ")
        turn.kind, turn.entry_id = kind, None if entry.strip() in ("", "-") else entry.strip()
    elif marker == "~":
        turn.contains.append(rest)
    elif marker == "+":
        turn.options.append(rest)
    elif marker == "$":
        name, _, value = rest.partition("=")
        turn.slots[name] = value
    else:
        raise ValueError(f"{path}:{number}: unknown line {line!r}")
