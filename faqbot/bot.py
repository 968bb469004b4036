"""The facade users import: `Bot` (load, match, session) and `Session` (ask).

A `Bot` is immutable after loading: the knowledge base, the matcher's index and the red-flag screen are
built once and shared. All that changes in a conversation lives in the session's state dict, so any
number of sessions, threads or web workers can share one bot.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from . import knowledge
from .calibrate import Calibration, calibrated
from .convlog import ConversationLog, new_id
from .dialogue import Dialogue, Reply
from .knowledge import KnowledgeBase
from .matcher import Candidate, Matcher
from .safety import Screen
from .state import State
from .text import Normaliser

__all__ = ["Bot", "Session"]


class Bot:
    """A loaded knowledge base, ready to answer."""

    def __init__(self, kb: KnowledgeBase, log: ConversationLog | None = None) -> None:
        self.log = log
        """Where turns and feedback are recorded (None: nothing is, the default)."""
        self.normaliser = Normaliser(kb.synonyms)
        self.matcher = Matcher(kb, self.normaliser)
        self.calibration: Calibration | None
        """How the threshold was measured, when the knowledge base gives none (see `calibrate`)."""
        kb, self.calibration = calibrated(kb, self.normaliser, self.matcher)
        self.kb = kb
        self.screen = Screen(kb.red_flags, self.normaliser, kb.vocabulary)
        self._dialogue = Dialogue(kb, self.normaliser, self.matcher, self.screen)

    @property
    def small_talk_words(self) -> frozenset[str]:
        """Words small talk is made of (greetings, thanks, courtesies and function words), for `faqbot check`."""
        return self._dialogue.small_talk_words

    @property
    def threshold(self) -> float:
        """The out-of-scope threshold in use: the knowledge base's, or the one measured on it."""
        assert self.kb.settings.threshold is not None  # set at load
        return self.kb.settings.threshold

    @classmethod
    def load(cls, path: str | Path | None = None, log: ConversationLog | None = None) -> Bot:
        """Load and validate a knowledge base (the bundled back-pain one by default); with `log`, every turn
        and piece of feedback is recorded there (see `convlog`).

        Raises `KnowledgeError` naming file:line and the field when the file is broken.
        """
        return cls(knowledge.load(path), log)

    def feedback(self, reply_id: str, helpful: bool) -> None:
        """Record a visitor's "was this helpful?" for a reply (by its `Reply.id`) in the log, if one is kept."""
        if self.log is not None:
            self.log.feedback(reply_id, helpful)

    def match(self, text: str, limit: int = 3) -> list[Candidate]:
        """Entries the text is about, best first; [] when it is out of scope."""
        _require_str(text)
        return self.matcher.match(text, self.threshold, limit)

    def session(self, state: dict[str, Any] | None = None) -> Session:
        """A new conversation, or one resumed from a `reply.state` (`StateError` if it is not valid)."""
        return Session(self, State() if state is None else State.from_json(self.kb, state))

    def respond(self, text: str, state: dict[str, Any]) -> Reply:
        """One stateless turn: the reply to `text` in the conversation `state` (validated first)."""
        _require_str(text)
        return self._dialogue.respond(text, State.from_json(self.kb, state))


class Session:
    """One conversation. Not shared between threads; create one per user."""

    def __init__(self, bot: Bot, state: State) -> None:
        self.bot = bot
        self._state = state

    @property
    def state(self) -> dict[str, Any]:
        """The conversation so far as plain JSON (a new dict each time)."""
        return self._state.to_json()

    def ask(self, text: str) -> Reply:
        """The bot's reply to one message. Never raises for any `str`; raises TypeError for anything else."""
        _require_str(text)
        reply = self.bot._dialogue.respond(text, self._state)
        log = self.bot.log
        if log is not None:
            conversation = reply.conversation.conversation or new_id()
            reply = dataclasses.replace(
                reply, id=new_id(), conversation=reply.conversation.replace(conversation=conversation)
            )
            settings = self.bot.kb.settings
            log.turn(conversation, text, reply, self.bot.threshold, settings.clarify_margin or 0.0)
        self._state = reply.conversation
        return reply


def _require_str(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"expected the message as a str, got {type(text).__name__}")
