"""A quiet progress bar for long evaluation and benchmark runs.

It draws on stderr only when stderr is a terminal and the run has already taken more than a second, so
quick runs, pipes, CI logs and `--json` output on stdout are never cluttered.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["Progress", "track"]

T = TypeVar("T")

DELAY = 1.0
"""Seconds before the bar first appears."""
REFRESH = 0.1
"""Seconds between redraws: drawing every step would cost more than a fast step."""
WIDTH = 30


class Progress:
    """Counts steps of a known total and redraws a one-line bar when it is worth showing."""

    def __init__(
        self, total: int, label: str, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self._clock = clock
        self._start = clock()
        self._next_draw = self._start + DELAY
        self._done = 0
        self._drawn = False
        self._enabled = _is_terminal(self.stream)

    def advance(self, steps: int = 1) -> None:
        self._done += steps
        if self._enabled and self._clock() >= self._next_draw:
            self._draw()

    def close(self) -> None:
        """Erase the bar, leaving the terminal as it was."""
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = False

    def _draw(self) -> None:
        now = self._clock()
        self._next_draw = now + REFRESH
        fraction = min(self._done / self.total, 1.0)
        filled = int(WIDTH * fraction)
        elapsed = now - self._start
        eta = elapsed * (1 - fraction) / fraction if fraction else 0.0
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self._done}/{self.total} {elapsed:.0f}s, ~{eta:.0f}s left")
        self.stream.flush()
        self._drawn = True


def track(items: Iterable[T], total: int, label: str, stream: TextIO | None = None) -> Iterator[T]:
    """Yield `items`, advancing a `Progress` for each and erasing it at the end."""
    bar = Progress(total, label, stream)
    try:
        for item in items:
            yield item
            bar.advance()
    finally:
        bar.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
