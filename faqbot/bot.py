"""The facade users import: `Bot` (load, match, session) and `Session` (ask).

A `Bot` is immutable after loading: the knowledge base, the matcher's index and the red-flag screen are
built once and shared. All that changes in a conversation lives in the session's state dict, so any
number of sessions, threads or web workers can share one bot.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from . import indexcache, knowledge
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
        normaliser = Normaliser(kb.synonyms)
        matcher = Matcher(kb, normaliser)
        kb, calibration = calibrated(kb, normaliser, matcher)
        self._assemble(kb, normaliser, matcher, calibration, log)

    def _assemble(
        self,
        kb: KnowledgeBase,
        normaliser: Normaliser,
        matcher: Matcher,
        calibration: Calibration | None,
        log: ConversationLog | None,
    ) -> None:
        self.log = log
        """Where turns and feedback are recorded (None: nothing is, the default)."""
        self.normaliser = normaliser
        self.matcher = matcher
        self.calibration = calibration
        """How the threshold was measured, when the knowledge base gives none (see `calibrate`)."""
        self.kb = kb
        self.screen = Screen(kb.red_flags, normaliser, kb.vocabulary)
        self._dialogue = Dialogue(kb, normaliser, matcher, self.screen)

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
    def load(
        cls, path: str | Path | None = None, log: ConversationLog | None = None, *, text: str | None = None
    ) -> Bot:
        """Load and validate a knowledge base (the bundled back-pain one by default); with `log`, every turn
        and piece of feedback is recorded there (see `convlog`). `text` is the file's content when the caller
        has read it already.

        A large knowledge base is indexed once and then read back from the index cache (see `indexcache`).
        Raises `KnowledgeError` naming file:line and the field when the file is broken.
        """
        source = path if path is not None else knowledge.bundled_path()
        if text is None:
            text = knowledge.read_text(source)
        cache_key = indexcache.key(source, text)
        saved = indexcache.read(cache_key)
        if saved is not None:
            try:
                return cls._restore(saved, log)
            except (ValueError, TypeError, KeyError) as exc:
                indexcache.log.warning("ignoring the index cache (%s); it is rebuilt", exc)
        bot = cls(knowledge.load(source, text=text), log)
        if sum(len(e.phrasings) for e in bot.kb.entries) >= indexcache.MIN_PHRASINGS:
            indexcache.write(cache_key, indexcache.Saved(bot.kb, bot.calibration, bot.matcher.state()))
        return bot

    @classmethod
    def _restore(cls, saved: indexcache.Saved, log: ConversationLog | None) -> Bot:
        normaliser = Normaliser(saved.kb.synonyms)
        matcher = Matcher.restore(saved.kb, normaliser, saved.index)
        bot = cls.__new__(cls)
        bot._assemble(saved.kb, normaliser, matcher, saved.calibration, log)
        return bot

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
