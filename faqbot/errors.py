"""faqbot's public exceptions, shared by the library, the CLI and the web app (and `Location`, which they name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

__all__ = ["FaqbotError", "KnowledgeError", "Location", "UsageError"]


class FaqbotError(Exception):
    """An error a user can act on; the CLI prints `format_message()` and exits with `exit_code`."""

    exit_code: ClassVar[int] = 1

    def format_message(self) -> str:
        return str(self)


class UsageError(FaqbotError):
    """A command was called wrongly (missing file, bad flag value): exit status 2."""

    exit_code: ClassVar[int] = 2


@dataclass(frozen=True, slots=True)
class Location:
    """Where a knowledge-base object was written, for error messages and `faqbot check`."""

    path: str
    """The file as the user named it (or `<memory>` for a knowledge base built in code)."""
    line: int
    """1-based line number."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class KnowledgeError(FaqbotError, ValueError):
    """A knowledge base that cannot be loaded; the message names file:line and the field."""

    def __init__(self, where: Location, field: str, message: str) -> None:
        self.where = where
        self.field = field
        self.message = message
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")
