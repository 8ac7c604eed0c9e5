"""Telegram HTML: escaping and splitting hold for any text (checked by the fake's own parser)."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.html import answer_html, esc, split_html, visible_length
from index import Answer, Source
from tests.fakebot import html_text_length

_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)


@given(_text)
def test_escaped_text_is_valid_telegram_html(text: str) -> None:
    assert html_text_length(f"<b>{esc(text)}</b>") == len(text.encode("utf-16-le")) // 2


@settings(max_examples=60)
@given(st.lists(_text, min_size=1, max_size=40), st.integers(50, 4096))
def test_split_keeps_every_chunk_valid_and_within_limit(blocks: list[str], limit: int) -> None:
    markup = "\n\n".join(f"<i>{esc(b)}</i>" if i % 2 else esc(b) for i, b in enumerate(blocks))
    chunks = split_html(markup, limit)
    for chunk in chunks:
        assert html_text_length(chunk) <= limit
        assert visible_length(chunk) <= limit
    words = "".join(html.unescape(markup.replace("<i>", "").replace("</i>", "")).split())
    assert "".join(html.unescape("".join(chunks).replace("<i>", "").replace("</i>", "")).split()) == words


def test_a_huge_answer_is_split_cleanly() -> None:
    sentence = "The <minister> & the envoy said " + "very " * 3000 + "much."
    source = Source(
        article_id="a",
        title="T & <T>",
        date="2024-01-01",
        url="https://n.test/?a=1&b=2",
        snippet=sentence,
        score=0.9,
    )
    answer = Answer(
        question="q", answered=True, answer="<b>42</b>", sentence=sentence, sources=(source,), confidence=1
    )
    chunks = split_html(answer_html(answer))
    assert len(chunks) >= 4
    assert all(html_text_length(c) <= 4096 for c in chunks)
    assert chunks[0].startswith("<b>&lt;b&gt;42&lt;/b&gt;</b>")
    assert chunks[-1].endswith('<a href="https://n.test/?a=1&amp;b=2">T &amp; &lt;T&gt;</a> — 2024-01-01')


def test_the_three_outcomes_render_differently() -> None:
    from index import Answer, Source

    source = Source(
        article_id="a", title="T", date="2018-10-12", url="https://x.test/a", snippet="", score=1.0
    )
    sure = Answer(
        question="q",
        answered=True,
        answer="October 12th, 2018",
        sentence="On October 12th, 2018 …",
        sources=(source,),
        confidence=0.9,
        answer_confidence=0.8,
        kind="answer",
    )
    unsure = Answer(
        question="q",
        answered=True,
        answer=None,
        sentence="On October 12th, 2018 …",
        sources=(source,),
        confidence=0.9,
        answer_confidence=0.1,
        kind="found",
        lead="No exact answer, but this passage is about it:",
    )
    assert answer_html(sure).startswith("<b>October 12th, 2018</b>")
    assert answer_html(unsure).startswith("<i>No exact answer, but this passage is about it:</i>")
    assert "<b>" not in answer_html(unsure)  # nothing in bold reads like an answer
