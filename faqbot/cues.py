"""English cues that change what a statement means: negation, whose it is, when it was, and how old someone is.

"No numbness", "my dog had a tumour", "I had a fever last month, all better now", "my legs have been weak for
years" share words with red-flag signs but are not signs now. Such cues are English grammar, not domain
knowledge, so they live here and every knowledge base gets them; a knowledge base declares per sign which of
them may cancel it (`RedFlag.cancelled_by`). When a cue is unsure, it does not cancel: a false alarm is better
than a miss.

Every function reads *folded* words (`text.tokens`: lower case, contractions expanded, punctuation gone) before
synonyms are applied, so a knowledge base's synonyms ("fine" → "safe") cannot change their meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = [
    "ages",
    "has_phrase",
    "in_the_past",
    "long_standing",
    "negated",
    "on_behalf",
    "plays_down",
    "sentences",
    "someone_else",
]

_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|[\n\r]+|\b(?:no|nope|nah)\s*,", re.IGNORECASE)
"""Where sentences end. "38.5" stays whole; "No, both legs are numb" splits after the interjection, so its
"no" does not negate what follows."""

NEGATORS = frozenset("no not never without none nothing neither nor nobody zero".split())
_NOT_A_DENIAL = frozenset("sure certain know understand explain why".split())
"""After a negator these make doubt, not denial: "not sure if it is numbness", "do not know why"."""
_ABILITY = frozenset(
    """feel feeling feelings sensation sense control move moving walk walking stand standing lift pee peeing wee
    weeing urinate go going hold stop tell notice empty pass urge wipe sit""".split()
)
"""Negating an ability or a sensation describes a loss, not a denial: "no feeling down there", "no control
over my bladder", "not been able to pee" are signs."""
_FILLER = frozenset("have has had any been able to much really got even quite properly very a the my".split())
_BARRIERS = frozenset("but though although however except yet whereas apart and".split())
"""A negation does not reach past these: "no fever but both legs feel weak"."""
_LOOKBACK = 4

SELF = frozenset("i me myself".split())
PEOPLE = frozenset(
    """mum mom mam mother mommy mummy dad father daddy husband wife partner son daughter child kid kids baby
    brother sister sibling friend mate grandma grandmother gran granny nan nana grandad granddad grandpa grandfather
    aunt auntie aunty uncle cousin neighbour neighbor colleague coworker boss boyfriend girlfriend fiance fiancee
    nephew niece stepdad stepmum stepmom stepson stepdaughter stepfather stepmother patient client someone
    somebody he she they him her his hers their them""".split()
)
ANIMALS = frozenset(
    """dog dogs doggy puppy pup cat cats kitten kitty pet pets horse pony rabbit bunny hamster guinea parrot budgie
    tortoise""".split()
)
_BODY = frozenset(
    """back spine lumbar legs leg feet foot bum bottom buttocks bladder bowel bowels chest groin privates hips
    pain pains hurts hurt hurting sore aching ache aches""".split()
)
_BEHALF_PHRASES = ("on behalf", "asking for my", "asking for a", "for my", "for him", "for her")

_PAST = (
    "years ago", "year ago", "decades ago", "decade ago", "long ago", "long time ago", "as a child", "as a kid",
    "as a teenager", "as a teen", "as a baby", "when i was young", "when i was little", "when i was a",
    "when i was younger", "used to", "in the past", "fine now", "ok now", "okay now", "alright now",
    "better now", "all better", "all good now", "cleared up", "clear now", "went away", "gone now", "has gone",
    "have gone", "is gone", "resolved", "recovered", "no longer", "not anymore", "not any more",
    "settled down", "settled now", "back to normal", "got over",
)
"""Resolved, or long ago: "I had a fever last week, it's gone now", "I fell off a ladder years ago"."""
_LONG_STANDING = (
    "for years", "for many years", "for decades", "all my life", "my whole life", "since birth",
    "since i was born", "since i was a", "since childhood", "for ages", "always been", "always had",
    "long standing", "longstanding", "lifelong", "for a long time", "on and off", "for a few years",
    "for several years", "for some years", "for months", "for many months", "for a few months",
    "for several months",
)
"""Long-standing, so not a new sign: "my legs have been weak for years", "on and off for ages"."""
_FOR_UNITS = re.compile(
    r"\bfor (?:about |around |over |nearly |almost |like )?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|"
    r"twenty|thirty|forty|many|several) (?:years?|yrs?|decades?|months)\b"
)

_NUMBER_WORDS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_DECADES = {
    "teens": 15, "twenties": 25, "thirties": 35, "forties": 45, "fifties": 55, "sixties": 65, "seventies": 75,
    "eighties": 85, "nineties": 95, "20s": 25, "30s": 35, "40s": 45, "50s": 55, "60s": 65, "70s": 75, "80s": 85,
    "90s": 95,
}  # fmt: skip
_AGE_WORDS = {"teenager": 15, "teen": 15, "pensioner": 70, "oap": 70, "toddler": 3, "schoolboy": 12,
              "schoolgirl": 12}  # fmt: skip
_AGE_AFTER = frozenset("years year yrs yr yo y old aged".split())
_NOT_AN_AGE = frozenset(
    """kg kgs kilo kilos lbs lb pounds pound stone stones st weeks week days day hours hour minutes mins months
    month times percent miles mile km k c f degrees mg ml reps sets""".split()
)


_PLAYED_DOWN = (
    "fine now", "i am fine", "i feel fine", "i am ok", "i am okay", "i am alright", "i am all right", "i am right",
    "feel ok", "feel okay", "feel better", "feeling better", "better now", "all good", "it is fine", "its fine",
    "probably nothing", "it is nothing", "nothing serious", "not serious", "nothing to worry", "no big deal",
    "not that bad", "not so bad", "not too bad", "probably just", "just a cold", "only a", "it is just",
    "i will be fine", "will be fine", "be right", "overreacting", "over reacting", "exaggerating",
    "do not worry", "not worried", "not going to", "no need", "do not need", "i doubt", "went away",
    "has gone", "gone now", "passed now", "wait and see", "see how it goes", "tomorrow", "later", "next week",
    "after the weekend", "in a few days", "when i can", "cannot be bothered", "not bothered", "it is ok",
    "it is okay", "it is alright", "nah", "i am good",
)
"""What people say to play a warning down or put it off ("I'm fine now", "probably just a cold", "I'll call
tomorrow"): after a red flag, these get the warning again, kindly."""


def plays_down(words: Sequence[str]) -> bool:
    """Whether a message plays down or puts off a warning just given."""
    return has_phrase(words, _PLAYED_DOWN)


def sentences(text: str) -> list[str]:
    """The sentences of a message (and a leading "no," as its own)."""
    return [part for part in _SENTENCE_END.split(text) if part and part.strip()]


def has_phrase(words: Sequence[str], phrases: Iterable[str], start: int = 0, end: int | None = None) -> bool:
    """Whether one of the phrases occurs as whole words in words[start:end]."""
    window = " " + " ".join(words[start:end]) + " "
    return any(f" {phrase} " in window for phrase in phrases)


def negated(words: Sequence[str], start: int, low: int = 0) -> bool:
    """Whether a negator shortly before words[start] denies what starts there ("no numbness", "never had")."""
    for i in range(start - 1, max(low, start - _LOOKBACK) - 1, -1):
        word = words[i]
        if word in _BARRIERS:
            return False
        if word in NEGATORS:
            return not _negates_ability(words, i, start)
    return False


def _negates_ability(words: Sequence[str], negator: int, start: int) -> bool:
    """"no feeling", "not able to pee", "not sure if": the negation is part of what is described."""
    for word in words[negator + 1 : start + 1]:
        if word in _NOT_A_DENIAL or word in _ABILITY:
            return True
        if word not in _FILLER:
            return False
    return False


def on_behalf(words: Sequence[str]) -> bool:
    """Whether the message asks about someone else's back now ("my husband can't feel his legs")."""
    for i, word in enumerate(words):
        if (word in PEOPLE) and any(w in _BODY for w in words[i + 1 : i + 4]):
            return True
    return has_phrase(words, _BEHALF_PHRASES)


def someone_else(words: Sequence[str], start: int, low: int = 0) -> str | None:
    """Who the words before words[start] say it is about: "animal", "person", or None for the speaker/unknown.

    The nearest subject before the sign wins: in "my dog had a tumour" it is the dog, in "my mum had cancer and
    I" nothing (the speaker comes later).
    """
    for i in range(start - 1, low - 1, -1):
        word = words[i]
        if word in SELF:
            return None
        if word in ANIMALS:
            return "animal"
        if word in PEOPLE:
            return "person"
    return None


def in_the_past(words: Sequence[str], start: int = 0, end: int | None = None) -> bool:
    """Whether these words place something long ago or say it has resolved."""
    return has_phrase(words, _PAST, start, end)


def long_standing(words: Sequence[str], start: int = 0, end: int | None = None) -> bool:
    """Whether these words say something has been so for a long time (so it is not new)."""
    return has_phrase(words, _LONG_STANDING, start, end) or bool(_FOR_UNITS.search(" ".join(words[start:end])))


def ages(words: Sequence[str]) -> list[int]:
    """The ages a message gives: "I'm 55", "55 years old", "my 9yo", "aged 72", "in my sixties", "a teenager"."""
    found = []
    for i, word in enumerate(words):
        if word in _AGE_WORDS:
            found.append(_AGE_WORDS[word])
        elif word in _DECADES and i > 0 and words[i - 1] in ("my", "his", "her", "their", "late", "early", "mid"):
            found.append(_DECADES[word])
        else:
            age = _number(word)
            if age is not None and 0 < age < 120 and _reads_as_age(words, i):
                found.append(age)
    return found


def _number(word: str) -> int | None:
    if word.isdigit() and len(word) <= 3:
        return int(word)
    if word.endswith(("yo", "yrs")) and word[:-2].rstrip("r").isdigit():
        return int(word.rstrip("yorsr"))
    return _NUMBER_WORDS.get(word)


def _reads_as_age(words: Sequence[str], i: int) -> bool:
    """A number is an age when "years old" follows it, or "I am" / "aged" comes before it with no unit after."""
    after = words[i + 1] if i + 1 < len(words) else ""
    if not words[i].isdigit() and words[i] not in _NUMBER_WORDS:
        return True  # "55yo"
    if after in _AGE_AFTER:
        return True
    before = " ".join(words[max(0, i - 3) : i])
    said = before.endswith(("i am", "i am over", "i am nearly", "i am almost", "aged", "age", "he is", "she is"))
    return said and after not in _NOT_AN_AGE
