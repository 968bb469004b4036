"""How common a word is in English at large: a prior for the matcher's word weights.

A knowledge base with one short question per entry is too little text to tell a common word from a rare
one: "text" may occur in one question and "github" in three, and weighting by the knowledge base alone
then takes "text" for the more telling word. Frequencies measured on billions of words of general English
correct that. They come from wordfreq (see the header of `data/english_frequencies.txt.gz` for the
sources and the licence of that file) and are read once per process, on first use.
"""

from __future__ import annotations

import bisect
import gzip
from functools import cache
from importlib import resources

__all__ = ["RAREST", "rarity"]

RAREST = 8.0
"""`rarity` of a word the table does not hold (it holds words down to about 2.5 on the Zipf scale)."""
_FILE = "english_frequencies.txt.gz"


@cache
def _table() -> tuple[list[str], bytes]:
    """The listed words, sorted, and their Zipf values times ten (a list and bytes: quick to read, small)."""
    text = gzip.decompress(resources.files("faqbot").joinpath("data", _FILE).read_bytes()).decode()
    words, values = [line for line in text.splitlines() if not line.startswith("#")]
    return words.split(), bytes.fromhex(values)


def rarity(word: str) -> float:
    """8 minus the word's Zipf frequency (log10 of uses per billion words): 0.3 for "the", about 3 for
    "exercise", 8 for a word too rare to be listed. `word` is folded like `text.tokens` folds it."""
    words, values = _table()
    i = bisect.bisect_left(words, word)
    return RAREST - (values[i] / 10 if i < len(words) and words[i] == word else 0.0)
