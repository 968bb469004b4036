"""The dialogue manager: one message in, one `Reply` out, the conversation carried in a typed `State`.

Handlers run in the order of DESIGN.md's rules; the first that returns a reply wins:
red flags → a raised sign played down → referrals → statements that answer follow-up questions → pending
follow-up → pick from offered questions → small talk → "why?" → match (in context for a short follow-on) →
fallback.
The conversation lives entirely in the state (plain JSON between turns), so a saved and resumed conversation
behaves exactly like one that never stopped, and one `Bot` serves any number of them at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

from rapidfuzz import fuzz

from . import choices, cues, frequency, render, smalltalk
from .knowledge import Call, Entry, KnowledgeBase, Option, RedFlag, Referral, Smalltalk, Step, Tier, Variant
from .matcher import Candidate, Matcher
from .patterns import Match, PatternSet
from .safety import (
    SCREEN_CHARS,
    Referrals,
    Screen,
    ages_in,
    in_one_clause,
    match_negated,
    points_back,
    question_windows,
)
from .smalltalk import COURTESY
from .state import MAX_OFFERED, Answered, Choice, FollowUp, State
from .text import CHATTER, STOPWORDS, VAGUE, Normaliser, Sentence, fold, tokens

__all__ = ["Dialogue", "Reply", "ReplyKind"]

NEAR = 0.6
"""A fallback offers the entries that scored at least this share of the threshold first."""
CONTEXT_WORDS = 8
"""Messages up to this many words, right after an answer, may be read in that answer's context."""
FOLLOW_ON_WORDS = 4
"""A message that says it follows on ("what about…", "what if…") may be this many words longer."""
TOLD_WORDS = 3
"""After an answer, a message this long that asks nothing tells something (shorter: "no", "no idea")."""
KEYWORDS = 4
"""A message of up to this many words that does not ask is a few keywords ("back pain exercise")."""
KEYWORD_MARGIN = 0.1
"""For keywords, a runner-up within this share of the threshold of the best is close enough to ask about."""
THANKS_FOR_WORDS = 12
"""A message this short that opens with "thank you for" is thanks, whatever it thanks for."""
_NOT_UNDERSTOOD = cues.phrases("not understand | not get | do not get | not follow | lost me | confused by")
"""Saying one does not understand, which asks what was meant without asking outright."""
_TAGS = frozenset("yes yeah right eh innit no".split())
"""A last word that only asks for what was said to be confirmed ("you're a bot, right?")."""
_OTHER_PART = cues.phrases(
    """
    second part | other part | other question | second question | part two | 2nd part | second half | other half
    rest of my question | second bit | other bit | other thing i asked | my other question | 2nd question
    """
)
"""Asking for the part of a two-part question not answered yet."""
_WHY = cues.phrases("why | how come | what do you mean | what does that mean | explain | how so | why not | really")
_CONFUSED = cues.phrases(
    """what | huh | eh | pardon | sorry | come again | what do you mean | what does that mean | why | why do you ask
    why does it matter | why ask | how come | i do not understand | i do not get it | do not understand | meaning
    what is that | explain | say again | what was the question | confused | i am confused"""
)
_WHY_ASKED = cues.phrases(
    """why do you need to know | why do you want to know | why do you need that | why are you asking
    what has that got to do with | what does that have to do with | why does that matter | why would that matter
    why is that relevant | why is that important | what difference does that make | what difference does it make
    why does it matter | why would it matter | why is it relevant | why is it important | why do i need a doctor
    why do i need to see a doctor | why do i have to see a doctor | why should i see a doctor | why a doctor
    why does a doctor have to | why does the doctor have to | why do i need my doctor"""
)
"""Asking why the pending question is asked, at any length ("why do you need to know that?")."""
_COUNTS = cues.phrases("count | counts | the same as a")
"""With a question, these ask whether what one has counts as an answer: "does a physio count?"."""
_IN_SEQUENCE = cues.phrases("then | afterwards | after that | after | later")
"""Between two pieces of advice, these make a plan of them: "rest for a bit and then get moving again"."""
_MEANING = cues.phrases(
    "what do you mean | what do ye mean | what you mean | what does | what means | meaning of | what is | what are"
    "| whats | define | explain"
)
_YES_NO = frozenset("yes no not sure".split())
CONFUSED_WORDS = 6
"""Up to this many words, "what?" or "why do you ask?" while a question is pending asks what it means."""
ABOUT_ANSWER_WORDS = 8
"""Up to this many words, "what criteria?" right after an answer asks about its words (`Dialogue._again`)."""
PUZZLED_WORDS = 4
"""Saying one does not understand ("sorry, I really don't get what these criteria are") may take this many more."""
_HOW_OFTEN = cues.phrases(
    """how often | how frequently | how many times | how many days | how many sessions | how many reps
    how many sets | how many minutes | how many hours | how many days of | how many rest days"""
)
"""A question for a frequency or an amount: out of scope unless the entry it matches is asked that way too."""
_MEANS = cues.phrases("mean | means | meant | meaning | explain | define | definition")
_IN_PRACTICE = cues.phrases(
    """look like | looks like | in practice | how do i know if | how will i know if | how would i know if
    how can i tell"""
)
"""Asking how a word of the answer shows in practice: "how will I know if it passes the criteria?"."""
_RESTATE = cues.phrases(
    """say that again | say it again | again please | simpler | more simply | simple words | simple terms
    simple english | plain english | plain words | normal words | layman | layman's terms | i do not understand
    i do not get it | did not follow | do not follow | did not understand | did not get that | did not get it
    too complicated | too complex | too technical | lost me | dumb it down | break it down | explain again
    explain that | explain it | explain please | confusing | i am confused | not clear | does not make sense
    over my head | went over my head | like what | such as | for example | for instance | an example | examples"""
)
"""Asking for the last answer again, put more simply or for its examples: "can you say that again simpler?", "I
didn't follow", "like what?"."""
_RESTATE_WORDS = frozenset(w for phrase in _RESTATE for w in phrase.split())
_STRAIGHT = cues.phrases(
    """yes or no | straight answer | simple answer | short answer | does not answer | did not answer
    not answer my question | not answer the question | not what i asked | answer the question | answer my question
    bottom line | in short | tldr | tl dr | short version | quick version | in a nutshell | so basically
    basically yes | basically no | sum it up | sum up | summarise | summarize | summary | a yes | a no | so yes | so no
    means yes | means no"""
)
"""Asking, after an answer, for its verdict alone: "you didn't say. so is it a yes or a no?"."""
_STRAIGHT_WORDS = frozenset(w for phrase in _STRAIGHT for w in phrase.split()) | frozenset(
    "useless rubbish pointless vague waffle helpful unhelpful clear unclear give gimme go ok okay then".split()
)
_PUZZLED = frozenset(
    "mean means meaning understand get explain ye ya u which what whats here there exactly sorry pardon".split()
)
"""Words that only say something is not understood: "which criteria? I don't understand" adds "criteria"."""
POINTING_BACK_WORDS = 8
"""After a warning, a question this short that points back ("is that from the disc?") is about the warning."""
SMALLTALK_WORDS = 12
"""Longer than this, a message with words small talk does not use says something else too."""
TYPO_TALK_WORDS = 4
"""Up to this many words, a message is read for typos of small talk's words ("thank yuo")."""
SMALLTALK_SHARE = 0.6
"""A message with words small talk does not use is still small talk when most of it is ("thank you so much for the
information"), and says nothing the knowledge base knows."""
LEAVE_TAKING_SHARE = 0.5
"""Thanks, goodbyes and intentions need only half of a message that names no topic: the rest is often a word of
another language or a filler the lists lack ("va bene, grazie mille", "whatever. bye.", "ok i'll ask her next time").
"""
_LEAVE_TAKING = frozenset({"thanks", "goodbye", "will_do"})
_STANDS_AFTER_A_WARNING = smalltalk.QUESTIONS | _LEAVE_TAKING
"""Small talk that stays small talk in a question after a warning ("ok will do?", "are you a bot?"); an "ok" or
"right" before a question of its own ("right. what would they even do to me") leaves the question about the
warning."""


def _said_most(found: Sequence[tuple[int, Smalltalk]]) -> Smalltalk:
    """Of several kinds of small talk in one message, the one that says most (`_TALK_ORDER`), else the first."""
    return min(found, key=lambda item: (_TALK_ORDER.get(item[1].intent, 0), item[0]))[1]


_TALK_ORDER = {
    "thanks": -3, "goodbye": -2, "identity": -1, "doctor": -1, "acknowledge": 0.5, "wait": 1, "never_mind": 2
}  # fmt: skip
"""When a message is several kinds of small talk ("ok thanks bye"), thanks and goodbye say most, then who is
answering ("good afternoon, with whom am I corresponding?"); a bare "ok" says less than what follows it ("ok
fine, I'll go" says it will go), "wait" little ("wait, are you a bot?" asks who is answering), and an apology
least ("sorry, bear with me" asks to wait)."""
_LEAD_IN = 4
"""A question may open a few words into its part of a sentence: "after that, can I…", "so then should I…"."""
LEAD_FLOOR = 0.9
"""A question scoring at least this share of the threshold is answered when it leads clearly (`LEAD`)."""
LEAD = 0.35
"""How far (as a share of the threshold) such a question's best entry must be ahead of the runner-up."""
FORM_PENALTY = 6.0
"""Points a candidate loses when its question has the other form (`cues.question_form`) than the message's and one
of the same form is above the threshold: a near tie between "is it safe to…?" and "which … are safe?" is settled
by how the person asked."""
CONDITION_PENALTY = 0.4
"""How far (as a share of the knowledge base's threshold, not a long message's lower one: a story's scores are not
lower) a best entry whose question opens with a condition moves down when the message states none
(`Dialogue._by_condition`)."""
COMMON_SHARE = 0.9
"""Words this share of the entries use say only what the knowledge base is about ("back", "pain", "exercise")."""
_PERSONAL = frozenset("i im ive me my mine we our he his him she her they their".split())
"""Words of a story about someone: "back pain exercises" names a topic, "ugh my back" tells of the pain."""
MAX_TRIES = 1
"""A follow-up question is asked again once; after that the safe "not sure" path is taken (no loops)."""


class ReplyKind(StrEnum):
    ANSWER = "answer"
    FOLLOW_UP = "follow_up"
    CLARIFY = "clarify"
    FALLBACK = "fallback"
    URGENT = "urgent"
    SMALLTALK = "smalltalk"


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot says to one message."""

    kind: ReplyKind
    entry_id: str | None
    """The knowledge-base entry this reply is about, or None."""
    markdown: str
    options: tuple[str, ...]
    """Quick replies, numbered from 1 in the order given: answering with the number picks one."""
    conversation: State
    """The conversation after this reply (typed); `state` is the same as plain JSON."""
    candidates: tuple[Candidate, ...] = field(default=(), compare=False)
    """The matcher's ranking behind this reply (empty when matching was not needed)."""
    signs: tuple[str, ...] = ()
    """The red-flag signs an `urgent` reply responds to."""
    tier: str | None = None
    """For an `urgent` reply: "emergency" (call 999 / A&E now) or "urgent" (a doctor today / NHS 111)."""
    referral: str | None = None
    """For a `fallback` that refers a medical topic the knowledge base does not cover: the referral's id."""
    calls: tuple[Call, ...] = ()
    """Numbers an `urgent` reply tells people to call (for tap-to-call links)."""
    id: str = ""
    """A random id for visitor feedback on this reply, set when the bot keeps a conversation log."""

    @property
    def state(self) -> dict[str, Any]:
        """The conversation after this reply as a new JSON-serialisable dict: pass it to `Bot.session(state)`."""
        return self.conversation.to_json()

    @property
    def text(self) -> str:
        """Plain text for a terminal or a screen reader (lists kept as lists)."""
        return render.to_text(self.markdown)

    @property
    def html(self) -> str:
        """Safe HTML: raw HTML in the knowledge base is escaped, never passed through."""
        return render.to_html(self.markdown)

    def to_dict(self) -> dict[str, Any]:
        """The reply as JSON (what `faqbot ask --json` prints and, with a signed state, the web API returns)."""
        return {
            "kind": str(self.kind),
            "entry_id": self.entry_id,
            "text": self.text,
            "markdown": self.markdown,
            "html": self.html,
            "options": list(self.options),
            "tier": self.tier,
            "signs": list(self.signs),
            "referral": self.referral,
            "calls": [{"number": c.number, "label": c.label} for c in self.calls],
            "state": self.state,
            "id": self.id or None,
        }


_UNSET = object()


@dataclass
class _Turn:
    """One message being handled: the text, its analysis (computed once) and the state to update."""

    text: str
    sentences: list[Sentence]
    plain: list[str]
    """The folded words, as typed (small talk and cues read these)."""
    words: list[str]
    """The same with synonyms applied (matching reads these)."""
    state: State
    before: State
    """The state the message arrived in (to tell what it changed)."""
    candidates: list[Candidate] | None = None
    talk: Smalltalk | object | None = _UNSET
    """The small-talk intent of the message, once it has been looked for."""
    told: dict[str, str] = field(default_factory=dict)
    """Slot values the message states ("my physio said to keep moving"), from the options' `tells`."""
    contradicted: set[str] = field(default_factory=set)
    """Slots the message's statements give two values for: it answers none of them."""

    @property
    def changed(self) -> set[str]:
        """The slots whose earlier answer the message's statements change ("actually my physio did say so")."""
        return {slot for slot, value in self.told.items() if self.before.slots.get(slot, value) != value}

    @property
    def last_question(self) -> tuple[str, ...]:
        """The folded words of the last sentence that asks ("righto. what about the driving range?"), else all."""
        asking = [s for s in self.sentences if s.asking]
        return asking[-1].plain if asking else tuple(self.plain)

    @property
    def asks(self) -> bool:
        """Whether the message asks something (a question mark, or a question's first word)."""
        return any(s.asking for s in self.sentences)

    @property
    def inquires(self) -> bool:
        """Whether the message asks something anywhere, marked or not (`cues.inquires`): "my lower back is cooked 💀
        what exercises do u recommend" asks, though no sentence opens as a question."""
        return self.asks or cues.inquires(self.plain)


_Handler = Callable[["Dialogue", _Turn], "Reply | None"]
_T = TypeVar("_T")


class Dialogue:
    """The rules of conversation over one knowledge base (shared by all sessions; nothing in it changes but what it
    remembers of its own knowledge base, such as each entry's question form)."""

    def __init__(self, kb: KnowledgeBase, normaliser: Normaliser, matcher: Matcher, screen: Screen) -> None:
        if kb.settings.threshold is None:
            raise ValueError("the knowledge base's threshold must be set (Bot measures it when the file gives none)")
        self.kb = kb
        self._base_threshold = kb.settings.threshold
        self._margin = kb.settings.clarify_margin if kb.settings.clarify_margin is not None else 4.0
        self._normaliser = normaliser
        self._matcher = matcher
        self._screen = screen
        self._referrals = Referrals(kb.referrals, normaliser, kb.vocabulary)
        self._signs = {s.id: s for s in kb.red_flags.signs} if kb.red_flags else {}
        talk = smalltalk.catalogue(kb.meta, kb.smalltalk)
        phrases = [(tuple(fold(p).split()), t) for t in talk for p in t.patterns]
        self._smalltalk = sorted(((words, t) for words, t in phrases if words), key=lambda item: -len(item[0]))
        self._smalltalk_by_word: dict[str, list[int]] = {}  # first word → places in the longest-first list
        for n, (words, _) in enumerate(self._smalltalk):
            self._smalltalk_by_word.setdefault(words[0], []).append(n)
        self._help = next((t for t in talk if t.intent == "help"), None)
        self._thanks = next((t for t in talk if t.intent == "thanks"), None)
        self._will_do = next((t for t in talk if t.intent == "will_do"), None)
        self._told = next((t for t in talk if t.intent == "told"), None)
        self._complaint = next((t for t in talk if t.intent == "complaint"), None)
        self._smalltalk_words = {w for phrase, _ in self._smalltalk for w in phrase} | STOPWORDS | COURTESY
        self.small_talk_words = frozenset(self._smalltalk_words)
        self._talk_vocabulary = sorted(w for phrase, _ in self._smalltalk for w in phrase if len(w) >= 3)
        self._statements = [
            (step, option) for entry in kb.entries if entry.follow_up
            for step in entry.follow_up.steps.values() for option in step.options
        ]  # fmt: skip
        self._tells = PatternSet([option.tells for _, option in self._statements], normaliser, kb.vocabulary)
        self._how_often: dict[str, bool] = {}  # whether an entry is asked "how often…", read when first needed
        self._forms: dict[str, str | None] = {}  # an entry's question form, read when first needed (`_form`)
        self._conditions: dict[str, bool] = {}  # whether an entry's question opens with a condition (`_by_condition`)
        self._answer_words = {
            (entry.id, step.id): frozenset(w for o in step.options for p in (o.label, *o.says) for w in tokens(p))
            - STOPWORDS - _YES_NO
            for entry in kb.entries if entry.follow_up for step in entry.follow_up.steps.values()
        }  # fmt: skip

    # -- entry point ---------------------------------------------------------------------------------

    def respond(self, text: str, state: State) -> Reply:
        sentences = _unsigned(self._normaliser.sentences(text, SCREEN_CHARS))
        plain = [w for s in sentences for w in s.plain]
        words = [w for s in sentences for w in s.words]
        state = state.with_ages(ages_in(sentences))  # remembered for a later "it only started last week"
        state = self._whose_back(state, plain)
        turn = _Turn(text, sentences, plain, words, state, state)
        for _name, handler in _HANDLERS:
            reply = handler(self, turn)
            if reply is not None:
                return reply
        raise AssertionError("the fallback handler always replies")

    @staticmethod
    def _whose_back(state: State, plain: Sequence[str]) -> State:
        """The state remembering whether the conversation is about someone else's back: asked for once ("asking
        for my husband"), it stays so until the writer speaks of their own ("my back's bad too")."""
        behalf = cues.on_behalf(plain) or (state.behalf and not cues.own_back(plain))
        return state if behalf == state.behalf else state.replace(behalf=behalf)

    def ranked(self, turn: _Turn) -> list[Candidate]:
        """The matcher's ranking for the message, or for its question (`_question_words`) if that matches better."""
        if turn.candidates is None:
            ranking = self._matcher.rank_words(turn.words, limit=3)
            question = self._question_words(turn)
            if question:
                asked = self._matcher.rank_words(question, limit=3)
                if asked and (not ranking or asked[0].score > ranking[0].score):
                    ranking = asked
            turn.candidates = self._by_condition(turn, self._by_form(turn, ranking))
        return turn.candidates

    def _by_form(self, turn: _Turn, ranking: list[Candidate]) -> list[Candidate]:
        """The ranking with candidates whose question is asked the other way than the message's (whether vs
        which) moved down by `FORM_PENALTY`, when one asked the same way is above the threshold."""
        if len({self._form(c.entry_id) for c in ranking} - {None}) < 2:
            return ranking  # the candidates are all asked one way: the message's form cannot move any of them
        form = cues.question_form(_asked(turn.sentences))
        if form is None or not any(
            self._form(c.entry_id) == form and c.score >= self._threshold(turn) for c in ranking
        ):
            return ranking
        moved = [
            c if self._form(c.entry_id) in (form, None) else replace(c, score=c.score - FORM_PENALTY) for c in ranking
        ]
        return sorted(moved, key=lambda c: -c.score)

    def _by_condition(self, turn: _Turn, ranking: list[Candidate]) -> list[Candidate]:
        """The ranking with a best entry whose question opens with a condition ("If the exercise causes me pain,
        should I stop?") moved down by `CONDITION_PENALTY` when the message states no condition: "I cycle to work
        and my back has been sore since Monday, should I stop?" asks whether to keep exercising with back pain,
        not what to do when the exercise itself hurts."""
        if len(ranking) < 2 or not self._poses_condition(ranking[0].entry_id) or cues.states_condition(turn.plain):
            return ranking
        if ranking[0].entry_id == self._current_entry(turn):
            return ranking  # "she reckons a bit of discomfort is fine", said of that answer, is in its condition
        threshold = self._threshold(turn)
        if not any(c.score >= threshold and not self._poses_condition(c.entry_id) for c in ranking[1:]):
            return ranking
        penalty = CONDITION_PENALTY * self._base_threshold
        moved = [replace(c, score=c.score - penalty) if self._poses_condition(c.entry_id) else c for c in ranking]
        return sorted(moved, key=lambda c: -c.score)

    def _read_once(self, cache: dict[str, _T], entry_id: str, read: Callable[[Entry], _T]) -> _T:
        """What `read` says of an entry, read when first needed and kept: a large knowledge base reads only the
        entries that come up (reading all of them at start-up would cost more than loading it)."""
        if entry_id not in cache:
            cache[entry_id] = read(self.kb.by_id[entry_id])
        return cache[entry_id]

    def _poses_condition(self, entry_id: str) -> bool:
        """Whether an entry's question opens with a condition ("If the exercise causes me pain, …")."""
        return self._read_once(self._conditions, entry_id, lambda e: cues.poses_condition(tokens(e.question)))

    def _asked_how_often(self, entry_id: str) -> bool:
        """Whether a phrasing of the entry asks for a frequency."""
        return self._read_once(
            self._how_often, entry_id, lambda e: any(cues.has_phrase(tokens(p), _HOW_OFTEN) for p in e.phrasings)
        )

    def _form(self, entry_id: str) -> str | None:
        """How an entry's question asks (`cues.question_form`)."""
        return self._read_once(
            self._forms, entry_id, lambda e: cues.question_form(_asked(self._normaliser.sentences(e.question)))
        )

    def _question_words(self, turn: _Turn) -> list[str]:
        """The words of the parts of a message that ask: a story ending in a question, or a short one such as
        "I'll ring the GP tomorrow. In the meantime, what exercises do you recommend?", is matched on its question
        too, since the rest can only dilute it."""
        windows = question_windows(turn.sentences)
        words = [w for sentence, low, high in windows for w in sentence.words[low:high]]
        return words if len(words) < len(turn.words) else []

    # -- handlers, in rule order ---------------------------------------------------------------------

    def _red_flags(self, turn: _Turn) -> Reply | None:
        screening = self._screen.read(turn.sentences, turn.state.ages, turn.state.new_pain, turn.state.behalf)
        if screening.new_pain:
            turn.state = turn.state.replace(new_pain=True)
        signs = screening.signs
        if not signs:
            return None
        if all(s.id in turn.state.flags for s in signs) and not turn.asks and cues.gets_care(turn.plain):
            return None  # "ok, I'll ring the surgery; my oncology nurse did say to flag anything new" takes the advice
        raised = turn.state.flags + tuple(s.id for s in signs if s.id not in turn.state.flags)
        # the warning is now what is under discussion: "should I ring my daughter first?" is not read in the
        # context of the answer before it
        turn.state = turn.state.replace(pending=None, flags=raised, last=None)
        return self._urgent(turn, signs)

    def _played_down(self, turn: _Turn) -> Reply | None:
        """After a red flag, "I'm fine now" or "I'll call tomorrow" gets the warning again, kindly; so does a question
        that dismisses the sign on the way ("probably just knackered, what stretches are ok?"), and being frightened
        by it ("ok. bit scared now tbh"), asking how serious it is ("is that serious?") or what to do ("so what should I
        do?"): safety first, and what to do next, said again."""
        if not turn.state.flags:
            return None
        if (
            (not turn.asks and cues.afraid(turn.plain))
            or (turn.asks and cues.asks_how_serious(turn.plain))
            or cues.asks_what_to_do(turn.plain)  # "so what should I do?"
        ):
            return self._urgent(turn, self._raised(turn.state), restate=True)
        if not (cues.plays_down(turn.plain) or cues.waits(turn.plain)) or self._takes_the_advice(turn):
            return None
        if turn.asks and self._confident(turn) and not cues.dismisses(turn.plain):
            return None  # "I'll ring tomorrow; in the meantime which exercises?" is answered, under the reminder
        return self._urgent(turn, self._raised(turn.state), restate=True)

    def _takes_the_advice(self, turn: _Turn) -> bool:
        """Whether a message goes for care now, however lightly it thinks of the sign ("ringing 111 now, didn't
        think it was anything serious"), or, for a sign a doctor should see today, books the urgent appointment
        for the morning ("I'll ring the surgery first thing"): `_care_accepted` wishes it well."""
        if turn.asks:
            return False
        soon = self._tier(self._raised(turn.state)).name == "urgent" and cues.books_care_soon(turn.plain)
        return soon or cues.goes_now(turn.plain)

    def _care_accepted(self, turn: _Turn) -> Reply | None:
        """After a red flag, "ok, we're off to A&E now, thanks" is wished well, not warned again."""
        if not turn.state.flags:
            return None
        talk = self._smalltalk_intent(turn)
        going = (talk is not None and talk.intent == "will_do") or (not turn.asks and cues.gets_care(turn.plain))
        if not going or cues.waits(turn.plain):  # "I'll call if it gets worse" is no promise to go
            return None
        tier = self._tier(self._raised(turn.state))
        return self._reply(ReplyKind.SMALLTALK, None, tier.accepted.rstrip(), (), turn)

    def _taken_up(self, turn: _Turn) -> Reply | None:
        """ "Thank you, I'll ask my midwife at my next appointment" takes the advice to ask someone: it asks nothing,
        so it is wished well, not referred again for the word "midwife"."""
        if self._will_do is None or turn.asks or turn.state.flags or isinstance(turn.state.pending, FollowUp):
            return None
        if not cues.takes_it_up(turn.plain) or _asks_after_but(turn.plain):
            return None
        self._note_statements(turn)
        if turn.told:
            return None  # "I'll ask, but the physio already said to keep moving" tells the flow something
        return self._reply(ReplyKind.SMALLTALK, None, self._will_do.reply.rstrip(), (), turn)

    def _referral(self, turn: _Turn) -> Reply | None:
        """A medical topic the knowledge base does not cover, when the message asks about it.

        A topic only mentioned around a question the knowledge base answers ("my GP gave me painkillers; which
        exercises do you recommend?") does not take the question over.
        """
        pending = turn.state.pending
        answering = isinstance(pending, FollowUp) and not turn.asks
        if isinstance(pending, FollowUp) and self._asks_what_step_means(turn, pending):
            return None  # "what do you mean by muscular?" asks about the question, not for a diagnosis
        if turn.state.flags and turn.asks and len(turn.plain) <= POINTING_BACK_WORDS and points_back(turn.plain):
            return None  # after a warning, "is that from the disc?" asks about what was just warned of
        found = self._referrals.find(turn.sentences, answering) or self._still_referred(turn)
        if isinstance(pending, FollowUp) and self._asks_about_step(turn, pending):
            # "the pharmacist said to take ibuprofen, is that the same as a doctor?" asks about the question; a topic
            # that changes every answer still refers ("I'm 8 weeks pregnant, does that count?")
            found = [r for r in found if r.when == "throughout"]
        if not found or self._asks_about_last_answer(turn):
            return None  # "what do you mean by 'muscle guarding'?" asks about the answer, not for a diagnosis
        referral: Referral = found[0]
        # "my son's back hurts after football" makes "and should he stop?" about him; "my wife is pregnant" does
        # not make "and can I run?" about her
        mine = not cues.on_behalf(turn.plain)
        kept = [
            r.id for r in found
            if (r.when == "them" or (r.when == "throughout" and mine)) and r.id not in turn.state.referred
        ]  # fmt: skip
        turn.state = turn.state.replace(referred=turn.state.referred + tuple(kept))
        self._note_statements(turn)
        markdown, options = self._keep_pending_question(turn, referral.reply.rstrip(), ())
        return self._reply(ReplyKind.FALLBACK, None, markdown, options, turn, referral=referral.id)

    def _still_referred(self, turn: _Turn) -> list[Referral]:
        """A topic that changes every answer, mentioned earlier ("I'm 30 weeks pregnant"), still applies to a
        later message about the person's back or exercise ("so is swimming ok?"), until one asks in general."""
        if cues.in_general(turn.plain):
            turn.state = turn.state.replace(referred=())  # asked to hear it in general: so the rest goes
            return []
        if not turn.state.referred:
            return []
        asked = [w for part in _asked(turn.sentences) for w in part]
        about_them = turn.asks and cues.of_someone_else(asked) is True  # "and should he stop?", not "can I?"
        topic = self._names_a_topic(turn.words)
        return [
            r for r in self.kb.referrals
            if r.id in turn.state.referred and (about_them if r.when == "them" else topic)
        ]  # fmt: skip

    def _statements_heard(self, turn: _Turn) -> Reply | None:
        """Slots filled by what the message states, in any turn; a changed answer re-answers its question.

        "I saw my GP and she said gentle exercise would help" fills "a doctor advised exercise" before the
        question is asked; "actually my physio did say to keep moving" changes it, and the last answer that
        depended on it is given again for the new situation.
        """
        self._note_statements(turn)
        changed = turn.changed
        last = turn.before.last
        if last is None or isinstance(turn.before.pending, FollowUp) or self._asks_a_topic(turn):
            return None
        entry = self.kb.by_id[last.entry]
        if not changed and last.variant is not None:  # "actually yes, she did" right after the answer
            changed = self._taken_back(turn, entry, last.variant)
        if not changed:
            return None
        if entry.follow_up is None or not changed & _slots(entry):
            return None
        return self._goto(turn, entry, entry.follow_up.start, note=self._understood(turn, changed))

    def _note_statements(self, turn: _Turn) -> None:
        """Fill the slots the message's statements answer (once per turn; negated statements do not count)."""
        if turn.told or not self._statements:
            return
        heard: dict[str, set[str]] = {}
        for sentence in _pronouns_resolved(turn.sentences):
            for slot, values in self._sentence_statements(sentence).items():
                heard.setdefault(slot, set()).update(values)
        # Statements that contradict each other ("the doctor only gave me tablets, nothing about exercise" reads
        # as both) answer nothing: the question is asked rather than a guess recorded.
        turn.contradicted = {slot for slot, values in heard.items() if len(values) > 1}
        found = {slot: values.pop() for slot, values in heard.items() if len(values) == 1}
        if found:
            turn.told = found
            turn.state = turn.state.replace(slots={**turn.state.slots, **found})

    def _sentence_statements(self, sentence: Sentence) -> dict[str, set[str]]:
        """The slot values one sentence states. Of two it states in sequence ("rest for a bit and then get moving
        again"), the advice it ends with stands: a plan that leads to exercise is advice to exercise."""
        asked = _interrogatives(sentence)
        heard: dict[str, dict[str, int]] = {}
        for match in self._tells.search(sentence.words):
            if any(low <= at < high for at, _ in match.places for low, high in asked):
                continue  # "is that the same as a slipped disc?" asks; it states nothing
            if not in_one_clause(sentence.words, match.start, match.end):
                continue  # "my midwife said it's normal, but I can hardly walk" is no advice to walk
            start = sentence.plain_index(match.start)
            said = not cues.lay_person_before(sentence.plain, start)  # not "my mum said", "my dog has"
            if said and (_denies(sentence, match) or not match_negated(sentence, match, denials=False)):
                step, option = self._statements[match.item]
                ends = heard.setdefault(step.slot, {})
                ends[option.value] = max(ends.get(option.value, 0), match.end)
        return {slot: self._last_in_sequence(sentence, ends) for slot, ends in heard.items()}

    @staticmethod
    def _last_in_sequence(sentence: Sentence, ends: dict[str, int]) -> set[str]:
        if len(ends) != 2:
            return set(ends)
        (_, first_end), (last, last_end) = sorted(ends.items(), key=lambda item: item[1])
        between = sentence.words[first_end:last_end]
        return {last} if first_end < last_end and cues.has_phrase(between, _IN_SEQUENCE) else set(ends)

    def _pending_follow_up(self, turn: _Turn) -> Reply | None:
        pending = turn.state.pending
        if not isinstance(pending, FollowUp):
            return None
        entry = self.kb.by_id[pending.entry]
        step = self._step(pending)
        corrected = self._correction(turn, entry, step)
        if corrected is not None:
            return corrected
        heard = choices.hear(turn.text, step.options)
        told = turn.told.get(step.slot)
        chosen = step.option(told) if told is not None else heard.option
        if chosen is not None and chosen.value == "yes" and choices.in_doubt(turn.text):
            # "not sure, the nurse said something about keeping active": a doubtful report is no clear yes
            chosen = next((o for o in step.options if o.value == "unsure"), chosen)
        if chosen is not None and chosen.value == "unsure" and _asks_if_known(step) and choices.not_known(turn.text):
            chosen = next((o for o in step.options if o.value == "no"), chosen)  # "do you know…?" "no idea": a no
        if told is None and not _asks_if_known(step) and choices.knew_already(turn.text):
            chosen = None  # "yeah I know lol. what about squats" to "has a doctor advised…?" acknowledges
        if told is None and step.slot in turn.contradicted:
            chosen = None  # "my friend said to walk, not a doctor": no "yes" is taken from "said to"
        about_step = self._asks_about_step(turn, pending)
        if chosen is not None and heard.asks and not about_step and self._about_another_entry(turn, entry):
            turn.state = turn.state.with_slot(step.slot, chosen.value).replace(pending=None)
            return None  # the answer is kept, and the question it came with is answered next
        if chosen is not None:
            return self._advance(turn, entry, step, chosen)
        names_one = cues.has_phrase(turn.plain, _ONE_ABOUT)  # "the one about setting me back"
        if (heard.asks or names_one) and not about_step and self._confident(turn):
            turn.state = turn.state.replace(pending=None)
            return None  # a new question instead of an answer: the topic changes
        talk = self._smalltalk_intent(turn)
        puzzled = talk is None or talk.intent == "never_mind"  # "sorry?" asks what was meant; "sorry, one sec" waits
        confused = puzzled and (
            (cues.has_phrase(turn.plain, _CONFUSED) and len(turn.plain) <= CONFUSED_WORDS)
            or cues.has_phrase(turn.plain, _WHY_ASKED)
        )
        if about_step or confused:
            return self._explain_step(turn, entry, step)  # "what?", "why do you ask?", "what do you mean by muscular?"
        if heard.asks or heard.acknowledges or talk is not None:
            return None  # small talk or an unanswerable question replies, and the question stays pending
        return self._ask_again(turn, entry, step, pending.tries)

    def _step(self, pending: FollowUp) -> Step:
        flow = self.kb.by_id[pending.entry].follow_up
        assert flow is not None
        return flow.steps[pending.step]

    def _asks_about_step(self, turn: _Turn, pending: FollowUp) -> bool:
        """Whether a question asks about the pending question itself: "does a physio count?", "what do you mean by
        muscular?" (a word of its answers with a word of meaning). It is no new topic, and any answer in it counts."""
        if not turn.asks:
            return False
        return cues.has_phrase(turn.plain, _COUNTS) or self._asks_what_step_means(turn, pending)

    def _asks_what_step_means(self, turn: _Turn, pending: FollowUp) -> bool:
        """Whether a question asks what a word of the pending question's answers means ("what do you mean by
        muscular?"): no diagnosis question, though it names a tissue. "I'm 8 weeks pregnant, does that count?" is
        about the pending question too, but its topic still needs its referral."""
        if not turn.asks:
            return False
        answers = self._answer_words[pending.entry, pending.step]
        return cues.has_phrase(turn.plain, _MEANING) and any(w in answers for w in turn.plain)

    def _correction(self, turn: _Turn, entry: Entry, step: Step) -> Reply | None:
        """An earlier answer of this flow taken back while a later question is pending: the flow starts again
        from what is now known, instead of reading "actually no" as the answer to the pending question."""
        flow = entry.follow_up
        assert flow is not None
        self._note_statements(turn)
        changed = turn.changed & (_slots(entry) - {step.slot})
        changed = changed or self._taken_back(turn, entry, step.id)
        if not changed:
            return None
        turn.state = turn.state.replace(pending=None)
        return self._goto(turn, entry, flow.start, note=self._understood(turn, changed))

    def _taken_back(self, turn: _Turn, entry: Entry, reached: str) -> set[str]:
        """The slot a reply that opens with a correction ("actually no", "sorry, I meant yes") changes: that of
        the step answered just before `reached` (the pending step, or the answer given), when it is the only one.
        """
        flow = entry.follow_up
        if flow is None or not cues.corrects(turn.plain):
            return set()
        before = [s for s in flow.steps.values() if reached in s.next.values() and s.slot in turn.before.slots]
        if len(before) != 1:
            return set()
        option = choices.hear(turn.text, before[0].options).option
        if option is None or option.value == turn.before.slots[before[0].slot]:
            return set()
        turn.told = {**turn.told, before[0].slot: option.value}
        turn.state = turn.state.with_slot(before[0].slot, option.value)
        return {before[0].slot}

    def _about_another_entry(self, turn: _Turn, entry: Entry) -> bool:
        best = self.ranked(turn)
        return self._confident(turn) and best[0].entry_id != entry.id

    def _confident(self, turn: _Turn) -> bool:
        best = self.ranked(turn)
        return bool(best) and best[0].score >= self._threshold(turn)

    def _threshold(self, turn: _Turn) -> float:
        """The out-of-scope threshold for this message: lower for a long story around its question, not for one
        that asks nothing ("helped my brother move flat and my back has ached ever since")."""
        settings = self.kb.settings
        long = len(turn.words) > settings.long_message and turn.inquires
        return self._base_threshold * (settings.long_share if long else 1.0)

    def _ask_again(self, turn: _Turn, entry: Entry, step: Step, tries: int) -> Reply:
        if tries >= MAX_TRIES:
            unsure = next((o for o in step.options if o.value == "unsure"), None)
            if unsure is not None:
                return self._advance(turn, entry, step, unsure, note="I'll take that as *not sure*.")
            turn.state = turn.state.replace(pending=None)
            return self._answer(turn, entry, entry.answer, entry.related)
        labels = ", ".join(f"{i}. {o.label}" for i, o in enumerate(step.options, 1))
        turn.state = turn.state.replace(pending=FollowUp(entry.id, step.id, tries + 1))
        markdown = f"Sorry, I didn't catch that. {step.ask}\n\nPlease answer with one of: {labels}."
        return self._reply(ReplyKind.FOLLOW_UP, entry.id, markdown, _labels(step), turn)

    def _explain_step(self, turn: _Turn, entry: Entry, step: Step) -> Reply:
        """The pending question again, with why the answer depends on it (not counted as a failed try)."""
        why = step.why.strip() or f"The answer to **{entry.question}** depends on it."
        labels = ", ".join(f"{i}. {o.label}" for i, o in enumerate(step.options, 1))
        markdown = f"I'm asking because {_lower_first(why)}\n\n{step.ask} You can answer with: {labels}."
        return self._reply(ReplyKind.FOLLOW_UP, entry.id, markdown, _labels(step), turn)

    def _offered_pick(self, turn: _Turn) -> Reply | None:
        pending = turn.state.pending
        if not isinstance(pending, Choice):
            return None
        offered = [self.kb.by_id[i] for i in pending.entries]
        index = choices.pick_number(turn.text, len(offered))
        wrong = choices.number_out_of_range(turn.text, len(offered))
        if wrong is not None:  # "9" with three options: say how many there are, and keep them on offer
            markdown = (
                f"There is no option {wrong}: choose a number from 1 to {len(offered)}, or ask in your own words."
            )
            return self._reply(ReplyKind.CLARIFY, None, markdown, tuple(e.question for e in offered), turn)
        if index is None and pending.clarify:
            index = self._pick_by_words(turn.text, offered)
            if index is None:
                index = self._pick_by_statements(turn, offered)
            if index is None and choices.bare_answer(turn.text):
                return self._clarify(turn, offered, again=True)  # "yes" / "y" / "no" to "which did you mean?"
        if index is None:
            return None
        turn.state = turn.state.replace(pending=None)
        return self._start(turn, offered[index])

    def _pick_by_statements(self, turn: _Turn, offered: Sequence[Entry]) -> int | None:
        """The one offered question whose follow-up the message answers ("haven't seen a doctor, so no")."""
        self._note_statements(turn)
        if not turn.told:
            return None
        fits = [n for n, entry in enumerate(offered) if turn.told.keys() & _slots(entry)]
        return fits[0] if len(fits) == 1 else None

    def _pick_by_words(self, text: str, offered: Sequence[Entry]) -> int | None:
        """Which offered question the words of a reply point at, when they clearly point at one."""
        folded = fold(text)
        scores = [fuzz.token_set_ratio(folded, fold(e.question)) for e in offered]
        best = max(scores, default=0)
        if best < 80 or scores.count(best) > 1:
            return None
        return scores.index(best)

    def _small_talk(self, turn: _Turn) -> Reply | None:
        talk = self._smalltalk_intent(turn)
        if talk is None or self._own_chitchat(turn):
            return None
        if turn.state.flags and talk.intent not in _STANDS_AFTER_A_WARNING and _asks_of_its_own(turn.sentences):
            return None  # after a warning, "right. what would they even do to me?" is about the warning
        if turn.before.last is not None and cues.has_phrase(turn.plain, _NOT_UNDERSTOOD):
            return None  # "sorry, I don't get what these criteria are" asks about the answer (`_again`)
        if talk.intent == "never_mind":
            turn.state = turn.state.replace(pending=None)
        markdown = talk.reply.rstrip()
        options: tuple[str, ...] = ()
        if talk is self._help or talk.intent == "greeting":
            markdown, options = self._with_suggestions(turn, markdown, all_questions=talk is self._help)
        elif isinstance(turn.state.pending, Choice):
            options = tuple(self.kb.by_id[i].question for i in turn.state.pending.entries)  # still on offer
        if talk.intent == "acknowledge" and isinstance(turn.state.pending, FollowUp):
            markdown = "No problem."
        markdown, options = self._keep_pending_question(turn, markdown, options)
        return self._reply(ReplyKind.SMALLTALK, None, markdown, options, turn)

    def _own_chitchat(self, turn: _Turn) -> bool:
        """Whether the knowledge base answers this small talk itself: an entry such as THANKS or "is anyone
        there?" that matches confidently on a wording made of small-talk words wins over the generic reply."""
        best = self.ranked(turn)
        return self._confident(turn) and self._smalltalk_words.issuperset(fold(best[0].matched).split())

    def _smalltalk_intent(self, turn: _Turn) -> Smalltalk | None:
        """The small-talk intent of a message made only of small-talk phrases (looked for once per turn)."""
        if turn.talk is _UNSET:
            turn.talk = self._find_smalltalk(turn)
        return turn.talk  # type: ignore[return-value]

    def _find_smalltalk(self, turn: _Turn) -> Smalltalk | None:
        if not any(c.isalnum() for c in turn.text):
            return self._help
        asked = [s for s in turn.sentences if s.asking]
        if len(turn.sentences) > 1 and asked:  # "my chiropractor said push on. should I listen to him or you?"
            question = self._talk_spelling(asked[-1].plain)
            talk = self._strict_question(question)
            if talk is not None:
                return talk
        if not turn.asks and len(turn.plain) <= THANKS_FOR_WORDS and cues.thanks_for(turn.plain):
            return self._thanks  # "thank you for the guidance": thanks, whatever it is for
        plain = self._talk_spelling(turn.plain)
        if len(plain) > 2 and plain[-1] in _TAGS:
            plain = plain[:-1]  # "you are computer program, yes?" asks it to be confirmed: the tag adds nothing
        strict = self._smalltalk_words.issuperset(plain)
        if not strict and (len(plain) > SMALLTALK_WORDS or self._confident(turn)):
            return None  # a question the knowledge base answers is no small talk, whatever courtesy comes with it
        words = list(plain)
        found = self._talk_phrases(words)
        if not strict and turn.asks:  # "are you even a real person?" asks who answers; "translate hello?" greets nobody
            found = [(at, talk) for at, talk in found if talk.intent in smalltalk.QUESTIONS]
        if cues.refuses(turn.plain):  # "I will not ring them" is no "I will"
            found = [(at, talk) for at, talk in found if talk.intent != "will_do"]
        courtesy = sum(not w or w in STOPWORDS or w in COURTESY for w in words)
        share = SMALLTALK_SHARE
        if any(talk.intent in _LEAVE_TAKING for _, talk in found) and not self._names_a_topic([w for w in words if w]):
            share = LEAVE_TAKING_SHARE
        if not found or (not strict and courtesy < share * len(words)):
            return None  # "translate hello into spanish" is not a greeting
        questions = [item for item in found if item[1].intent in smalltalk.QUESTIONS]
        if strict and questions:  # "are you a real person or a computer?": its every word is small talk's
            return _said_most(questions)
        talk = _said_most(found)
        if turn.asks and self._names_a_topic(self._normaliser.words(" ".join(w for w in words if w))):
            return None  # "thanks, can I still run?" asks about what small talk leaves over
        return talk

    def _strict_question(self, plain: Sequence[str]) -> Smalltalk | None:
        """The small-talk question ("are you a real person?", "should I listen to him or you?", "what can you do?")
        that is every word of a sentence, whatever the message says around it. A request for help that names a
        topic is no small talk: "would it help my back too?" asks about the back, in small talk's words."""
        if not plain or not self._smalltalk_words.issuperset(plain):
            return None
        asked = smalltalk.QUESTIONS
        if self._names_a_topic(self._normaliser.words(" ".join(plain))):
            asked = asked - {"help"}
        found = [(at, talk) for at, talk in self._talk_phrases(list(plain)) if talk.intent in asked]
        return _said_most(found) if found else None

    def _talk_phrases(self, words: list[str]) -> list[tuple[int, Smalltalk]]:
        """The small-talk phrases in these words, each with where it starts, longest first ("thank you" before
        "you"); words a phrase took are blanked so a shorter one cannot take them again."""
        starts = cues.positions(words)
        found = []
        for phrase, talk in (
            self._smalltalk[n] for n in sorted(n for w in starts for n in self._smalltalk_by_word.get(w, ()))
        ):
            at = cues.consume(words, phrase, starts[phrase[0]])
            if at >= 0:
                found.append((at, talk))
        return found

    def _talk_spelling(self, plain: Sequence[str]) -> Sequence[str]:
        """A short message's words with a typo of a small-talk word put right ("thank yuo", "thnaks mate"): a word no
        English list holds, one edit away from a word small talk uses."""
        if len(plain) > TYPO_TALK_WORDS or self._smalltalk_words.issuperset(plain):
            return plain
        return [self._talk_word(w) for w in plain]

    def _talk_word(self, word: str) -> str:
        if word in self._smalltalk_words:
            return word
        return cues.typo_of(word, self._talk_vocabulary) or word

    def _asks_a_topic(self, turn: _Turn) -> bool:
        """Whether a message asks about something the knowledge base knows: "does that count?" after a statement
        asks only about the statement ("actually my physio did say to walk, does that count?")."""
        asking = [w for s in turn.sentences for low, high in s.asking for w in s.words[low:high]]
        return bool(asking) and self._names_a_topic(asking)

    def _names_a_topic(self, words: Sequence[str]) -> bool:
        """Whether the words name a topic of the knowledge base (a word it uses, other than an everyday one)."""
        return any(self._matcher.knows(w) and w not in CHATTER and w not in VAGUE for w in words)

    def _keep_pending_question(
        self, turn: _Turn, markdown: str, options: tuple[str, ...]
    ) -> tuple[str, tuple[str, ...]]:
        """A reply in the middle of a follow-up says its piece, then repeats the question still open."""
        pending = turn.state.pending
        if isinstance(pending, FollowUp):
            entry, step = self.kb.by_id[pending.entry], self._step(pending)
            return f"{markdown}\n\nTo answer **{entry.question}** I still need to know: {step.ask}", _labels(step)
        return markdown, options

    def _match(self, turn: _Turn) -> Reply | None:
        if self._asks_about_something_else(turn):
            return None
        if self._only_complains(turn):
            return None
        ranked = self.ranked(turn)
        threshold = self._threshold(turn)
        asked = turn.last_question
        if cues.follows_on(asked) and not (cues.supposes(asked) and self._confident(turn)):
            # "what about swimming?" is about the question under discussion; "and if it hurts?", when it is
            # clear alone, asks a question of its own
            ranked = self._in_context(turn) or ranked
        if not ranked or ranked[0].score < threshold:
            context = self._in_context(turn, unmatched=True)
            if context:
                ranked = context
            elif self._leads_clearly(turn, ranked, threshold):
                ranked, threshold = ranked[:1], ranked[0].score
            elif (then := self._what_next(turn)) is not None:
                return self._start(turn, then)
            else:
                return None
        current = self._current_entry(turn)
        close = self._close(ranked, threshold, keywords=_keywords(turn, discussed=current is not None))
        if len(close) > 1 and current is not None and len(turn.words) <= CONTEXT_WORDS:
            # a short follow-on torn between questions is about the one under discussion ("so swimming's a no?")
            close = [c for c in close if c.entry_id == current] or close
        if len(close) > 1:
            return self._clarify(turn, [self.kb.by_id[c.entry_id] for c in close])
        turn.state = turn.state.replace(pending=None)
        return self._start(turn, self.kb.by_id[close[0].entry_id])

    def _only_complains(self, turn: _Turn) -> bool:
        """Whether a message only tells of the pain ("ugh my back", "wrenched my back at the gym"): it asks nothing,
        and every word of it the knowledge base knows is one nearly all its entries use."""
        if turn.inquires or cues.afraid(turn.plain) or turn.before.pending is not None:
            return False
        if turn.before.last is not None or "if" in turn.plain or not _PERSONAL.intersection(turn.plain):
            return False  # "shoud i work out if it hurts" asks; "back pain exercises" names a topic, tells nothing
        return not any(
            self._matcher.knows(w)
            and w not in cues.TIME_WORDS
            and w not in CHATTER  # "so much", "a bit": how much it hurts, not what is asked
            and w not in VAGUE  # "a bad back", "worse": how it is, not what about
            and not w.isdigit()
            and not self._matcher.in_most_entries(w, COMMON_SHARE)
            for w in turn.words
        )

    def _leads_clearly(self, turn: _Turn, ranked: Sequence[Candidate], threshold: float) -> bool:
        """Whether a question just under the threshold is still plainly about its best entry: "am I making it
        worse by going?" shares few words with any phrasing, but no other entry comes near it. A close runner-up
        means the words are merely on the topic, so that stays a fallback."""
        if not ranked or not turn.inquires or ranked[0].score < LEAD_FLOOR * threshold:
            return False  # "safe excercise for disc bulge pls" asks, in a request's words
        second = ranked[1].score if len(ranked) > 1 else 0.0
        return ranked[0].score - second >= LEAD * threshold

    def _asks_about_something_else(self, turn: _Turn) -> bool:
        """Whether a question asks for the best or which of a thing the knowledge base never names ("which mattress
        is best for back pain?", "what pillow should I get?"): its other words are the topic's, but no answer
        here is about that thing."""
        if not turn.asks or isinstance(turn.before.pending, FollowUp):
            return False
        asked = turn.last_question
        if "how" in asked and cues.has_phrase(asked, _HOW_OFTEN):
            if cues.asked_before(asked, _HOW_OFTEN):
                return False  # "which exercises, and how often?": the knowledge base answers the first part
            best = self.ranked(turn)
            return not best or not self._asked_how_often(best[0].entry_id)  # "how often should I do them?"
        if turn.before.pending is not None:
            return False
        thing = cues.asked_thing(asked)
        if not thing or any(frequency.rarity(word) >= frequency.RAREST for word in thing):
            return False  # a word no English list holds is a typo or dialect ("wah gwaan"), not a named thing
        known, unknown = self._matcher.coverage(self._normaliser.words(" ".join(thing)))
        return not known and unknown > 0  # "which yoga poses…": a synonym of the knowledge base's words is known

    def _close(self, ranked: Sequence[Candidate], threshold: float, keywords: bool = False) -> list[Candidate]:
        """The candidates too close to the best to choose between without asking (the best first).

        A few bare topic words ("exercise and back pain") ask no particular question, so a runner-up further
        behind still makes it worth asking which was meant."""
        margin = max(self._margin, KEYWORD_MARGIN * threshold) if keywords else self._margin
        return [c for c in ranked if c.score >= threshold and ranked[0].score - c.score <= margin]

    def _clarify(self, turn: _Turn, entries: Sequence[Entry], again: bool = False) -> Reply:
        """Ask which of close questions was meant; asked again, say how to choose."""
        turn.state = turn.state.replace(pending=Choice(tuple(e.id for e in entries), clarify=True))
        markdown = (
            "Which one do you mean? Choose one of these, or ask your question in other words."
            if again
            else "Which of these did you mean?"
        )
        return self._reply(ReplyKind.CLARIFY, None, markdown, tuple(e.question for e in entries), turn)

    def _current_entry(self, turn: _Turn) -> str | None:
        """The question under discussion: the one whose follow-up is pending, else the one just answered."""
        pending = turn.before.pending
        if isinstance(pending, FollowUp):
            return pending.entry
        return turn.before.last.entry if turn.before.last else None

    def _in_context(self, turn: _Turn, unmatched: bool = False) -> list[Candidate]:
        """A short follow-on read with the question under discussion: "what about yoga?", "what should I do
        instead?", "wait, what about swimming?" while a follow-up question is pending.

        Only a confident ranking counts, and only for a short message that names a topic, or that says it follows
        on ("what about the weeding?", "what if the dog pulls on the lead?": an activity the knowledge base does
        not name is still asked about in the question under discussion).
        """
        current = self._current_entry(turn)
        follows_on = unmatched and cues.follows_on(turn.last_question)  # only when the message alone matches nothing
        size = len(turn.last_question) if follows_on else len(turn.words)
        if current is None or size > CONTEXT_WORDS + (FOLLOW_ON_WORDS if follows_on else 0):
            return []
        if not follows_on:
            if not self._names_a_topic(turn.words):
                return []  # "yes" or "ok, I'll ring them now" after an answer names no topic to read in context
            known, unknown = self._matcher.coverage(turn.words)
            if unknown > known:
                return []  # "where can I buy a good mattress?" is about something the knowledge base never names
        alone = self.ranked(turn)
        context = self._normaliser.words(self.kb.by_id[current].question)
        ranked = self._matcher.rank_words([*turn.words, *context], limit=3)
        if not ranked or ranked[0].score < self._base_threshold:
            return []
        turn.candidates = self._own_first(ranked, alone, current)
        return turn.candidates

    def _what_next(self, turn: _Turn) -> Entry | None:
        """After an answer, "so what can I do in the meantime?" or "what should I be doing then?" names nothing to
        match: it asks what follows from that answer, which is the first of the questions the answer points on to."""
        last = turn.before.last
        if last is None or not cues.asks_what_to_do(turn.plain):
            return None
        entry, variant, _ = self._last_answer(last)
        related = _related(entry, variant)
        return self.kb.by_id[related[0]] if related else None

    def _own_first(self, ranked: list[Candidate], alone: list[Candidate], current: str) -> list[Candidate]:
        """The context fills in what a short message leaves out; it does not outvote what the message itself
        clearly points to: "which asanas should I avoid then?" after an answer about exercising in pain is
        about what to avoid, though the question under discussion's words lean the other way."""
        if not alone or alone[0].entry_id == current or alone[0].score < NEAR * self._base_threshold:
            return ranked
        if len(alone) > 1 and alone[0].score - alone[1].score <= self._margin:
            return ranked  # "what about swimming?" alone could be about several questions: the context decides
        own = [c for c in ranked if c.entry_id == alone[0].entry_id and c.score >= self._base_threshold]
        return own + [c for c in ranked if c.score < own[0].score] if own else ranked

    def _again(self, turn: _Turn) -> Reply | None:
        """ "why?" or "what do you mean?" right after an answer: that answer again, introduced as such."""
        last = turn.before.last
        if last is None:
            return None
        entry, variant, answer = self._last_answer(last)
        # "why?", or at any length "why does it matter if a doctor said it?"
        why = (cues.has_phrase(turn.plain, _WHY) and len(turn.plain) <= 5) or cues.has_phrase(turn.plain, _WHY_ASKED)
        if _asks_for_the_verdict(turn.plain):  # "yes or no?": the answer's opening verdict, alone
            lead = f"The article gives no one-word answer to **{entry.question}** In short:"
            first = answer.strip().split("\n\n", 1)[0]
            return self._answer(
                turn, entry, first, _related(entry, variant), note=lead, variant=last.variant, repeat=True
            )
        if not (why or _asks_to_restate(turn.plain) or self._asks_about_words(turn, answer)):
            return None
        lead = f"That was my answer to **{entry.question}** Here it is again, as the article puts it:"
        return self._answer(turn, entry, answer, _related(entry, variant), note=lead, variant=last.variant, repeat=True)

    def _last_answer(self, last: Answered) -> tuple[Entry, Variant | None, str]:
        """The entry last answered, the variant of its answer given (if any) and that answer's text."""
        entry = self.kb.by_id[last.entry]
        flow = entry.follow_up
        variant = flow.variants[last.variant] if flow and last.variant else None
        return entry, variant, variant.answer if variant else entry.answer

    def _asks_about_last_answer(self, turn: _Turn) -> bool:
        last = turn.before.last
        return (
            last is not None
            and turn.asks
            and self._asks_meaning_of(_own_words(turn.plain), self._last_answer(last)[2], turn.plain)
        )

    def _asks_about_words(self, turn: _Turn, answer: str) -> bool:
        """Whether a short question asks about words of the answer just given: "what criteria?", "which criteria?
        I don't understand" (every word it adds is the answer's and no question's; "what about swimming?" follows
        on instead)."""
        puzzled = cues.has_phrase(turn.plain, _NOT_UNDERSTOOD)
        if turn.asks:  # "that's not an answer. what criteria?": the questions, not the complaint
            asked = tuple(w for sentence in turn.sentences if sentence.asking for w in sentence.plain)
        elif puzzled:
            asked = tuple(turn.plain)  # "I not understand what is criteria" asks, though it opens as a statement
        else:
            return False
        if len(asked) > ABOUT_ANSWER_WORDS + PUZZLED_WORDS or cues.follows_on(asked):
            return False
        own = _own_words(asked)
        said = set(tokens(answer))
        if cues.has_phrase(asked, _IN_PRACTICE):  # "what does controlled look like in practice?"
            return any(w in said and not self._matcher.in_most_entries(w, COMMON_SHARE) for w in own)
        if not ({"what", "which"} & set(asked) or cues.has_phrase(asked, _WHY)):
            return False
        if self._asks_meaning_of(own, answer, asked):
            return True
        return (
            bool(own)
            and len(asked) <= ABOUT_ANSWER_WORDS + (PUZZLED_WORDS if puzzled else 0)
            and all(w in said and not self._matcher.knows(w) for w in own)  # the answer's words only
        )

    @staticmethod
    def _asks_meaning_of(own: list[str], answer: str, asked: Sequence[str]) -> bool:
        """Whether a question asks what a phrase of the answer means ("what do you mean by 'muscle guarding'?",
        "what mean 'protect the lower back'?"): its own words are a run of the answer's, topic words or not."""
        if len(own) < 2 or not cues.has_phrase(asked, _MEANS):
            return False
        said = [w for w in tokens(answer) if w not in STOPWORDS]
        return any(said[i : i + len(own)] == own for i in range(len(said) - len(own) + 1))

    def _volunteered(self, turn: _Turn) -> Reply | None:
        """A statement that answers a follow-up question nobody asked yet ("the GP said gentle exercise was fine
        when I saw her"), matching no question itself, goes on with the one question whose answer depends on it:
        that is why people say such things. A statement about the answer just given is `_statements_heard`'s."""
        if turn.asks or not turn.told or turn.state.flags:
            return None
        entries = [e for e in self.kb.entries if turn.told.keys() & _slots(e)]
        if len(entries) != 1:
            return None
        flow = entries[0].follow_up
        assert flow is not None
        return self._goto(turn, entries[0], flow.start, intro=True)

    def _fallback(self, turn: _Turn) -> Reply:
        """Out of scope: say so, offering the nearest questions if any came close, else the suggested ones.

        Once a red flag is raised, a message the bot cannot answer ("can it wait till Monday?", "my mum says it's
        growing pains") gets the warning again instead: it is most likely about the warning. A question in the
        knowledge base's words that comes near one of its questions ("is walking alright in the meantime?") is
        answered, under the reminder: repeating the warning would leave it unanswered."""
        near = [c.entry_id for c in self.ranked(turn) if c.score >= NEAR * self._threshold(turn)]
        if turn.state.flags:
            if near and self._asks_the_knowledge_base(turn):
                return self._start(turn, self.kb.by_id[near[0]])
            return self._urgent(turn, self._raised(turn.state))
        told = self._only_tells(turn)
        if told is not None:
            offered = turn.state.pending
            options = tuple(self.kb.by_id[i].question for i in offered.entries) if isinstance(offered, Choice) else ()
            return self._reply(ReplyKind.SMALLTALK, None, told.reply.rstrip(), options, turn)
        markdown, options = self._with_suggestions(turn, self.kb.fallback.rstrip(), all_questions=False, first=near)
        markdown, options = self._keep_pending_question(turn, markdown, options)
        return self._reply(ReplyKind.FALLBACK, None, markdown, options, turn)

    def _only_tells(self, turn: _Turn) -> Smalltalk | None:
        """The small talk for a message after an answer that only tells something ("been like this since sunday",
        "I'm a scaffolder so can't exactly take it easy"): it asks nothing, so there is nothing it is out of scope
        of. One that complains among what it tells ("that's useless, I asked for actual exercises") is a complaint;
        a word or two ("no", "no idea") answers a question nobody asked, and stays a fallback."""
        pending = turn.before.pending
        offered = pending is None or (isinstance(pending, Choice) and not pending.clarify)  # the related questions
        if turn.before.last is None or not offered or turn.inquires or len(turn.plain) < TOLD_WORDS:
            return None
        if self._complaint is not None and cues.has_phrase(turn.plain, self._complaint.patterns):
            return self._complaint
        return self._told

    def _asks_the_knowledge_base(self, turn: _Turn) -> bool:
        """Whether a question that came near one of the knowledge base's is about it, not about getting care:
        most of its words are the knowledge base's own, and it says nothing of doctors, A&E or waiting."""
        if not turn.asks or any(cues.about_care(part) for part in _asked(turn.sentences)):
            return False  # "ok, I'll call them. in the meantime is walking ok?" asks about walking
        known, unknown = self._matcher.coverage(turn.words)
        return known > unknown

    # -- flows and answers ---------------------------------------------------------------------------

    def _start(self, turn: _Turn, entry: Entry, also: tuple[str, ...] | None = None) -> Reply:
        """Answer an entry, first asking its follow-up questions whose slots are still unknown; remember what else
        the message asked (`also`, the other parts of a two-part question unless given)."""
        turn.state = turn.state.replace(also=self._other_parts(turn, entry.id) if also is None else also)
        if entry.follow_up is None:
            return self._answer(turn, entry, entry.answer, entry.related)
        return self._goto(turn, entry, entry.follow_up.start, intro=True)

    def _other_parts(self, turn: _Turn, answered: str) -> tuple[str, ...]:
        """The other questions of a message that asks several, each part matched on its own: "is there an
        alternative to exercise, and which ones should I avoid?" asks two. Only when the part answered is one of
        them: otherwise the parts do not split the message the way the answer read it."""
        parts = [sentence.words[low:high] for sentence in turn.sentences for low, high in sentence.asking]
        if len(parts) < 2:
            return ()
        found = []
        for words in parts:
            ranked = self._matcher.rank_words(words, limit=1)
            if ranked and ranked[0].score >= self._base_threshold:
                found.append(ranked[0].entry_id)
        if answered not in found:
            return ()
        return tuple(e for e in dict.fromkeys(found) if e != answered)

    def _other_part(self, turn: _Turn) -> Reply | None:
        """ "And the second part of my question?" after an answer to one part of a two-part question: the other
        part, answered now."""
        also = turn.state.also
        if not also or not cues.has_phrase(turn.plain, _OTHER_PART):
            return None
        turn.state = turn.state.replace(pending=None)
        return self._start(turn, self.kb.by_id[also[0]], also=also[1:])

    def _advance(self, turn: _Turn, entry: Entry, step: Step, chosen: Option, note: str = "") -> Reply:
        turn.state = turn.state.with_slot(step.slot, chosen.value)
        return self._goto(turn, entry, step.next[chosen.value], note=note, answered=step.slot)

    def _goto(
        self, turn: _Turn, entry: Entry, target: str, intro: bool = False, note: str = "", answered: str = ""
    ) -> Reply:
        """Follow the flow from `target`, skipping steps already answered, and say what was taken as known."""
        flow = entry.follow_up
        assert flow is not None
        slots = turn.state.slots
        seen: set[str] = set()
        known: list[Step] = []
        while target in flow.steps and flow.steps[target].slot in slots and target not in seen:
            seen.add(target)
            step = flow.steps[target]
            if step.slot != answered:
                known.append(step)
            target = step.next.get(slots[step.slot], "")
        note = "\n\n".join(p for p in (note, self._known(turn, known)) if p)
        if target in flow.variants:
            variant = flow.variants[target]
            return self._answer(turn, entry, variant.answer, variant.related or entry.related, note, variant.id)
        if target not in flow.steps or target in seen:
            # a remembered slot value this flow cannot use: answer in general
            return self._answer(turn, entry, entry.answer, entry.related, note)
        step = flow.steps[target]
        turn.state = turn.state.replace(pending=FollowUp(entry.id, step.id))
        lead = f"You asked: **{entry.question}** The answer depends on your situation, so first:" if intro else ""
        markdown = "\n\n".join(p for p in (note, lead, step.ask) if p)
        return self._reply(ReplyKind.FOLLOW_UP, entry.id, markdown, _labels(step), turn)

    def _known(self, turn: _Turn, steps: Sequence[Step]) -> str:
        """What the flow took as already answered, so the person knows why it did not ask."""
        said = []
        for step in steps:
            label = step.option(turn.state.slots[step.slot]).label
            when = "You've told me" if step.slot in turn.told else "Earlier you told me"
            said.append(f"{when}: {step.ask} **{label}**.")
        return " ".join(said)

    def _understood(self, turn: _Turn, slots: set[str]) -> str:
        """How a changed answer was understood: "Thanks, I've noted that ...", naming the question."""
        return "Thanks, I've updated what you told me."

    def _answer(
        self,
        turn: _Turn,
        entry: Entry,
        answer: str,
        related: Sequence[str],
        note: str = "",
        variant: str | None = None,
        repeat: bool = False,
    ) -> Reply:
        offered = tuple(r for r in dict.fromkeys([*turn.state.also, *related]) if r != entry.id)[:MAX_OFFERED]
        pending = Choice(offered) if offered else None
        options = tuple(self.kb.by_id[r].question for r in offered)
        again = turn.before.last == Answered(entry.id, variant) and not repeat and not note
        turn.state = turn.state.replace(pending=pending, last=Answered(entry.id, variant))
        if again:  # the same answer twice in a row reads as a broken bot: say so, and offer where to go next
            first = answer.strip().split("\n\n", 1)[0]
            markdown = f"I answered that just above: **{entry.question}** In short: {first}"
            if options:
                markdown += "\n\nYou could ask next:"
            return self._reply(ReplyKind.ANSWER, entry.id, markdown, options, turn)
        markdown = "\n\n".join(p for p in (note, answer.rstrip()) if p)
        return self._reply(ReplyKind.ANSWER, entry.id, markdown, options, turn)

    def _urgent(self, turn: _Turn, signs: Sequence[RedFlag], restate: bool = False) -> Reply:
        """The red-flag reply: the most serious tier's message, the signs that raised it, and the source."""
        flags = self.kb.red_flags
        assert flags is not None
        tiers = [flags.tier(name) for name in ("emergency", "urgent") if any(s.tier == name for s in signs)]
        tier = tiers[0]
        message = tier.restate if restate and tier.restate else tier.message
        mentioned = "; ".join(s.label for s in signs)
        markdown = f"{message.rstrip()}\n\nYou mentioned: {mentioned}.\n\n*Source: {flags.source.strip()}*"
        calls = tuple(dict.fromkeys(c for t in tiers for c in t.calls))
        ids = tuple(s.id for s in signs)
        return self._reply(ReplyKind.URGENT, None, markdown, (), turn, signs=ids, tier=tier.name, calls=calls)

    def _reminder(self, state: State) -> str:
        """The reminder that starts exercise replies once a red flag was raised in this conversation."""
        if not state.flags or self.kb.red_flags is None:
            return ""
        signs = self._raised(state)
        return self._tier(signs).reminder.replace("{signs}", _join(s.label for s in signs))

    def _raised(self, state: State) -> list[RedFlag]:
        """The red-flag signs raised so far in the conversation."""
        return [self._signs[s] for s in state.flags]

    def _tier(self, signs: Sequence[RedFlag]) -> Tier:
        """The most serious tier among these signs."""
        assert self.kb.red_flags is not None
        return self.kb.red_flags.tier("emergency" if any(s.tier == "emergency" for s in signs) else "urgent")

    def _with_suggestions(
        self, turn: _Turn, markdown: str, all_questions: bool, first: Sequence[str] = ()
    ) -> tuple[str, tuple[str, ...]]:
        if all_questions:
            ids = [e.id for e in self.kb.entries][:MAX_OFFERED]
        else:
            pool = [*first, *(self.kb.suggest or [e.id for e in self.kb.entries])]
            ids = list(dict.fromkeys(pool))[: self.kb.settings.suggestions]
        pending = turn.state.pending
        if isinstance(pending, FollowUp):
            ids = [i for i in ids if i != pending.entry]  # its question is repeated below
        questions = tuple(self.kb.by_id[i].question for i in ids)
        if isinstance(pending, FollowUp):
            # the pending question's answers are the options to choose from; the suggestions are listed in the
            # text, so that the "You could ask me:" before them is not left hanging
            listed = "\n".join(f"- {q}" for q in questions)
            return (f"{markdown}\n\n{listed}" if listed else markdown), questions
        if ids:
            turn.state = turn.state.replace(pending=Choice(tuple(ids)))
        return markdown, questions

    def _reply(
        self,
        kind: ReplyKind,
        entry_id: str | None,
        markdown: str,
        options: tuple[str, ...],
        turn: _Turn,
        **extra: Any,
    ) -> Reply:
        if kind in (ReplyKind.ANSWER, ReplyKind.FOLLOW_UP, ReplyKind.CLARIFY):  # every reply on the way to advice
            reminder = self._reminder(turn.state)
            markdown = f"{reminder}\n\n{markdown}" if reminder else markdown
        return Reply(kind, entry_id, markdown, options, turn.state, tuple(turn.candidates or ()), **extra)


def _unsigned(sentences: list[Sentence]) -> list[Sentence]:
    """A letter without its sign-off and name ("Yours faithfully, Margaret Pryce (Mrs)"): a name is no topic."""
    for n, sentence in enumerate(sentences[1:], 1):
        if cues.signs_off(sentence.plain):
            return sentences[:n]
    return sentences


_OPENS_OWN_QUESTION = cues.QUESTION_WORDS | {"must"}


def _asks_of_its_own(sentences: Sequence[Sentence]) -> bool:
    """Whether a part of the message opens a question of its own ("right. what would they even do to me?"), not
    only an "ok" said as a question ("ok will do?")."""
    return any(part[:1] and part[0] in _OPENS_OWN_QUESTION for part in _asked(sentences) if len(part) >= 3)


def _asks_if_known(step: Step) -> bool:
    """Whether a follow-up question asks if the person knows something ("Do you know where your pain comes
    from?"), so that "I don't know" answers it with a no."""
    return step.ask.casefold().startswith(("do you know", "do you remember", "did they tell you", "were you told"))


def _asks_to_restate(plain: Sequence[str]) -> bool:
    """Whether a message only asks for the last answer again, more simply ("Sorry, I did not follow. Can you
    explain in simple words?"): at most one word of its own besides ("say it simpler for my mum")."""
    return cues.has_phrase(plain, _RESTATE) and len([w for w in _own_words(plain) if w not in _RESTATE_WORDS]) <= 1


def _asks_for_the_verdict(plain: Sequence[str]) -> bool:
    """Whether a message only asks for the last answer's verdict ("that's not what I asked, give me a straight
    answer"): with a word of its own ("can I run, yes or no?") it asks a question of its own."""
    return cues.has_phrase(plain, _STRAIGHT) and all(w in _STRAIGHT_WORDS for w in _own_words(plain))


def _own_words(plain: Sequence[str]) -> list[str]:
    """The words of a question about an answer that are not function words, chatter or puzzlement."""
    return [w for w in plain if w not in STOPWORDS and w not in CHATTER and w not in _PUZZLED]


def _asked(sentences: Sequence[Sentence]) -> list[tuple[str, ...]]:
    """The words, as typed, of the parts of these sentences that ask something (all of them when none does:
    "yo can i lift w lower back pain lol" asks without a question mark)."""
    asked = [s.plain[s.plain_index(low) : s.plain_index(high - 1) + 1] for s in sentences for low, high in s.asking]
    return asked or [s.plain for s in sentences]


def _slots(entry: Entry) -> set[str]:
    """The slots an entry's follow-up questions fill (none without a follow-up)."""
    return {step.slot for step in entry.follow_up.steps.values()} if entry.follow_up else set()


def _interrogatives(sentence: Sentence) -> list[tuple[int, int]]:
    """The word ranges of a sentence that open as a question ("does it mean it's a disc?", "after that can I
    start my yoga?"), not a statement that merely ends in a question mark ("my physio said keep moving?")."""
    found = []
    for low, high in sentence.asking:
        opener = next(
            (i for i in range(low, min(low + _LEAD_IN, high)) if sentence.words[i] in cues.QUESTION_OPENERS), None
        )
        if opener is not None:
            found.append((opener, high))
    return found


def _lower_first(text: str) -> str:
    """ "The article says …" → "the article says …", to follow "I'm asking because"."""
    return text[:1].lower() + text[1:] if text[:2].istitle() or text[1:2].islower() else text


def _related(entry: Entry, variant: Variant | None) -> tuple[str, ...]:
    """The questions an answer points on to: its variant's, else its entry's."""
    return (variant.related if variant else ()) or entry.related


_CLINICIANS = frozenset(
    "doctor doctors physio physios physiotherapist midwife nurse therapist surgeon consultant specialist".split()
)
_CLINICIAN_PREFIXES = ("osteo", "chiro", "ortho")
_SUBJECT_PRONOUNS = frozenset("he she they".split())
_TELLING = frozenset(
    """said says say told tell tells advised advise recommended recommend suggested suggest gave give gives wants
    reckons reckoned thinks thought mentioned prescribed encouraged""".split()
)


def _clinician_in(sentence: Sentence) -> str | None:
    return next((w for w in sentence.words if w in _CLINICIANS or w.startswith(_CLINICIAN_PREFIXES)), None)


def _pronouns_resolved(sentences: Sequence[Sentence]) -> list[Sentence]:
    """The sentences with a "he", "she" or "they" that opens a report ("he told me…") read as the clinician named in
    an earlier one: in "I saw an orthopaedic doctor. He told me to walk daily." the advice is the doctor's, as the
    teller means; "he used to play bowls" after "his GP knows" stays the writer's dad."""
    resolved: list[Sentence] = []
    named: str | None = None
    for sentence in sentences:
        if named is not None and sentence.plain[:1] and sentence.plain[0] in _SUBJECT_PRONOUNS and _tells(sentence):
            sentence = replace(sentence, plain=(named, *sentence.plain[1:]), words=(named, *sentence.words[1:]))
        resolved.append(sentence)
        named = _clinician_in(sentence) or named
    return resolved


def _tells(sentence: Sentence) -> bool:
    """Whether a sentence opens by reporting what someone said or gave ("she said…", "he just gave me tablets")."""
    return bool(_TELLING.intersection(sentence.plain[1:4]))


def _denies(sentence: Sentence, match: Match) -> bool:
    """Whether a statement is itself a denial ("not seen anyone", "no doctor"): a negation before it agrees, as in
    "no, I haven't seen anyone" or "I ain't see no doctor", rather than cancelling it."""
    return any(
        w in cues.NEGATORS
        for low, high in match.places
        for w in sentence.plain[sentence.plain_index(low) : sentence.plain_index(high - 1) + 1]
    )


_ONE_ABOUT = cues.phrases("the one about | the bit about | the question about | the part about | the one on")
"""A question named by its topic: "the one about setting me back" asks it, though not as a question."""


def _asks_after_but(plain: Sequence[str]) -> bool:
    """Whether a message goes on to ask after a "but": "fine, I'll ask at my next appointment, but just in general
    is swimming good for lower back" takes the advice and asks a question of its own."""
    if "but" not in plain:
        return False
    after = [w for w in plain[plain.index("but") + 1 :] if w not in _ASIDES]
    return cues.inquires(after) or (bool(after[:1]) and after[0] in cues.QUESTION_WORDS)


_ASIDES = frozenset("just in general generally anyway also though meanwhile".split())
"""Words a question after a "but" may open with before it asks: "but just in general, is swimming good?"."""


def _keywords(turn: _Turn, discussed: bool) -> bool:
    """Whether a message is a few keywords ("back pain exercise"): short, and asking nothing. While a question is
    under discussion (`discussed`), a bare topic with a question mark is keywords too ("squats?"): it names the
    topic, and the question under discussion says what is asked of it."""
    if len(turn.plain) > KEYWORDS:
        return False
    return not turn.asks or (discussed and not any(w in _ASKING_WORDS for w in turn.plain))


_ASKING_WORDS = cues.QUESTION_OPENERS | frozenset("safe fine good bad alright right worth".split())
"""Words that make a short message a question of its own: "gym ok?", "squats safe?"."""


def _labels(step: Step) -> tuple[str, ...]:
    return tuple(o.label for o in step.options)


def _join(labels: Sequence[str] | Any) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(labels)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


_HANDLERS: list[tuple[str, _Handler]] = [
    ("red_flags", Dialogue._red_flags),
    ("played_down", Dialogue._played_down),
    ("care_accepted", Dialogue._care_accepted),
    ("taken_up", Dialogue._taken_up),
    ("referral", Dialogue._referral),
    ("statements", Dialogue._statements_heard),
    ("other_part", Dialogue._other_part),
    ("pending_follow_up", Dialogue._pending_follow_up),
    ("offered_pick", Dialogue._offered_pick),
    ("small_talk", Dialogue._small_talk),
    ("again", Dialogue._again),
    ("match", Dialogue._match),
    ("volunteered", Dialogue._volunteered),
    ("fallback", Dialogue._fallback),
]
