"""Text normalisation shared by matching, red-flag screening and follow-up answers.

Messages and knowledge-base phrasings go through the same ordered steps, so that "Can't I work-out?" and
"cannot i exercise" meet in the middle. The steps are plain functions in `_STEPS`; synonyms are
per-knowledge-base, so they live in a `Normaliser` built once at load.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from . import cues

__all__ = ["CHATTER", "STOPWORDS", "VAGUE", "Normaliser", "Sentence", "fold", "stem", "tokens"]

MAX_CHARS = 2000
"""Messages are cut to this many characters before matching: no FAQ question is longer."""
MAX_CACHED_WORD = 40
"""Longer words are not cached: no real word is that long, and junk must not fill the caches' memory."""

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_CONTRACTIONS = {
    "can't": "cannot",
    "cant": "cannot",
    "won't": "will not",
    "wont": "will not",
    "shan't": "shall not",
    "i'm": "i am",
    "im": "i am",
    "i've": "i have",
    "ive": "i have",
    "i'll": "i will",
    "i'd": "i would",
    "it's": "it is",
    "that's": "that is",
    "thats": "that is",
    "whats": "what is",
    "theres": "there is",
    "wheres": "where is",
    "youre": "you are",
    "theyre": "they are",
    "what's": "what is",
    "there's": "there is",
    "he's": "he is",
    "she's": "she is",
    "shes": "she is",
    "hes": "he is",
    "who's": "who is",
    "let's": "let us",
    "y'all": "you all",
    "dunno": "do not know",
    "idk": "i do not know",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    # Text-speak and abbreviations: the words as they would be written out.
    "m8": "mate",
    "u": "you",
    "r": "are",
    "ur": "your",
    "abt": "about",
    "bc": "because",
    "ppl": "people",
    "rly": "really",
    "gr8": "great",
    "l8r": "later",
    "b4": "before",
    "2day": "today",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tomoz": "tomorrow",
    "2nite": "tonight",
    "wk": "week",
    "wks": "weeks",
    "mth": "month",
    "mths": "months",
    "wat": "what",
    "wot": "what",
    "hav": "have",
    "smthn": "something",
    "smth": "something",
    "sumthin": "something",
    "cos": "because",
    "coz": "because",
    "cuz": "because",
    # Jamaican patois: the same words, spelled as said ("mi back a hurt mi", "mi cyaan sleep").
    "mi": "my",
    "pon": "on",
    "cyaan": "cannot",
    "hol": "hold",
    "lan": "land",
    "caan": "cannot",
    "wussa": "worse",
    "neva": "never",
    "jus": "just",
    "di": "the",
    "dem": "them",
    "wah": "what",
    "likkle": "little",
    "yuh": "you",
    "seh": "say",
    "dat": "that",
    "dis": "this",
    "wid": "with",
    "nuttin": "nothing",
    "nutten": "nothing",
    "mek": "make",
    "tek": "take",
    "unu": "you",
    # Taglish (Filipino English): the Tagalog words that carry a question about back pain.
    "pwede": "can",
    "puwede": "can",
    "kahit": "even though",
    "masakit": "sore",
    "sakit": "pain",
    "likod": "back",
    "lang": "just",
    "yung": "the",
    "ko": "my",
    # Nigerian and Ghanaian Pidgin: the same words, as written.
    "abeg": "please",
    "wetin": "what",
    "pikin": "child",
    "dey": "is",
    # Scots and northern English: the same words, spelled as said.
    "ah'm": "i am",
    "whit": "what",
    "fer": "for",
    "dae": "do",
    "yin": "one",
    "nae": "no",
    "cannae": "cannot",
    "wan": "one",
    "fitba": "football",
    "canna": "cannot",
    "dinnae": "do not",
    "dinna": "do not",
    "didnae": "did not",
    "doesnae": "does not",
    "isnae": "is not",
    "wasnae": "was not",
    "wouldnae": "would not",
    "couldnae": "could not",
    "shouldnae": "should not",
    "willnae": "will not",
    "havnae": "have not",
    "havenae": "have not",
    "oot": "out",
    "doon": "down",
    "roond": "round",
    "aboot": "about",
    "meself": "myself",
    "masel": "myself",
    "mesel": "myself",
    "maself": "myself",
}
_NOT_FORMS = (
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "havent",
    "hasnt",
    "hadnt",
    "shouldnt",
    "wouldnt",
    "couldnt",
    "mustnt",
    "neednt",
    "aint",
)
_BARE_CONTRACTIONS = frozenset(_CONTRACTIONS) | frozenset(_NOT_FORMS)
"""The words without an apostrophe that expand ("cant", "dont"): every other such word is kept as it is."""
_SUFFIXES = {"'re": " are", "'ve": " have", "'ll": " will", "'d": " would", "'s": ""}
_NON_WORD = re.compile(r"[^\w']+|_+")
_SPLIT_APOSTROPHE = re.compile(r"'+")

STOPWORDS = frozenset(
    """
a an the and or but if so of to in on at by for with from into onto about as than then there here this that
these those it its i me my mine myself we us our you your he him his she her they them their is am are was were
be been being do does did done have has had having will would shall could can cannot may might must not no
just really very quite also too even still please um uh er like well ok okay hi hey hello oh anyway actually
basically literally kind sort bit lot some any all what which who whom whose when where why how get got
""".split()
)
"""Function and filler words: they carry no topic, so matching gives them little or no weight."""

CHATTER = frozenset(
    """
honestly basically literally actually really pretty quite totally seriously genuinely definitely probably
maybe perhaps lol haha pls plz thx tbh btw imo fyi omg hmm hm mmm yeah yep yes nope nah ah oh hiya cheers
yo bro bruh dude fam innit tho ya yall lmao lmfao rofl ngl tbf smh ffs jeez gosh ugh argh ow ouch oof eh erm
thing things stuff someone somebody something anything everything nothing anyone anybody everyone everybody
thought think thinking wondering wonder wondered guess reckon suppose hoping hope hoped curious asking ask
asked question questions quick help wanted want wants wanting need needs needed like liked love loved
week weeks day days month months year years ago today tonight yesterday tomorrow morning evening afternoon
weekend lately recently currently now still already soon later often sometimes always usually again once
while since until during moment minute minutes hour hours time times point stage bit lot lots loads tons
meanwhile meantime anymore
first second third last part parts half
try trying tried start started starting began begin doing done go going goes went gone come coming came
get gets getting got make makes making made take takes taking took keep keeps kept put puts let lets
feel feels feeling felt seem seems seemed look looks looking looked say says said tell told know knew
good great nice fine better best little big small few many much more most less least other others same
different whole every each either neither both such own sure certain able right wrong real true
person people guy guys man men woman women lady mum mom mam mother dad father wife husband son daughter
sister brother friend friends partner boyfriend girlfriend grandma gran grandad grandpa granny colleague
boss kid kids child children family neighbour neighbor auntie aunt uncle cousin mate mates folks
old young age aged older elderly someone's her's his
kindly please thank thanks thankyou appreciate appreciated grateful dear sir madam regards hello hi hey
""".split()
)
"""Everyday words that say little about what a question is about: a knowledge base that does not use them
is not thereby out of its depth, so the matcher barely counts them against a match when they are unknown."""


VAGUE = frozenset(
    """
good better best great nice fine bad worse worst decent proper right wrong okay ideal perfect top
need needs needed want wants wanted help helps helped helpful like likes work works useful thing things stuff
way ways option options idea ideas tip tips advice any anything something
""".split()
)
"""Words that judge or ask without naming a topic ("what's the best …", "any good …"): a knowledge base may
use them in only a few wordings, which makes them look rare, but a match on them alone means little."""


def _nfkc_casefold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _drop_controls(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else " " for c in text)


def _expand_contractions(text: str) -> str:
    words = _NON_WORD.sub(" ", text.translate(_APOSTROPHES)).split()
    return " ".join([_spelled_out(w) for w in words])


def _spelled_out(word: str) -> str:
    if "'" in word or word in _BARE_CONTRACTIONS:
        word = _expand_word(word.strip("'"))
    return _with_g(word) if word[-2:] == "in" else word


@lru_cache(maxsize=4096)
def _with_g(word: str) -> str:
    """A dropped g put back: "feelin" → "feeling", "tryin" → "trying", when English has the -ing word and it is
    far more common than the word as written ("begin", "cabin", "thin" and "within" stay)."""
    if len(word) < 4 or not word.isalpha():
        return word
    from . import frequency

    written, restored = frequency.rarity(word), frequency.rarity(word + "g")
    if restored >= frequency.RAREST:
        return word
    return word + "g" if written >= frequency.RAREST or (len(word) >= 5 and written - restored >= 1.5) else word


def _expand_word(word: str) -> str:
    return _expand_cached(word) if len(word) <= MAX_CACHED_WORD else _expand(word)


def _expand(word: str) -> str:
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    bare = word.replace("'", "")
    if bare in _CONTRACTIONS:
        return _CONTRACTIONS[bare]
    if bare in _NOT_FORMS:
        return bare[:-2] + " not"
    if word.endswith("n't"):
        return word[:-3] + " not"
    for suffix, expansion in _SUFFIXES.items():
        if word.endswith(suffix):
            return word[: -len(suffix)] + expansion
    return _SPLIT_APOSTROPHE.sub(" ", word)


_expand_cached = lru_cache(maxsize=65_536)(_expand)

_NUMBER_UNIT = re.compile(r"(?<=\d)(?=[^\W\d_])(?!(?:st|nd|rd|th)\b)")


def _split_numbers(text: str) -> str:
    """ "10kg" → "10 kg", "39c" → "39 c" (but "2nd" stays), so that units read as words."""
    return _NUMBER_UNIT.sub(" ", text)


_STRAY_TO = re.compile(r"\b(cannot|could not|must not|should not) to\b")


def _drop_stray_to(text: str) -> str:
    """ "I cannot to hold it" → "I cannot hold it": a learner's "to" after a modal hides the phrase after it."""
    return _STRAY_TO.sub(r"\1", text)


_MY_AS_I = re.compile(
    r"\bmy (?=(?:can|cannot|could|will|would|did|do|does|have|has|had|go|going|feel|feels|felt|think|thought|know|"
    r"knew|want|wanted|need|needed|is|am|was|a|never|just|get|got|try|tried|tell|told|say|said|see|saw)\b)"
)


_MY_STATE = re.compile(r"\bmy (?=(?:alright|ok|okay|sorry|scared|worried|afraid)\b)")


def _my_as_i(text: str) -> str:
    """ "mi can still go gym?" → "i can …", "mi alright" → "i am alright": patois "mi" (and a learner's "my")
    before a verb is "I", never "my"."""
    return _MY_STATE.sub("i am ", _MY_AS_I.sub("i ", text)) if "my " in text else text


_TO = re.compile(r"(?<!\bwi )\bfi\b|\btae\b(?! kwon)")


def _patois_to(text: str) -> str:
    """Patois "fi" and Scots "tae" are "to" ("it safe fi exercise?", "daft tae try"), but not in "wi fi" or
    "tae kwon do"."""
    return _TO.sub("to", text) if "fi" in text or "tae" in text else text


_ILL_AS_I_WILL = re.compile(
    r"(?<!\bfeel )(?<!\bfelt )(?<!\bbe )(?<!\bam )(?<!\bis )(?<!\bwas )(?<!\bvery )(?<!\bso )(?<!\bgot )"
    r"\bill (?=(?:go|do|call|ring|phone|try|tell|see|book|get|ask|make|have|check|let|text|wait|keep|take|give|"
    r"just|probably|definitely|def|prob|bring|pop|head|drive|sort|speak|talk|mention|email|message)\b)"
)


def _ill_as_i_will(text: str) -> str:
    """ "ok ill go", "ill ring them": "i'll" typed without its apostrophe, before a verb ("I feel ill" stays)."""
    return _ILL_AS_I_WILL.sub("i will ", text) if "ill " in text else text


_STEPS: list[tuple[str, Callable[[str], str]]] = [
    ("casefold", _nfkc_casefold),
    ("strip_accents", _strip_accents),
    ("drop_controls", _drop_controls),
    ("contractions", _expand_contractions),
    ("split_numbers", _split_numbers),
    ("stray_to", _drop_stray_to),
    ("ill_as_i_will", _ill_as_i_will),
    ("my_as_i", _my_as_i),
    ("patois_to", _patois_to),
]


def fold(text: str, limit: int = MAX_CHARS) -> str:
    """Lower-case words separated by single spaces, without accents, punctuation or contractions."""
    if len(text) <= MAX_CACHED_TEXT:
        return _fold_cached(text, limit)  # a knowledge base folds the same vocabulary word for many patterns
    return _fold(text, limit)


def _fold(text: str, limit: int) -> str:
    text = text[:limit]
    for _name, step in _STEPS:
        text = step(text)[:limit]  # a step may lengthen the text: NFKC turns "\ufdfa" into 18 characters
    return text


MAX_CACHED_TEXT = 64
"""Texts up to this long are folded once and remembered (phrases of a knowledge base, short messages)."""
_fold_cached = lru_cache(maxsize=32_768)(_fold)


def tokens(text: str, limit: int = MAX_CHARS) -> list[str]:
    return fold(text, limit).split()


def stem(word: str) -> str:
    """The Snowball (Porter 2) stem, so "exercising", "exercises" and "exercise" count as one word."""
    return _stem_cached(word) if len(word) <= MAX_CACHED_WORD else _stem(word)


def _stem(word: str) -> str:
    return str(_stemmer()(word))


_stem_cached = lru_cache(maxsize=200_000)(_stem)


@lru_cache(maxsize=1)
def _stemmer() -> Callable[[str], object]:
    import snowballstemmer  # type: ignore[import-untyped]  # deferred: keeps `import faqbot` fast

    return snowballstemmer.stemmer("english").stemWord  # type: ignore[no-any-return]


class Normaliser:
    """`fold` plus the knowledge base's synonyms (longest phrase first, whole words only)."""

    def __init__(self, synonyms: Mapping[str, Iterable[str]] | None = None) -> None:
        table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canonical, variants in (synonyms or {}).items():
            target = tuple(tokens(canonical))
            for variant in variants:
                key = tuple(tokens(variant))
                if key and key != target:
                    table.setdefault(key, target)
        self._table = table
        self._phrases: dict[str, tuple[str, ...]] = {}
        self._sizes: dict[str, list[int]] = {}
        for key in table:
            self._sizes.setdefault(key[0], []).append(len(key))
        for sizes in self._sizes.values():
            sizes.sort(reverse=True)

    def single_words(self) -> dict[str, tuple[str, ...]]:
        """Synonyms that are one word, e.g. {"gym": ("exercise",)}: the matcher corrects typos towards them.

        A synonym whose canonical form has no words (`"!": [first]`) is left out: there is nothing to correct to.
        """
        return {key[0]: target for key, target in self._table.items() if len(key) == 1 and target}

    def words(self, text: str, limit: int = MAX_CHARS) -> list[str]:
        """Folded words with synonyms replaced by their canonical form."""
        return self.replace(tokens(text, limit))

    def phrase(self, text: str) -> tuple[str, ...]:
        """`words` of a knowledge base's own phrase, remembered: a vocabulary word recurs in many patterns."""
        found = self._phrases.get(text)
        if found is None:
            found = self._phrases[text] = tuple(self.words(text))
        return found

    def replace(self, words: list[str]) -> list[str]:
        return self._replace(words)[0]

    def sentences(self, text: str, limit: int = MAX_CHARS) -> list[Sentence]:
        """The message's sentences, each as typed (folded) and with synonyms, aligned word for word."""
        found = []
        for sentence in cues.sentences(text[:limit]):
            plain: list[str] = []
            asking: list[tuple[int, int]] = []
            for chunk, asks in cues.chunks(sentence):
                start = len(plain)
                plain += tokens(chunk, limit)
                if asks and len(plain) > start:
                    asking.append((start, len(plain)))
            if plain:
                words, origin = self._replace(plain)
                found.append(Sentence(tuple(plain), tuple(words), tuple(origin), _in_words(asking, origin)))
        return found

    def _replace(self, words: list[str]) -> tuple[list[str], list[int]]:
        """The words with synonyms applied, and for each output word the index of the input word it came from."""
        out: list[str] = []
        origin: list[int] = []
        i = 0
        while i < len(words):
            for size in self._sizes.get(words[i], ()):
                target = self._table.get(tuple(words[i : i + size]))
                if target is not None:
                    out.extend(target)
                    origin.extend([i] * len(target))
                    i += size
                    break
            else:
                out.append(words[i])
                origin.append(i)
                i += 1
        return out, origin


def _in_words(ranges: list[tuple[int, int]], origin: list[int]) -> tuple[tuple[int, int], ...]:
    """Ranges of plain words as ranges of the words they became (synonyms may merge or split words)."""
    found = []
    for start, end in ranges:
        inside = [i for i, o in enumerate(origin) if start <= o < end]
        if inside:
            found.append((inside[0], inside[-1] + 1))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a message, as typed and as matched."""

    plain: tuple[str, ...]
    """Folded words, before synonyms: what `cues` reads ("fine now" stays "fine now")."""
    words: tuple[str, ...]
    """The same with the knowledge base's synonyms applied: what patterns and the matcher read."""
    origin: tuple[int, ...]
    """`words[i]` came from `plain[origin[i]]`."""
    asking: tuple[tuple[int, int], ...] = ()
    """Ranges of `words` that ask something (a question mark, or a question's first word): `cues.chunks`."""

    def join(self, other: Sentence) -> Sentence:
        """This sentence and the next read as one (a short question and the sentence it points back to)."""
        shift, offset = len(self.words), len(self.plain)
        return Sentence(
            self.plain + other.plain,
            self.words + other.words,
            self.origin + tuple(o + offset for o in other.origin),
            self.asking + tuple((a + shift, b + shift) for a, b in other.asking),
        )

    def plain_index(self, i: int) -> int:
        """Where in `plain` the word `words[i]` starts (the end of the sentence for `len(words)`)."""
        return self.origin[i] if i < len(self.origin) else len(self.plain)
