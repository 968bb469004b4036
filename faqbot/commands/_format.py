"""Plain-text number and table formatting shared by `faqbot eval` and `faqbot bench`.

Reports are read in terminals, CI logs and pasted into the README, so they are plain aligned text with
no colour and no box-drawing characters.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

__all__ = ["ms", "pct", "seconds", "shown_path", "table"]

MISSING = "—"


def pct(fraction: float | None) -> str:
    """A fraction 0-1 as "96.6 %"; a dash when nothing was counted."""
    return MISSING if fraction is None else f"{100 * fraction:.1f} %"


def ms(value: float) -> str:
    """Milliseconds with enough digits to compare sub-millisecond latencies."""
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:,.0f}"


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def shown_path(path: str) -> str:
    """A path relative to the working directory when that is shorter, so reports stay readable."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return relative if len(relative) < len(path) else path


def table(rows: Sequence[Sequence[str]], indent: str = "  ", align: str = "") -> str:
    """Columns padded to their widest cell; `align` has one `l` or `r` per column (default: `l` then `r`s)."""
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(max(map(len, rows), default=0))]
    align = align or "l" + "r" * (len(widths) - 1)
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[i]) if align[i] == "l" else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return "\n".join(lines)
