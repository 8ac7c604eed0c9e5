"""`newsbot eval`'s judge: a bold short answer must itself hold the expected string."""

from __future__ import annotations

from bot.evaluate import EvalCase, judge
from index import Answer, Source

_SOURCE = Source(
    article_id="a", title="Official visit to CARICC", date="2018-10-12", url="", snippet="", score=1.0
)
_SENTENCE = "CARICC was founded in 1999; on October 12th, 2018 SELEC visited it."
_CASE = EvalCase(q="when did SELEC visit CARICC", article="CARICC", answer=("October 12th, 2018",))


def _reply(answer: str | None) -> Answer:
    return Answer(
        question=_CASE.q,
        answered=True,
        answer=answer,
        sentence=_SENTENCE,
        sources=(_SOURCE,),
        confidence=0.9,
        kind="answer" if answer else "found",
    )


def test_a_wrong_bold_answer_fails_even_when_its_sentence_is_right() -> None:
    assert not judge(_CASE, _reply("1999")).correct
    assert judge(_CASE, _reply("October 12th, 2018")).correct


def test_without_a_bold_answer_the_sentence_is_judged() -> None:
    assert judge(_CASE, _reply(None)).correct
    unsure = EvalCase(q=_CASE.q, article="CARICC", answer=("12 October",))
    assert not judge(unsure, _reply(None)).correct
