"""Understanding a reply to a question that offered options.

People answer "Has a doctor advised exercise?" with "yep", "nah", "not yet", "my GP said so", "dunno",
"2" or "the second one", often misspelt. This module turns such a reply into one of the offered options,
or says it could not. Words that mean yes, no and not sure are English grammar, not domain knowledge, so
they live here; anything specific to a question (e.g. "muscular" answering "do you know the source?") is
declared on the option in the knowledge base (`says`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from .knowledge import Option
from .text import tokens

__all__ = ["pick_number", "understand"]

_UNSURE = [
    "not sure",
    "unsure",
    "do not know",
    "no idea",
    "not certain",
    "uncertain",
    "maybe",
    "perhaps",
    "possibly",
    "no clue",
    "not a clue",
    "cannot remember",
    "do not remember",
    "can not remember",
    "not really sure",
    "hard to say",
    "i think so",
    "might have",
    "may have",
    "kind of",
    "sort of",
    "not quite",
    "who knows",
    "cannot say",
    "either",
    "yes and no",
    "unclear",
    "ish",
    "dont know",
    "idk",
    "dunno",
]
_NO = [
    "no",
    "nah",
    "nope",
    "naw",
    "nay",
    "not yet",
    "never",
    "not",
    "negative",
    "none",
    "no way",
    "did not",
    "has not",
    "have not",
    "had not",
    "does not",
    "do not",
    "is not",
    "was not",
    "n",
    "not really",
    "no one",
    "nobody",
    "nothing",
    "wrong",
    "incorrect",
]
_YES = [
    "yes",
    "yeah",
    "yep",
    "yup",
    "ya",
    "yah",
    "yea",
    "yeh",
    "aye",
    "sure",
    "ok",
    "okay",
    "definitely",
    "absolutely",
    "correct",
    "right",
    "indeed",
    "of course",
    "certainly",
    "affirmative",
    "true",
    "y",
    "he did",
    "she did",
    "they did",
    "i did",
    "i have",
    "i do",
    "he has",
    "she has",
    "they have",
    "did",
    "has",
    "said so",
    "told me",
    "told me to",
    "advised",
    "advised me",
    "recommended",
    "recommended it",
    "uh huh",
    "yes please",
    "totally",
    "exactly",
    "it is",
    "i am",
    "know",
    "i know",
]
_LEXICON = {"unsure": _UNSURE, "no": _NO, "yes": _YES}
_PHRASES = {value: sorted((p.split() for p in phrases), key=len, reverse=True) for value, phrases in _LEXICON.items()}
_SINGLE_WORDS = sorted({w for words in _LEXICON.values() for w in words if " " not in w and len(w) >= 3})
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "last": -1,
}
_NUMBER = re.compile(r"(?:option|number|no\.?|#)?\s*(\d{1,2})\s*[.)]?", re.IGNORECASE)
"""Used with `fullmatch` on the stripped reply: no two `\\s*` meet, so a long run of spaces cannot backtrack."""
_ELONGATED = re.compile(r"(\w)\1{2,}")
_ORDINAL_FILLER = {"the", "one", "option", "number", "please", "choice", "answer", "question", "st", "nd", "rd", "th"}
SHORT = 5
"""Replies up to this many words are read as answers to the pending question before anything else."""


def pick_number(text: str, count: int) -> int | None:
    """The 0-based index a reply like "2", "#2", "option 2" or "the second one" picks, if any."""
    match = _NUMBER.fullmatch(text.strip())
    if match:
        index = int(match.group(1)) - 1
        return index if 0 <= index < count else None
    words = tokens(text)
    ordinals = [w for w in words if w in _ORDINALS or re.fullmatch(r"\d+(st|nd|rd|th)", w)]
    if len(ordinals) > 1 and "one" in ordinals:
        ordinals.remove("one")  # "the second one"
    if len(ordinals) != 1 or any(w not in _ORDINAL_FILLER for w in words if w not in ordinals):
        return None
    word = ordinals[0]
    number = _ORDINALS.get(word) or int(re.sub(r"\D", "", word))
    index = count - 1 if number == -1 else number - 1
    return index if 0 <= index < count else None


def understand(text: str, options: Sequence[Option]) -> Option | None:
    """The option a free-text reply chooses, or None when it is not clear."""
    index = pick_number(text, len(options))
    if index is not None:
        return options[index]
    words = [_ELONGATED.sub(r"\1", w) for w in tokens(text)]
    if not words:
        return None
    by_value = {o.value: o for o in options}
    found = _by_label_or_says(words, options)
    signals = _signals(words)
    if "unsure" in signals and "unsure" in by_value:
        return by_value["unsure"]
    if found is not None:
        return found
    if "yes" in signals and "no" in signals:
        first = _signals(words[:1])
        value = next(iter(first)) if len(first) == 1 else "unsure"
        return by_value.get(value) or by_value.get("unsure")
    for value in ("no", "yes"):
        if value in signals and value in by_value:
            return by_value[value]
    return None


def _by_label_or_says(words: list[str], options: Sequence[Option]) -> Option | None:
    for option in options:
        for phrase in (option.label, *option.says):
            if _contains(words, tokens(phrase)):
                return option
    return None


def _signals(words: list[str]) -> set[str]:
    """Which of yes / no / unsure the words express (several when they are mixed).

    Phrases are consumed as they are found, unsure before no before yes and longest first, so that the
    "has" inside "has not" or the "know" inside "do not know" does not also count as a yes.
    """
    rest = list(words)
    starts: dict[str, list[int]] = {}  # where each word occurs: a phrase is only tried where it could start
    for i, word in enumerate(rest):
        starts.setdefault(word, []).append(i)
    found: set[str] = set()
    for value in ("unsure", "no", "yes"):
        for phrase in _PHRASES[value]:
            if _consume(rest, phrase, starts.get(phrase[0], ())):
                found.add(value)
    if not found and len(words) <= 2:
        found = {value for value in map(_fuzzy, words) if value is not None}
    if "unsure" in found:
        return {"unsure"}
    return found


def _consume(words: list[str], phrase: list[str], starts: Sequence[int]) -> bool:
    """Blank out every occurrence of `phrase` in `words`, trying only `starts`; whether there was one."""
    size, hit = len(phrase), False
    for i in starts:
        if words[i : i + size] == phrase:
            words[i : i + size] = [""] * size
            hit = True
    return hit


def _fuzzy(word: str) -> str | None:
    """Which lexicon word a short misspelt reply ("yse", "nopr", "unsre") was meant to be."""
    if len(word) < 3:
        return None
    hit = process.extractOne(word, _SINGLE_WORDS, scorer=DamerauLevenshtein.distance, score_cutoff=1)
    if hit is None:
        return None
    return next(value for value, phrases in _LEXICON.items() if hit[0] in phrases)


def _contains(words: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return size > 0 and any(words[i : i + size] == phrase for i in range(len(words) - size + 1))
