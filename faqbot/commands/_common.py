"""Helpers the subcommands share: loading a knowledge base named on the command line, writing output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from ..bot import Bot

KB_HELP = "knowledge-base YAML file (default: the bundled back-pain FAQ)"


def existing_file(name: str) -> Path:
    """The path of a file the user named; a missing one is a usage mistake (exit 2), not a content error."""
    path = Path(name)
    if not path.exists():
        raise UsageError(f"{name}: no such file")
    if path.is_dir():
        raise UsageError(f"{name}: is a directory, expected a file")
    return path


def load_bot(name: str | None) -> Bot:
    """The bot for `--kb NAME` (the bundled knowledge base when None); `KnowledgeError` names file:line."""
    from ..bot import Bot

    return Bot.load(existing_file(name) if name is not None else None)


def tolerant_stdout() -> None:
    """Characters the terminal's encoding lacks print as "?" rather than ending the command with an error."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")


def emit(text: str, output: str | None, force: bool) -> None:
    """Print `text`, or write it atomically to `output`, refusing to replace a file without `force`."""
    if output is None or output == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return
    from ..files import write_atomic

    write_atomic(output, text, overwrite=force)
    print(f"wrote {output}", file=sys.stderr)
