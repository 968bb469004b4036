"""Understanding a reply to a question that offered options: an answer, or honestly not one.

People answer "Has a doctor advised exercise?" with "yep", "nah", "not yet", "dunno", "2" or "the second one",
often misspelt, and as often with something that is not an answer at all: "ok thanks", "hmm", "just tell me
yes or no", "ok, is it safe after painkillers?". This module tells them apart (`hear`). Words that mean yes,
no and not sure are English grammar, not domain knowledge, so they live here; anything specific to a question
(e.g. "muscular" answering "do you know the source?") is declared on the option in the knowledge base (`says`
for answers to the question, `tells` for statements that answer it in any message).

An answer must be an answer: "ok", "cool" or "thanks" never stand for "yes", a question is not an answer,
and in a long message only its opening words are read for a bare yes or no.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import cues
from .knowledge import Option
from .text import CHATTER, STOPWORDS, stem, tokens

__all__ = [
    "ACKNOWLEDGEMENTS",
    "Heard",
    "bare_answer",
    "hear",
    "not_known",
    "number_out_of_range",
    "pick_number",
    "understand",
]

_DO_NOT_KNOW = (
    "do not know | dont know | idk | dunno | no idea | no clue | not a clue | do not really know | do not rightly know"
    " | not rightly know | nuh know | no know | not know"
)
"""Saying plainly that one does not know: unsure to most questions, a no to "do you know…?" (`not_known`)."""
_NOT_QUITE_SURE = (
    " | not 100 sure | not 100 percent sure | not a 100 percent sure | not totally sure | not entirely sure"
    " | not completely sure | not fully sure"
)
"""Not sure, said with how far from sure ("not 100% sure"): the words between "not" and "sure" vary."""
_UNSURE = (
    _DO_NOT_KNOW
    + _NOT_QUITE_SURE
    + """
not sure | unsure | not certain | uncertain | maybe | perhaps | possibly | cannot remember | do not remember
can not remember | not really sure | hard to say | i think so | might have | may have | kind of | sort of | not quite
who knows | cannot say | either | yes and no | unclear | ish | not sure tbh | i guess | i suppose | could be
can not say | do not recall
"""
)
_NO = """
no | nah | nope | naw | nay | not yet | never | not | negative | none | no way | did not | has not | have not
had not | does not | do not | is not | was not | n | not really | no one | nobody | nothing | wrong | incorrect
"""
_YES = """
yes | yeah | yep | yup | ya | yah | yea | yeh | yh | yuh | aye | si | oui | ja | sure | definitely | absolutely
correct | indeed | of course
certainly | affirmative | true | y | he did | she did | they did | i did | i have | i do | he has | she has
they have | did | has | said so | told me | told me to | advised | advised me | recommended | recommended it
uh huh | yes please | totally | exactly | it is | i am | know | i know | sure did | he has yes | she has yes
"""
_LETTERS = (["n"], ["y"])
"""One-letter answers ("y", "n"): answers only where the reply opens with them."""
_ECHOES = frozenset(
    tuple(p.split())
    for p in cues.phrases(
        "he did | she did | they did | i did | i have | i do | he has | she has | they have | did | has | it is | i am"
    )
)
"""Yes said by echoing the question's verb ("has a doctor advised…?" "she has"): a yes only where the clause
ends there or goes on with the advice ("she did say so"); "I am 80" and "I have had it for years" say other things."""
_ECHO_GOES_ON = frozenset(
    "say said tell told advise advised recommend recommended suggest suggested mention mentioned".split()
)
_LEXICON = {value: cues.phrases(text) for value, text in (("unsure", _UNSURE), ("no", _NO), ("yes", _YES))}
_PHRASES = {value: sorted((p.split() for p in phrases), key=len, reverse=True) for value, phrases in _LEXICON.items()}
_LONGEST_PHRASE = max(len(p) for phrases in _PHRASES.values() for p in phrases)
_ANSWER_WORDS = frozenset(w for phrases in _LEXICON.values() for p in phrases for w in p.split()) | {"lol", "tbh"}
_ECHO_ENDS = _ECHO_GOES_ON | {p for p in _LEXICON["yes"] if " " not in p} | {"so", "too", "actually", "lol", "tbh"}
_SINGLE_WORDS = sorted({w for words in _LEXICON.values() for w in words if " " not in w and len(w) >= 3})

ACKNOWLEDGEMENTS = frozenset(
    """ok okay k kk okey okie alright fine right cool great good nice lovely brilliant perfect awesome thanks thank
    you ty thx cheers ta lol haha hmm hm mm mmm ah oh oops i see gotcha got it understood noted sound grand
    interesting wow bye byee goodbye cya later ciao night aight ight righto rightio""".split()
)
"""Words that acknowledge (or take leave) without answering: "ok thanks" is not "yes", "cheers bye" is not "no"."""
_COURTESIES = re.compile(
    r"\b(?:no (?:worries|worry|problem|problems|probs|prob|bother|biggie|big deal|stress)|not a problem|never ?mind"
    r"|see (?:ya|you|u)(?: later| soon)?|no thanks? (?:needed|necessary)|thanks? a lot|thank u|ok ?then"
    r"|ta ?ra)\b",
    re.IGNORECASE,
)
"""Courtesies made of answer words: "no worries, see ya" says neither no nor yes (read before the answer)."""
_UNDERSTOOD = re.compile(r"\b(?:(?:that|it) )?(?:makes? sense|fair enough|good to know)\b", re.IGNORECASE)
_AGREEING = frozenset("yes yeah yep yup ya yeh yea aye sure true right ok okay".split())
"""Agreeing with what was just said ("aye, that makes sense"): the "yes" next to it answers no question."""
_META = re.compile(r"\byes\s*(?:or|/)\s*no\b|\bno\s*(?:or|/)\s*yes\b", re.IGNORECASE)
""""Just tell me yes or no" names the options; it does not choose one."""
_OPENING = 6
"""In a long message, only this many opening words are read for a bare yes, no or not sure."""
_LONG = 8

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "last": -1,
}  # fmt: skip
_NUMBER = re.compile(r"(?:option|number|no\.?|#)?\s*(\d{1,2})\s*[.)]?", re.IGNORECASE)
"""Used with `fullmatch` on the stripped reply: no two `\\s*` meet, so a long run of spaces cannot backtrack."""
_ELONGATED = re.compile(r"(\w)\1{2,}")
_ORDINAL_FILLER = {
    "the", "one", "option", "number", "please", "choice", "answer", "question", "st", "nd", "rd", "th",
    # asking for it: "tell me more about the first", "I'll go with the second", "ok, the third pls"
    "tell", "me", "more", "about", "go", "with", "pick", "take", "i", "ll", "will", "want", "like", "d", "id",
    "pls", "plz", "ok", "okay", "yes", "yeah", "can", "you", "show", "explain", "read", "see", "lets", "let", "s",
    "sorry", "oops", "um", "erm", "uh", "hmm", "oh", "so", "then", "thanks", "ta", "cheers", "it", "is", "its",
    "and", "gimme", "give", "that",
    # politeness particles of other languages and Englishes: "2 po", "the first one lah", "3 bitte"
    "po", "opo", "lah", "la", "ji", "bitte", "por", "favor", "svp", "kindly",
}  # fmt: skip
SHORT = 5
"""Replies up to this many words are read as answers to the pending question before anything else."""


@dataclass(frozen=True, slots=True)
class Heard:
    """What a reply to a pending question says."""

    option: Option | None = None
    """The option it chooses, if it answers."""
    asks: bool = False
    """Whether it also (or instead) asks something: "yes - so what exercises?", "ok, is it safe after ...?"."""
    acknowledges: bool = False
    """Whether, without answering, it only acknowledges: "ok thanks", "hmm", "lol ok"."""


def pick_number(text: str, count: int) -> int | None:
    """The 0-based index a reply like "2", "#2", "option 2" or "the second one" picks, if any; also when it is
    the last sentence of the reply ("ok maybe not then. 3 please")."""
    picked = _picked(text, count)
    if picked is None:
        sentences = [s for s in _SENTENCE_ENDS.split(text) if s.strip()]
        if len(sentences) > 1:
            picked = _picked(sentences[-1], count)
    return picked


_SENTENCE_ENDS = re.compile(r"[.!?;]+")


def _picked(text: str, count: int) -> int | None:
    match = _NUMBER.fullmatch(text.strip())
    if match:
        index = int(match.group(1)) - 1
        return index if 0 <= index < count else None
    words = tokens(text)
    ordinals = [w for w in words if w in _ORDINALS or re.fullmatch(r"\d{1,2}(st|nd|rd|th)?", w)]
    if len(ordinals) > 1 and "one" in ordinals:
        ordinals.remove("one")  # "the second one"
    if len(ordinals) != 1 or any(w not in _ORDINAL_FILLER for w in words if w not in ordinals):
        return None
    word = ordinals[0]
    number = _ORDINALS.get(word) or int(re.sub(r"\D", "", word))
    index = count - 1 if number == -1 else number - 1
    return index if 0 <= index < count else None


def number_out_of_range(text: str, count: int) -> int | None:
    """The number a reply like "9" or "option 9" gives when no option has it (None otherwise)."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    number = int(match.group(1))
    return None if 1 <= number <= count else number


def _words(text: str) -> list[str]:
    """A reply's folded words with elongations undone ("yesss" is "yes"), as every reading of a reply takes them."""
    return [_ELONGATED.sub(r"\1", w) for w in tokens(text)]


def hear(text: str, options: Sequence[Option]) -> Heard:
    """What a reply to a question offering `options` says: an answer, a new question, both, or neither."""
    index = pick_number(text, len(options))
    if index is not None:
        return Heard(options[index])
    text = _COURTESIES.sub(" thanks ", text)
    understood = bool(_UNDERSTOOD.search(text))
    text = _UNDERSTOOD.sub(" thanks ", text)
    plain = _words(text)
    if plain and all(w in ACKNOWLEDGEMENTS or (understood and w in _AGREEING) for w in plain):
        return Heard(acknowledges=True)
    meta = bool(_META.search(text))
    words, asks = _answer_words(_META.sub(" ", text) if meta else text)
    asks = asks or meta
    if not words:
        return Heard(asks=asks)
    option = _choose(words, options)
    if option is None and all(not w or w in ACKNOWLEDGEMENTS for w in words):
        return Heard(asks=asks, acknowledges=True)
    return Heard(option, asks=asks)


_NOT_KNOWN = cues.phrases(_DO_NOT_KNOW + " | nobody knows | no one knows | have not a clue")
_HEDGING = cues.SOFTENERS + cues.phrases("not sure | unsure | might | could be")


def not_known(text: str) -> bool:
    """Whether a reply says plainly that the writer does not know ("no idea, he never said"), without hedging
    ("not sure, maybe a disc"): to "do you know where your pain comes from?" that is a no, not a maybe."""
    words = _words(text)
    return cues.has_phrase(words, _NOT_KNOWN) and not cues.has_phrase(words, _HEDGING)


_DOUBT = cues.phrases(
    _DO_NOT_KNOW + _NOT_QUITE_SURE + " | not sure | unsure | not certain | cannot remember | do not remember"
    " | can not remember | not really | not exactly"
)
DOUBT_WORDS = 4
"""A reply that doubts says so first ("not sure, the nurse said something about keeping active") or last, on its
own ("he mentioned staying active? not 100% sure")."""
_DOUBT_WORDS = frozenset(w for p in _DOUBT for w in p.split()) | frozenset("i am tbh though tho honestly lol".split())
"""The words a closing doubt is made of: "not 100% sure tbh" is one; "idk where it's from" doubts something else."""


def in_doubt(text: str) -> bool:
    """Whether a reply opens or closes by saying the writer is not sure or does not know, whatever it reports in
    between: a half-remembered remark ("I don't know, maybe, the doctor say something about moving", "I think
    his doctor mentioned staying active? not 100% sure") is no clear yes."""
    words = _words(text)
    if cues.has_phrase(words, _DOUBT, 0, DOUBT_WORDS):
        return True
    last = next((_words(c) for s in reversed(cues.sentences(text)) for c, _ in reversed(cues.chunks(s))), [])
    return cues.has_phrase(last, _DOUBT) and all(w in _DOUBT_WORDS for w in last)  # not "idk where it's from"


def knew_already(text: str) -> bool:
    """Whether a reply opens by saying the writer knew what was just said ("yeah I know lol. what about squats"):
    to a question that does not ask what one knows, that acknowledges, and answers nothing."""
    words, _ = _answer_words(text)
    opening = [w for w in words if w]
    return cues.has_phrase(opening, _KNEW) and all(
        w in _AGREEING or w in ACKNOWLEDGEMENTS or w in _KNEW_WORDS for w in opening
    )


_KNEW = cues.phrases("i know | i knew | i know that | i know right")
_KNEW_WORDS = frozenset("i know knew that right".split())


def bare_answer(text: str) -> bool:
    """Whether a reply is only a yes, a no or a not sure ("y", "nah", "dunno"): an answer to a yes/no question,
    not a choice between questions."""
    words = _words(text)
    return 0 < len(words) <= 3 and bool(_signals(words)) and all(not w or w in _ANSWER_WORDS for w in words)


def understand(text: str, options: Sequence[Option]) -> Option | None:
    """The option a short free-text reply chooses, or None when it is not clear (`hear` for whole messages)."""
    index = pick_number(text, len(options))
    if index is not None:
        return options[index]
    words = _words(text)
    return _choose(words, options) if words else None


def _answer_words(text: str) -> tuple[list[str], bool]:
    """The words that may answer (not those of a question), elongations undone; and whether a question is asked.

    "yes he did - so what exercises should I start with?" answers with "yes he did"; in a question that opens
    with its answer ("no, can I still swim?") the words before the question's first word count.
    """
    words: list[str] = []
    asks = False
    for chunk, asking in (c for s in cues.sentences(text) for c in cues.chunks(s)):
        plain = _words(chunk)
        if asking:
            opener = next((i for i, w in enumerate(plain) if w in cues.QUESTION_OPENERS), len(plain))
            asks = asks or opener < len(plain) or len(plain) > SHORT
            if not words:
                words = plain[:opener] if opener < len(plain) else plain if len(plain) <= SHORT else []
        elif plain:
            words += ["", *plain] if words else plain  # "" keeps sentences and chunks apart ("no, sorry, …")
    return words, asks


def _choose(words: list[str], options: Sequence[Option]) -> Option | None:
    """The option these words choose: by its label or `says`, else by a plain yes / no / not sure."""
    by_value = {o.value: o for o in options}
    words = _without_embedded_questions(words)
    found = _by_label_or_says(words, options)
    signals = _signals(words, starting_before=None if len(words) <= _LONG else _OPENING)
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
    """The option whose label or `says` phrasing the words contain, unless someone else said it ("my mum said to
    keep moving" is not a doctor's advice)."""
    stems = [_said(w) for w in words]
    starts = cues.positions(stems)
    for option in options:
        for phrase in (option.label, *option.says):
            wanted = [_said(w) for w in tokens(phrase)]
            negator = tokens(phrase) in _PHRASES["no"]
            if wanted and any(
                stems[i : i + len(wanted)] == wanted
                and not cues.lay_person_before(words, i)
                and not (negator and _negates_a_word(words, i + len(wanted)))
                for i in starts.get(wanted[0], ())
            ):
                return option
    return None


_TISSUE_PREFIXES = ("osteo", "neuro", "spondylo", "myo")
"""Medical prefixes a lay reply puts before a word an option says ("osteoarthritis" says "arthritis")."""


def _said(word: str) -> str:
    """A word as options' phrasings are compared: its stem ("joints" says "joint"), without a medical prefix."""
    for prefix in _TISSUE_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix) + 4:
            word = word[len(prefix) :]
            break
    return stem(word)


def _signals(words: list[str], starting_before: int | None = None) -> set[str]:
    """Which of yes / no / unsure the words express (several when they are mixed); with `starting_before`, only
    phrases that start in the opening words count, read whole ("and the pain, I do not know where" is unsure).

    Phrases are consumed as they are found, unsure before no before yes and longest first, so that the
    "has" inside "has not" or the "know" inside "do not know" does not also count as a yes.
    """
    limit = len(words) if starting_before is None else starting_before
    rest = list(words[: limit + _LONGEST_PHRASE - 1])
    starts = {w: [i for i in at if i < limit] for w, at in cues.positions(rest).items()}
    found: set[str] = set()
    for value in ("unsure", "no", "yes"):
        for phrase in _PHRASES[value]:
            stranded = tuple(phrase) in _ECHOES and not _echoes(rest, phrase, starts.get(phrase[0], ()))
            at = cues.consume(rest, phrase, starts.get(phrase[0], ()))
            if at < 0 or (value == "no" and _negates_a_word(words, at + len(phrase))) or stranded:
                continue
            if at > 0 and phrase in _LETTERS:
                continue  # "deadlifts n stuff": a letter inside a reply is "and" or "why", not an answer
            if value == "yes" and phrase[-1] == "know" and _wants_to_know(rest, at + len(phrase)):
                continue  # "he wants to know if he can still go to the gym" asks
            found.add(value)
    if not found and len(words) <= 2:
        found = {value for value in map(_fuzzy, words) if value is not None}
    if "unsure" in found:
        return {"unsure"}
    return found


def _wants_to_know(words: list[str], end: int) -> bool:
    """Whether the "know" ending at `end` opens a reported question ("wants to know if…", "I'd like to know
    what…"), which answers nothing."""
    following = words[end] if end < len(words) else ""
    return following in _REPORTED or (end >= 2 and words[end - 2] == "to")


_REPORTED = frozenset("if whether what how why where when which about".split())


def _echoes(words: list[str], phrase: list[str], starts: Sequence[int]) -> bool:
    """Whether an echoing yes ("she did", "I have") ends its clause somewhere, or goes on with the advice."""
    size = len(phrase)
    for i in starts:
        if words[i : i + size] == phrase:
            following = words[i + size] if i + size < len(words) else ""
            if not following or following in _ECHO_ENDS:
                return True
    return False


_EMBEDDED = frozenset("what where why how which who when".split())
""""No idea what's causing it" is about what is not known; "not sure if that counts" still hedges."""


def _without_embedded_questions(words: list[str]) -> list[str]:
    """The words without an "I don't know" that heads a question of its own: "no idea what's causing it" says
    what is not known, so neither its "no" nor its "no idea" answers "has a doctor advised exercise?"."""
    rest = list(words)
    starts = cues.positions(words)
    for phrase in _PHRASES["unsure"]:
        end = len(phrase)
        for i in starts.get(phrase[0], ()):
            if rest[i : i + end] == phrase and i + end < len(rest) and rest[i + end] in _EMBEDDED:
                rest[i : i + end] = [""] * end
    return rest


def _negates_a_word(words: list[str], after: int) -> bool:
    """Whether a "no" or "not" negates the word after it ("no golf at all?", "not really interested in the back
    bit") rather than answering: that word is no answer word, function word or everyday chatter."""
    following = words[after] if after < len(words) else ""
    return bool(following) and following not in _ANSWER_WORDS and following not in STOPWORDS | CHATTER


def _fuzzy(word: str) -> str | None:
    """Which lexicon word a short misspelt reply ("yse", "nopr", "unsre") was meant to be."""
    meant = cues.typo_of(word, _SINGLE_WORDS)
    return None if meant is None else next(value for value, phrases in _LEXICON.items() if meant in phrases)
