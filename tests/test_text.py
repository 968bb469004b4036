from __future__ import annotations

import pytest

from faqbot.text import Normaliser, fold, stem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Can't I work-out?", "cannot i work out"),
        ("I’m  SORE!!", "i am sore"),
        ("Is it OK — really?", "is it ok really"),
        ("Café naïve", "cafe naive"),
        ("dunno, idk", "do not know i do not know"),
        ("it's my mum's back", "it is my mum back"),
        ("shouldnt", "should not"),
        ("tab\tand\x00control", "tab and control"),
        ("ＦＵＬＬ ｗｉｄｔｈ", "full width"),
        ("lost 10kg, 39C fever, the 2nd one", "lost 10 kg 39 c fever the 2nd one"),
        ("I cannae feel ma legs, nae joke", "i cannot feel ma legs no joke"),  # Scots, as said
        ("mi back a hurt, mi cyaan sleep pon it", "my back a hurt i cannot sleep on it"),  # Jamaican patois
        ("mi can still go gym? mi alright", "i can still go gym i am alright"),  # patois "mi" before a verb is "I"
        ("is it safe fi exercise? free wi-fi? tae kwon do", "is it safe to exercise free wi fi tae kwon do"),
        ("ok ill ring them, shes fine", "ok i will ring them she is fine"),  # "i'll" and "she's" without apostrophes
        ("I feel ill, go away. He was ill so", "i feel ill go away he was ill so"),  # but "ill" the illness stays
        ("ah'm fair done in meself", "i am fair done in myself"),
        ("feelin' nothin, tryin walkin", "feeling nothing trying walking"),  # a dropped g put back
        ("begin again, thin cabin, within", "begin again thin cabin within"),  # but only where it was dropped
        ("thx m8, c u 2moro, hurt 3 wks cos of work", "thx mate c you tomorrow hurt 3 weeks because of work"),
        ("r u ok? ur back abt 2 wks bc ppl rly lift", "are you ok your back about 2 weeks because people really lift"),
        ("I cannot to hold it, can't to walk", "i cannot hold it cannot walk"),  # a learner's stray "to"
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_caps_long_input() -> None:
    assert len(fold("a " * 50_000)) <= 2000


def test_synonyms_replace_whole_words_longest_first() -> None:
    normaliser = Normaliser({"exercise": ["work out", "gym"], "lower back": ["lumbago"], "back pain": ["bad back"]})
    assert normaliser.words("Can I work out with lumbago?") == ["can", "i", "exercise", "with", "lower", "back"]
    assert normaliser.words("gymnast with a bad back") == ["gymnast", "with", "a", "back", "pain"]
    assert normaliser.single_words()["gym"] == ("exercise",)


def test_stem_groups_word_forms() -> None:
    assert stem("exercising") == stem("exercises") == stem("exercise")
