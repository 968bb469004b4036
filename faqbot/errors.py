"""The root of faqbot's exceptions, shared by the library, the CLI and the web app."""

from __future__ import annotations

from typing import ClassVar


class FaqbotError(Exception):
    """An error a user can act on; the CLI prints `format_message()` and exits with `exit_code`."""

    exit_code: ClassVar[int] = 1

    def format_message(self) -> str:
        return str(self)


class UsageError(FaqbotError):
    """A command was called wrongly (missing file, bad flag value): exit status 2."""

    exit_code: ClassVar[int] = 2
