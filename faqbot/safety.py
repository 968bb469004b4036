"""Red-flag screening and referrals: the first things every message meets.

The signs, their tiers and patterns are declared in the knowledge base, never in code (`patterns` describes
the pattern language). A sign is looked for sentence by sentence, and clause by clause within a sentence, so
words from different parts of a long story do not combine into a sign. Where it is found, what surrounds it
may cancel it (`cues`): a negation just before it ("no numbness"), someone or something else as its subject
("my dog had a tumour", unless the message asks about that person's back), the resolved past ("years ago",
"fine now"), a long-standing state ("weak for years"), or one of the sign's own `unless` patterns (idioms such
as "fell off the wagon", matched on the words as typed, without synonyms). Each sign declares which of these
apply; when none clearly does, the sign stands.

Referrals (medical topics the knowledge base does not cover) use the same patterns, without the cues.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from . import cues
from .knowledge import CANCELLERS, RedFlag, RedFlags, Referral
from .patterns import Match, PatternSet
from .text import Normaliser, Sentence

__all__ = ["SCREEN_CHARS", "Referrals", "Screen", "Screening", "match_negated", "points_back", "question_windows"]

SCREEN_CHARS = 20_000
"""Red flags are looked for in this much of a message: far more than is matched, on purpose."""

_SHORT_SENTENCE = 8
"""A sentence this short right after a sign may say it has gone ("All better now.")."""
_FRAGMENT = 3
"""A sentence this short is also read with its neighbours: people in pain type in fragments ("legs weak. both.",
"can't hold it in. pee I mean."), and a sign's words then fall into different sentences. A fragment that says
something is fine ("Sleeping's fine.") is no part of a sign."""
_CLAUSE_BREAKS = frozenset("but though although however except whereas yet".split())


class Screen:
    """The compiled red-flag signs of one knowledge base."""

    def __init__(
        self, red_flags: RedFlags | None, normaliser: Normaliser, vocabulary: Mapping[str, Sequence[str]] = {}
    ) -> None:
        self._normaliser = normaliser
        self._signs: tuple[RedFlag, ...] = red_flags.signs if red_flags else ()
        self._patterns = PatternSet([s.patterns for s in self._signs], normaliser, vocabulary)
        self._young = PatternSet([s.young for s in self._signs], normaliser, vocabulary)
        self._unless = PatternSet([s.unless for s in self._signs], Normaliser(), vocabulary)

    def screen(self, text: str) -> list[RedFlag]:
        """The red flags this message shows (empty when none), most serious tier first."""
        return self.signs(self._normaliser.sentences(text, SCREEN_CHARS))

    def signs(self, sentences: Sequence[Sentence], known_ages: Sequence[int] = ()) -> list[RedFlag]:
        """The red flags among these sentences (`Normaliser.sentences`), emergency tier first.

        `known_ages` are the ages an earlier message gave: they count when this one gives none."""
        return self.read(sentences, known_ages).signs

    def read(
        self,
        sentences: Sequence[Sentence],
        known_ages: Sequence[int] = (),
        new_pain: bool = False,
        behalf: bool = False,
    ) -> Screening:
        """The red flags among these sentences, and whether they say the pain is new (for a later age).

        An age sign's two halves may come in either order across a conversation: `known_ages` are the ages an
        earlier message gave, `new_pain` whether an earlier message said the pain is new. `behalf`: an earlier
        message asked about someone else's back, so "he has a temperature" is that person's sign."""
        if not self._signs:
            return Screening([], False)
        plain = [w for s in sentences for w in s.plain]
        behalf = behalf or cues.on_behalf(plain)
        found: set[int] = set()
        for n, sentence in enumerate(sentences):
            after = sentences[n + 1 : n + 3]
            found |= self._in_sentence(sentence, behalf, found, after)
        for n, pair in enumerate(pairwise(sentences)):
            if any(len(s.plain) <= _FRAGMENT and not cues.says_fine(s.plain) for s in pair):
                found |= self._in_sentence(pair[0].join(pair[1]), behalf, found, sentences[n + 2 : n + 4])
        said_new = any(self._signs[n].age is not None for n in found)
        ages = ages_in(sentences)
        if new_pain and ages:  # "I'm only 16, if that matters" after "it only started last week"
            found |= {n for n, sign in enumerate(self._signs) if sign.age is not None}
        found |= self._young_enough(sentences, behalf, found, cues.own_ages(plain))
        found = {n for n in found if self._old_enough(self._signs[n], plain, ages or known_ages)}
        order = sorted(found, key=lambda n: (self._signs[n].tier != "emergency", n))
        return Screening([self._signs[n] for n in order], said_new)

    def _young_enough(
        self, sentences: Sequence[Sentence], behalf: bool, known: set[int], own: Sequence[int]
    ) -> set[int]:
        """The age signs whose `young` patterns the message shows, with the writer's own age in their young range.
        Back pain said this way is cancelled by all the usual contexts: a negation ("no back pain at all"), someone
        else, the past, a long-standing state."""
        young = {
            n
            for n, sign in enumerate(self._signs)
            if sign.young and sign.age and any(sign.young_from <= age < sign.age[0] for age in own)
        }
        if behalf or not young - known:
            return set()
        found: set[int] = set()
        for n, sentence in enumerate(sentences):
            after = sentences[n + 1 : n + 3]
            found |= self._in_sentence(sentence, behalf, known, after, self._young, frozenset(CANCELLERS))
        return found & young

    def _in_sentence(
        self,
        sentence: Sentence,
        behalf: bool,
        known: set[int],
        after: Sequence[Sentence],
        patterns: PatternSet | None = None,
        cancelled_by: frozenset[str] | None = None,
    ) -> set[int]:
        """The signs `patterns` (the signs' own by default) match in a sentence where the context does not cancel
        them (read as `cancelled_by` says, else as each sign's own `cancelled_by`)."""
        patterns = patterns or self._patterns
        spans = patterns.spans(sentence.words)
        if not spans:
            return set()
        found: set[int] = set()
        for low, high in _clauses(sentence.words):
            for match in patterns.find(spans, low, high if low or high < len(sentence.words) else None):
                if match.item in known | found:
                    continue
                if not self._cancelled(sentence, match, low, high, behalf, after, cancelled_by):
                    found.add(match.item)
        return found

    def _cancelled(
        self,
        sentence: Sentence,
        match: Match,
        low: int,
        high: int,
        behalf: bool,
        after: Sequence[Sentence] = (),
        cancelled_by: frozenset[str] | None = None,
    ) -> str | None:
        """What in the context of this match says it is not a sign of the person asking, now (None: nothing)."""
        sign = self._signs[match.item]
        plain, start = sentence.plain, sentence.plain_index(match.start)
        by = sign.cancelled_by if cancelled_by is None else cancelled_by
        if "negation" in by and (match_negated(sentence, match, low, after) or _said_fine(sentence, match)):
            return "negation"
        if "someone-else" in by and not self._own_body(sentence, match, start):
            who = cues.someone_else(plain, start)
            if who == "animal" or (who == "person" and not behalf):
                return f"someone-else ({who})"
        clause = (sentence.plain_index(low), sentence.plain_index(high))
        later = [w for s in after[:1] for w in s.plain if len(s.plain) <= _SHORT_SENTENCE]
        if (
            "past" in by
            and (cues.in_the_past(plain) or cues.in_the_past(later))  # "... Gone now, though."
            and not (sign.tier == "emergency" and cues.came_and_went([*plain, *later]))
        ):
            return "past"
        if (
            "long-standing" in by
            and cues.long_standing(plain, *clause)
            and not (sign.tier == "emergency" and cues.began_lately(plain, *clause))
        ):
            return "long-standing"
        if sign.unless and self._unless_here(match.item, plain[clause[0] :], later):
            return "unless"
        return None

    @staticmethod
    def _own_body(sentence: Sentence, match: Match, start: int) -> bool:
        """Whether the match opens by naming the writer's body ("she said it was a spasm, and both my legs…"), or
        one of its own words does ("mate, in the shower the water felt weird on the inside of my thighs")."""
        end = sentence.plain_index(match.end - 1) + 1
        if cues.speaks_of_self(sentence.plain[start : min(end, start + 3)]):
            return True
        at = sentence.plain_index
        return any(cues.names_own_part(sentence.plain, at(low), at(high - 1) + 1) for low, high in match.places)

    def _unless_here(self, item: int, plain: Sequence[str], later: Sequence[str] = ()) -> bool:
        """Whether one of the sign's `unless` contexts is in these words, not itself negated ("without a diet").

        They are the sign's clause and what follows it ("I tripped, but caught myself"), not what comes before:
        "probably just my mattress, but the pain never stops and wakes me every night" is the sign all the same.
        A context only compared with ("numb, like I've sat on my hand too long") is not what happened, and one that
        would make a feeling pass explains nothing when it stays ("it doesn't come back after I get off the bike";
        `later`, a short sentence after it, may say so)."""
        if cues.persists([*plain, *later]):
            return False
        return any(
            m.item == item and not cues.negated(plain, m.start) and not cues.compared(plain, m.start)
            for m in self._unless.search(plain)
        )

    @staticmethod
    def _old_enough(sign: RedFlag, plain: Sequence[str], ages: Sequence[int]) -> bool:
        """A sign with an age range needs an age outside it (`ages`: the message's, else those given earlier), and
        no long-standing pain."""
        if sign.age is None:
            return True
        if "long-standing" in sign.cancelled_by and cues.long_standing(plain):
            return False
        return _outside(sign.age, ages)


@dataclass(frozen=True, slots=True)
class Screening:
    """What the red-flag screen read in one message."""

    signs: list[RedFlag]
    """The red flags, emergency tier first."""
    new_pain: bool
    """Whether the message says the pain is new, whatever the age: half of the age sign."""


class Referrals:
    """The referral topics of one knowledge base: medical questions it does not answer, and who can."""

    def __init__(
        self,
        referrals: Sequence[Referral],
        normaliser: Normaliser,
        vocabulary: Mapping[str, Sequence[str]] = {},
    ) -> None:
        self._referrals = tuple(referrals)
        self._patterns = PatternSet([r.patterns for r in self._referrals], normaliser, vocabulary)
        self._unless = PatternSet([r.unless for r in self._referrals], Normaliser(), vocabulary)
        self._anywhere = {n for n, r in enumerate(self._referrals) if r.when in ("mentioned", "throughout")}
        self._topics = {n for n, r in enumerate(self._referrals) if r.when == "topic"}
        # asked for by name ("… for my knees?", "… safe for a child?"), a topic or a person is what is asked about
        self._by_name = {n for n, r in enumerate(self._referrals) if r.when in ("topic", "them")}

    def find(self, sentences: Sequence[Sentence], answering: bool = False) -> list[Referral]:
        """The referral topics a message asks about, in knowledge-base order.

        Only the sentences that ask count (`question_windows`), so that "I have bad knees. Which exercises are
        safe for my back?" is not about knees, except for a referral that applies wherever it is `mentioned`
        (pregnancy changes every answer). As for red flags, a negation or someone else as the subject cancels a
        mention, unless the message asks about that person. A message `answering` the bot's question ("the GP
        only gave me paracetamol") is an answer, not a question about its topics.
        """
        plain = [w for s in sentences for w in s.plain]
        behalf = cues.on_behalf(plain)
        by_age = [(n, r.age) for n, r in enumerate(self._referrals) if r.age]
        ages = cues.ages(plain) if by_age else []
        found = {n for n, age in by_age if _outside(age, ages)}
        # The writer's own age ("I'm 15 and my back hurts") refers whatever else the message says.
        own_ages = cues.own_ages(plain) if found else []
        own = {n for n, age in by_age if _outside(age, own_ages)}
        windows = [] if answering else question_windows(sentences, persons=True)
        asked = set()  # "asked" topics found in a question: only the question can set them aside
        for sentence, low, high in windows:
            live = self._live(sentence, low, high, behalf)
            asked |= {n for n in live if self._referrals[n].when == "asked"} - found
            found |= live
        if self._topics and not answering:
            for sentence, low, high in question_windows(sentences, topics=True):
                found |= self._live(sentence, low, high, behalf) & self._topics
        if self._anywhere:
            for sentence in sentences:
                found |= self._live(sentence, 0, len(sentence.words), behalf) & self._anywhere
        if found:  # "unless" is read in the whole message: "my knees are bad too, but it's my lower back ..."
            questions = [window for window, _, _ in windows]
            found -= (
                ((self._set_aside(sentences) - asked) | (self._set_aside(questions) & asked))
                - own
                - self._asked_outright(sentences, behalf)
            )
        # Ages given, none of them outside a topic's range: "my daughter (she's 34) ... lifting her toddler".
        found -= {n for n, age in by_age if ages and not _outside(age, ages)}
        return [self._referrals[n] for n in sorted(found)]

    def _set_aside(self, sentences: Sequence[Sentence]) -> set[int]:
        """The topics these sentences set aside with one of their `unless` contexts. For a topic only asked about,
        that is read in the question: "What mattress is best for back pain? I already do stretches." asks about
        the mattress whatever the stretches."""
        return {
            m.item
            for s in sentences
            for m in self._unless.search(s.plain)
            if not cues.negated(s.plain, m.start)
            and not (m.item in self._topics and cues.said_to_be_fine(s.plain, m.end))  # "my back's fine, but…"
        }

    def _asked_outright(self, sentences: Sequence[Sentence], behalf: bool) -> set[int]:
        """The topics or people a question asks for by name ("… for my knees?", "are they safe for a child?"), with
        nothing in that question to set them aside: "my knees are worse than my back, what exercises can I do for
        my knees?" asks about the knees, whatever the back. A part only named in the question ("should glutes come
        before abs, for my back?") may be part of the answer."""
        if not self._by_name:
            return set()
        asked: set[int] = set()
        for sentence in sentences:
            for low, high in sentence.asking:
                fors = [at for at in range(low, high) if _asks_for(sentence.plain, sentence.plain_index(at))]
                start = sentence.plain_index(low)
                question = sentence.plain[start : sentence.plain_index(high - 1) + 1]
                opens = _opens_as_a_question(question)
                matches = self._found(sentence, low, high)
                after_for = {
                    m.item
                    for m in matches
                    if any(at <= s <= at + _FOR_WHAT for at in fors for s, _ in m.places)
                    or (opens and _ends_on(question, sentence.plain_index(m.end - 1) + 1 - start))
                }
                named = self._alive(sentence, matches, behalf) & self._by_name & after_for
                if named:
                    asked |= named - {m.item for m in self._unless.search(question)}
        return asked

    def _found(self, sentence: Sentence, low: int, high: int) -> list[Match]:
        """The referral patterns' matches in words[low:high] of a sentence, cancelled or not."""
        spans = self._patterns.spans(sentence.words)
        if not spans:
            return []
        return self._patterns.find(spans, low, high if low or high < len(sentence.words) else None)

    def _live(self, sentence: Sentence, low: int, high: int, behalf: bool) -> set[int]:
        """The referrals mentioned in words[low:high] of a sentence and not cancelled there."""
        return self._alive(sentence, self._found(sentence, low, high), behalf)

    @staticmethod
    def _alive(sentence: Sentence, matches: Sequence[Match], behalf: bool) -> set[int]:
        """The referrals of these matches that no negation or someone else cancels."""
        live = set()
        for match in matches:
            start = sentence.plain_index(match.start)
            who = cues.someone_else(sentence.plain, start)
            if cues.negated(sentence.plain, start):
                continue
            if who is None or (who == "person" and behalf):
                live.add(match.item)
        return live


_FOR_WHAT = 4
"""What a question asks for follows "for" closely: "for my left knee"."""

_AFTERWORDS = frozenset("specifically especially please pls then too also though tho now as well either".split())
"""Words a question may end on after the thing it asks about: "what helps the elbow, then?"."""
_PREDICATES = frozenset(
    "help helps helped hurt hurts hurting pain sore ache aches aching work works better worse stiff swollen".split()
)
"""What is said of a part, which a match may end on without the part being what is asked about."""
_OPENING = 3
"""A question opens within this many words: "and so what helps the elbow?"."""


def _opens_as_a_question(question: Sequence[str]) -> bool:
    """Whether a question opens as one within its first words ("Bad knee? Planks." names a part in passing)."""
    return any(w in cues.QUESTION_OPENERS for w in question[:_OPENING])


def _ends_on(question: Sequence[str], end: int) -> bool:
    """Whether a match ending at question[end] names what the question ends on, the thing it asks about: "what
    should I do about my knees?", "what helps the elbow, then?". A match that ends on what is said of the part
    asks about something else: "would a pillow between my knees help?" is about the pillow."""
    return question[end - 1] not in _PREDICATES and all(w in _AFTERWORDS for w in question[end:])


def match_negated(
    sentence: Sentence, match: Match, low: int = 0, after: Sequence[Sentence] = (), denials: bool = True
) -> bool:
    """Whether a pattern match is denied: a negation before or inside it, a reported or imagined case, or (with
    `denials`) a denial after it. Red flags and statements ("nothing he told me about exercise") read it the
    same way, except that a statement may end in its own "no" ("haven't asked a doctor, no")."""
    at = sentence.plain_index
    inside = [(at(s), at(e - 1) + 1) for s, e in match.places]
    end = at(match.end - 1) + 1
    following = sentence.plain[end:] if end < len(sentence.plain) else after[0].plain if after else ()
    following = following if denials else ()
    later = [w for s in after for w in s.plain]
    denied_after = cues.denied_later(later, after[0].plain if after else ())
    if denied_after or cues.negated(sentence.plain, at(match.start), at(low), inside, following):
        return True
    # A match across clauses: each of its words is read in its own clause ("my leg goes to sleep when I
    # kneel, but there's no numbness in my bottom" has a denied "bottom").
    return any(
        cues.negated(sentence.plain, start, at(low), [p for p in inside if p[0] < start]) for start, _ in inside[1:]
    )


def _said_fine(sentence: Sentence, match: Match) -> bool:
    """Whether a part the match names is said to be fine: "tight hamstrings and lower back, chest is totally fine"
    names the chest to set it aside. It takes a verb of being: "I can't feel my bottom good" says how it feels."""
    plain, at = sentence.plain, sentence.plain_index
    ends = [at(high - 1) + 1 for _, high in match.places]
    return any(end < len(plain) and plain[end] in _BEING and cues.said_to_be_fine(plain, end) for end in ends)


_BEING = frozenset("is s are was were feels feel felt seems seem looks look".split())
"""Verbs that say what a part is like: "chest is fine", "legs feel ok"."""


def ages_in(sentences: Sequence[Sentence]) -> list[int]:
    """`ages_of` a message, or else an age that opens one of its later sentences ("honestly at my wits end. 52,
    lower back pain for 3 weeks")."""
    found = ages_of([w for s in sentences for w in s.plain])
    return found or [age for s in sentences[1:] if (age := cues.opening_age(s.plain)) is not None]


def ages_of(plain: Sequence[str]) -> list[int]:
    """The ages a message gives for the person whose back it is about: with the writer's own age given, other
    ages are other people's ("I'm 38, three kids under 7"), unless the message asks about someone else's back;
    so is an age naming someone ("my 2 year old") when the writer speaks of their own back."""
    own = cues.own_ages(plain)
    behalf = cues.on_behalf(plain)
    if own and not behalf:
        return own
    found = cues.ages(plain)
    if found and not behalf and cues.own_back(plain):  # "I have a 2 year old to carry and my back is killing me"
        others = cues.others_ages(plain)
        found = [age for age in found if age not in others]
    return found


def question_windows(
    sentences: Sequence[Sentence], topics: bool = False, persons: bool = False
) -> list[tuple[Sentence, int, int]]:
    """The sentences of a message that ask something, as (sentence, start, end) word ranges.

    A question that points back ("can exercise help with them?", "should I stop taking it?") is read with the
    two sentences before it. With `topics`, so is one that names no part of the body ("which exercises are
    good?" after "my neck hurts"): what it is about was said before; with `persons`, one about "he" or "she". A
    message that asks nothing is all question.
    """
    windows: list[tuple[Sentence, int, int]] = []
    for n, sentence in enumerate(sentences):
        if not sentence.asking:
            continue
        low, high = sentence.asking[-1]
        asked = sentence.plain[sentence.plain_index(low) : sentence.plain_index(high - 1) + 1]
        if n and (points_back(sentence.plain, persons) or (topics and not cues.about_the_body(asked))):
            for before in reversed(sentences[max(0, n - 2) : n]):
                sentence = before.join(sentence)
        windows.append((sentence, 0, len(sentence.words)))
    return windows or [(s, 0, len(s.words)) for s in sentences]


def _asks_for(plain: Sequence[str], i: int) -> bool:
    """Whether plain[i] introduces what a question is for or about: "… for my knees?", "what about my knees?"."""
    return plain[i] == "for" or (plain[i] == "about" and i > 0 and plain[i - 1] in ("what", "how"))


def points_back(words: Sequence[str], persons: bool = False) -> bool:
    """ "them", "again", "does that", "an extra one", a final "it" (and with `persons`, "he" or "she"): the topic is
    somewhere before."""
    return (
        any(w in _POINTERS or (persons and w in _PERSONS) for w in words)
        or words[-1:] in (("it",), ("that",), ("this",))
        or cues.has_phrase(words, _POINTER_PHRASES)
    )


_POINTERS = frozenset("them they these those him again beforehand afterwards".split())
_PERSONS = frozenset("he she".split())
"""Who a question is about ("should she take a break from ballet?"): for referrals, the person named before."""
_POINTER_PHRASES = (
    "does that", "is that", "was that", "could that", "might that", "would that", "does it", "will it", "did it",
    "could it", "might it", "off it", "on it", "with it", "taking it",
    "take it", "after it", "using it", "use it", "apply", "both together", "continue it", "continue them",
    "stretch it", "rest it", "leave it", "ice it", "massage it", "strap it", "fix it", "treat it", "heal it",
    "an extra one", "another one", "one more", "which one", "which is better", "which is best", "which works",
    "who is right", "which is right", "who to believe", "who do i believe",
)  # fmt: skip


def _outside(bounds: tuple[int, int], ages: Sequence[int]) -> bool:
    under, over = bounds
    return any(age < under or age > over for age in ages)


def in_one_clause(words: Sequence[str], start: int, end: int) -> bool:
    """Whether words[start:end] stay in one clause: "my midwife said it's normal | but I struggle to walk"."""
    return _CLAUSE_BREAKS.isdisjoint(words[start + 1 : end])


def _clauses(words: Sequence[str]) -> list[tuple[int, int]]:
    """Word ranges of the clauses of a sentence ("no fever | but my legs are numb"), then the whole sentence."""
    cuts = [i for i, w in enumerate(words) if w in _CLAUSE_BREAKS]
    if not cuts:
        return [(0, len(words))]
    bounds = [0, *cuts, len(words)]
    return [*((a, b) for a, b in pairwise(bounds) if b > a), (0, len(words))]
