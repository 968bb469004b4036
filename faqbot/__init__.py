"""faqbot: a conversational FAQ chatbot with fuzzy matching, follow-up questions and red-flag escalation.

The public names are imported on first use, so `import faqbot` stays fast for command-line tools that
only need part of the package.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "Bot",
    "Candidate",
    "FaqbotError",
    "KnowledgeError",
    "Reply",
    "ReplyKind",
    "Session",
    "StateError",
    "__version__",
]
__version__ = "0.1.0"

_HOMES = {
    "Bot": "bot",
    "Session": "bot",
    "Reply": "dialogue",
    "ReplyKind": "dialogue",
    "FaqbotError": "errors",
    "KnowledgeError": "knowledge",
    "Candidate": "matcher",
    "StateError": "state",
}

if TYPE_CHECKING:
    from .bot import Bot as Bot
    from .bot import Session as Session
    from .dialogue import Reply as Reply
    from .dialogue import ReplyKind as ReplyKind
    from .errors import FaqbotError as FaqbotError
    from .knowledge import KnowledgeError as KnowledgeError
    from .matcher import Candidate as Candidate
    from .state import StateError as StateError


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'faqbot' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
