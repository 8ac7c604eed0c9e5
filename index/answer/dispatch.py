"""From a message to a reply: small talk, another language, headlines, a summary, an acronym, a yes/no
question, or a fact (the engine's extractive answer), with spelling corrected against the index."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Protocol

import numpy as np

from index.answer.intents import foreign_language, is_yes_no, news_request, smalltalk, summary_request
from index.answer.qtype import FULL_NAME_OF, SHORT_FOR, AnswerType, classify
from index.answer.replies import Dated, confirms, mentions, mine_acronyms, pick_headlines, summarize
from index.answer.spelling import corrections, dictionary, rewrite, surface
from index.answer.unmentioned import unmentioned
from index.config import SearchConfig
from index.encoders import Encoder
from index.errors import QuestionError
from index.hits import Hit
from index.reply import Answer, Kind, Source
from index.snapshot import IndexData
from index.text import STOPWORDS, content_stems, split_sentences

_WHAT_IS = re.compile(
    rf"\s*(?:what\s+is|what's)\s+(?:the\s+)?(?:{FULL_NAME_OF})?(?P<a>[A-Za-z][A-Za-z0-9&]{{1,11}})(?:{SHORT_FOR})?"
    r"\s*\??\s*$",
    re.I,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]+")


def clean_question(question: str, *, limit: int) -> str:
    """Return the question with control characters dropped and blanks collapsed, or raise QuestionError."""
    if not isinstance(question, str):
        raise QuestionError("a question must be text")
    text = " ".join(_CONTROL.sub(" ", question).split())
    if not text or not any(ch.isalnum() for ch in text):
        raise QuestionError("the question is empty: ask something about the news")
    if len(text) > limit:
        raise QuestionError(f"the question is too long ({len(text)} characters; the limit is {limit})")
    return text


class Engine(Protocol):
    """What replies need of the engine (index.engine.Engine)."""

    config: SearchConfig
    encoder: Encoder

    @property
    def data(self) -> IndexData: ...

    def retrieve(
        self, data: IndexData, question: str, qvec: np.ndarray, *, article_id: str | None = None
    ) -> tuple[list[Hit], dict[int, float]]: ...

    def answer(self, data: IndexData, question: str, *, article_id: str | None = None) -> Answer: ...


def _simple(question: str, kind: Kind, lead: str, sources: tuple[Source, ...] = ()) -> Answer:
    return Answer(
        question=question,
        answered=True,
        answer=None,
        sentence=None,
        sources=sources,
        confidence=1.0,
        kind=kind,
        lead=lead,
    )


def _source(data: IndexData, article_id: str, snippet: str) -> Source:
    return Source.of(data.articles[article_id], snippet=snippet, score=1.0)


def _lead_sentence(data: IndexData, article_id: str) -> str:
    passages = data.passages_of(article_id)
    return split_sentences(passages[0].text)[0] if passages else ""


def headlines(engine: Engine, data: IndexData, question: str, today: dt.date) -> Answer | None:
    """Answer "latest news", "news from October 2018", "what happened last week", "news about X"."""
    request = news_request(question, today)
    if request is None:
        return None
    limit = max(engine.config.sources, 5)
    about = None
    if request.topic:
        qvec = engine.encoder.encode([request.topic])[0]
        fused, _ = engine.retrieve(data, request.topic, qvec)
        about = list(
            dict.fromkeys(
                data.passages.article_of(h.id) for h in fused if mentions(data.passages[h.id], request.topic)
            )
        )
    dated = [Dated(a.id, a.published) for a in data.articles.values()]
    ids = pick_headlines(dated, request, about=about, limit=limit)
    lead = f"News {request.label}:" if request.label != "latest" else "The latest news:"
    if not ids:
        fallback = request._replace(start=None, end=None)
        ids = pick_headlines(dated, fallback, about=about, limit=limit)
        what = f"news {request.label}"
        lead = f"I have no {what}." + (" The latest I have:" if ids else "")
    sources = tuple(_source(data, i, _lead_sentence(data, i)) for i in ids)
    return _simple(question, "headlines", lead, sources)


def summary(engine: Engine, data: IndexData, question: str, article_id: str | None) -> Answer | None:
    """Answer "summarize the CARICC visit" with a few sentences of the article it names."""
    topic = summary_request(question)
    if topic is None:
        return None
    if article_id is None or article_id not in data.articles:
        qvec = engine.encoder.encode([topic])[0]
        fused, _ = engine.retrieve(data, topic, qvec)
        if not fused:
            return None
        article_id = data.passages[fused[0].id].article_id
    text = summarize(data.passages_of(article_id), engine.encoder.encode)
    return dataclasses.replace(
        _simple(question, "summary", "In short:", (_source(data, article_id, text),)), sentence=text
    )


def expansion(engine: Engine, data: IndexData, question: str) -> Answer | None:
    """Answer "what is SELEC" / "what does CARICC stand for" from the acronyms mined in the index."""
    q = classify(question)
    if q.type is AnswerType.EXPANSION:
        focus = q.focus
    else:  # "what is selec": perhaps an acronym typed in lowercase ("it" is none)
        lowercase = _WHAT_IS.match(question)
        focus = lowercase["a"] if lowercase and lowercase["a"].lower() not in STOPWORDS else None
    if not focus:
        return None
    acronyms = data.derived(  # by the uppercase form: (as the news writes it, (long form, passage id))
        "acronyms", lambda d: {k.upper(): (k, v) for k, v in mine_acronyms(d.passages.values()).items()}
    )
    found = acronyms.get(focus.replace(" ", "").upper()) or acronyms.get(focus.upper())
    if not found or found[1][1] not in data.passages:
        return None
    written, (long, pid) = found
    focus = focus if focus.isupper() else written
    passage = data.passages[pid]
    sentence = next((s for s in split_sentences(passage.indexed_text) if long in s), passage.title)
    return Answer(
        question=question,
        answered=True,
        answer=f"{focus}: {long}",
        sentence=sentence,
        sources=(_source(data, passage.article_id, sentence),),
        confidence=1.0,
        answer_confidence=1.0,
        kind="answer",
    )


def _unmentioned(data: IndexData, question: str, article_id: str | None) -> Answer | None:
    """Return the decline of a question naming what the news never mentions ("prime minister of Japan"
    over news without Japan), saying what; None otherwise (and for a follow-up about one article)."""
    if article_id is not None:
        return None
    missing = unmentioned(question, data.document_frequency, data.vocabulary)
    if not missing:
        return None
    why = f"The news I have never mentions {' or '.join(missing)}."
    return Answer.declined(question, confidence=0.0, why=why)


def spelled(engine: Engine, data: IndexData, question: str) -> str:
    """Return the question with words the index has never seen replaced by the nearest indexed ones."""

    def known(stem: str) -> bool:
        return data.document_frequency([stem])[stem] > 0

    data.document_frequency(sorted(set(content_stems(question))))  # one read for every word asked (remote)
    words = dictionary(engine.encoder.name)
    fixes = corrections(
        question,
        known=known,
        vocabulary=data.vocabulary,
        frequency=data.document_frequency,
        english=words.__contains__,
    )
    if not fixes:
        return question
    stems = " ".join(fixes.values())
    hits = data.bm25_search(stems, 20)
    texts = [data.passages[h.id].indexed_text for h in hits]
    words = {wrong: surface(right, texts) or right for wrong, right in fixes.items()}
    return rewrite(question, words)


def respond(
    engine: Engine, message: str, *, article_id: str | None, today: dt.date, data: IndexData | None = None
) -> Answer:
    """Return the reply to a message (control characters dropped, blanks collapsed; QuestionError when
    it is empty or too long), read from `data` (by default the engine's index)."""
    question = clean_question(message, limit=engine.config.max_question_chars)
    reply = smalltalk(question)
    if reply:
        return _simple(question, "smalltalk", reply)
    language = foreign_language(question)
    if language:
        return _simple(
            question,
            "language",
            f"I can only read questions in English (this looks like {language}). "
            "Please ask again in English — the news I have is in English too.",
        )
    data = data if data is not None else engine.data
    for handler in (
        lambda: headlines(engine, data, question, today),
        lambda: summary(engine, data, question, article_id),
    ):
        found = handler()
        if found is not None:
            return found
    typed = expansion(engine, data, question)  # an acronym found as typed needs no spelling
    read_as = question if typed else spelled(engine, data, question)
    respelt = None if typed or read_as == question else expansion(engine, data, read_as)
    answer = (
        typed
        or respelt
        or _unmentioned(data, read_as, article_id)
        or engine.answer(data, read_as, article_id=article_id)
    )
    if read_as != question:
        answer = dataclasses.replace(answer, read_as=read_as)
    if is_yes_no(read_as) and answer.kind != "declined":
        title = answer.sources[0].title if answer.sources else ""
        yes = confirms(read_as, answer.sentence or "", title)
        answer = dataclasses.replace(
            answer,
            kind="yes" if yes else "unclear",
            lead="Yes —" if yes else "No clear answer —",
            answer=None,
        )
    return dataclasses.replace(answer, question=question)
