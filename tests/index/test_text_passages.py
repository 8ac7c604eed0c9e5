"""Sentence splitting and passage windows."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from index.passages import windows
from index.text import content_stems, one_spelling, split_sentences


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "Opening remarks by Mr. Romulus N. Ungureanu, Director. H.E. Ms. Ramis spoke. It was 5.93 mln!"
    assert split_sentences(text) == [
        "Opening remarks by Mr. Romulus N. Ungureanu, Director.",
        "H.E. Ms. Ramis spoke.",
        "It was 5.93 mln!",
    ]


def test_windows_respect_the_word_limit_and_overlap() -> None:
    sentences = [f"Sentence number {i} has exactly seven words." for i in range(20)]
    out = windows(" ".join(sentences), max_words=21, overlap=1)
    assert all(len(w.split()) <= 21 for w in out)
    for left, right in itertools.pairwise(out):
        assert split_sentences(left)[-1] == split_sentences(right)[0]
    assert out[-1].endswith("Sentence number 19 has exactly seven words.")


_word = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
_sentence = st.lists(_word, min_size=1, max_size=30).map(lambda ws: " ".join(ws).capitalize() + ".")


@settings(max_examples=200)
@given(st.lists(_sentence, min_size=1, max_size=40), st.integers(5, 80), st.integers(0, 3))
def test_windows_cover_every_sentence_within_the_limit(
    sentences: list[str], limit: int, overlap: int
) -> None:
    out = windows(" ".join(sentences), max_words=limit, overlap=overlap)
    assert all(len(w.split()) <= limit for w in out)
    joined = " ".join(out)
    for sentence in sentences:
        for word in sentence.rstrip(".").split():
            assert word.lower() in joined.lower()
    assert out[0].startswith(sentences[0].split()[0])


def test_british_and_american_spellings_are_one_term() -> None:
    british = "The centre organised a programme on defence and the labourers' behaviour, analysed."
    american_ = "The center organized a program on defense and the laborers' behavior, analyzed."
    assert content_stems(british) == content_stems(american_)
    # short words and look-alikes keep their spelling: no "for" from "four", no "enter" from "entre"
    assert [one_spelling(w) for w in ("four", "your", "hour", "flour", "entre", "rise")] == [
        "four",
        "your",
        "hour",
        "flour",
        "entre",
        "rise",
    ]
    # a noun in -ise is not made a verb in -ize, which the stemmer would cut: "paradise" is no "parade"
    assert content_stems("paradise improvised") != content_stems("parade improve")
