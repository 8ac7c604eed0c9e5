"""Questions in other words than the news: synonyms cover a question's word, dates hang on its verb."""

from __future__ import annotations

from index.answer.extract import candidates
from index.answer.grammar import governed
from index.answer.qtype import classify
from index.answer.synonyms import synonyms
from index.answer.terms import SYNONYM, QuestionTerms
from index.text import content_stems


def _terms(question: str) -> QuestionTerms:
    return QuestionTerms.of(question, lambda stems: dict.fromkeys(stems, 1.0))


def test_a_synonym_covers_part_of_a_question_word() -> None:
    assert "confisc" in synonyms("seiz") and "seiz" not in synonyms("seiz")
    assert synonyms("weather") == frozenset()
    terms = _terms("How much heroin was confiscated?")
    seized = terms.coverage("The police seized 11 kg of heroin.", "")
    confiscated = terms.coverage("The heroin was confiscated in Istanbul.", "")
    assert confiscated == 1.0 and seized == (1.0 + SYNONYM) / 2
    assert terms.coverage("The police found 11 kg of heroin.", "") == 0.5
    praise = _terms("What did Maleeva praise the police for?")  # the news: "expressed appreciation for"
    assert praise.coverage("Maleeva expressed appreciation towards the police.", "") > praise.coverage(
        "Maleeva met the police.", ""
    )
    assert "transport" in synonyms(content_stems("moved")[0]) and "person" in synonyms(
        content_stems("people")[0]
    )


def test_a_date_on_the_questions_verb_beats_the_date_a_sentence_opens_with() -> None:
    question = "When was the SECI Center founded?"
    sentence = (
        "On 7th of October 2018 we celebrate the 7th year of SELEC, the successor of SECI Center "
        "which was founded in 1999."
    )
    asked = set(content_stems(question))
    assert governed(sentence, sentence.index("1999"), asked)
    assert not governed(sentence, sentence.index("7th"), asked)
    assert candidates(sentence, classify(question), question)[0].text == "1999"
    set_up = "CARICC was established in 1996 by a Memorandum."
    assert governed(set_up, set_up.index("1996"), set(content_stems("When was CARICC set up?")))
