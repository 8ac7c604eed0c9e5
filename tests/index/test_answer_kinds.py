"""The questions people really ask, beyond one fact: small talk, other languages, headlines, summaries,
acronyms, yes/no, typos and follow-ups (engine level, hashing encoder, bundled corpus)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from corpus.loaders.textpage import load_textpage
from index import Engine, IndexConfig, SearchConfig, build_index, is_follow_up
from index.answer.intents import foreign_language, in_context, news_request, smalltalk, summary_request
from index.answer.replies import confirms, mine_acronyms
from index.answer.spelling import corrections, dictionary
from index.answer.unmentioned import unmentioned
from index.encoders.hashing import HashingEncoder
from index.passages import Passage
from index.text import stem
from tests.conftest import BUNDLED


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("kinds")
    encoder = HashingEncoder()
    build_index(load_textpage(Path(BUNDLED), source="selec"), root, encoder, IndexConfig())
    engine = Engine(root, encoder, SearchConfig())
    engine.today = lambda: dt.date(2018, 10, 15)
    return engine


@pytest.mark.parametrize("text", ["hi", "Hello!", "good morning", "thanks!", "Thank you so much", "ok 👍"])
def test_greetings_and_thanks_get_a_short_reply(engine: Engine, text: str) -> None:
    answer = engine.ask(text)
    assert answer.kind == "smalltalk" and answer.answered and not answer.sources
    assert len(answer.lead or "") < 120


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Cuándo visitó SELEC el CARICC?", "Spanish"),
        ("Wann besuchte SELEC das CARICC?", "German"),
        ("Quand est-ce que SELEC a visité le CARICC ?", "French"),
        ("Когда SELEC посетил CARICC?", "another language"),
    ],
)
def test_another_language_is_named_not_declined(engine: Engine, text: str, language: str) -> None:
    assert foreign_language(text) == language
    answer = engine.ask(text)
    assert answer.kind == "language" and "English" in (answer.lead or "")


@pytest.mark.parametrize(
    "text",
    [
        "when did SELEC visit CARICC",
        "Who is the Director General of SELEC?",
        "Is SELEC in Bucharest?",
        "hi there SELEC team",
    ],
)
def test_english_questions_are_not_taken_for_another_language(text: str) -> None:
    assert foreign_language(text) is None


def test_small_talk_is_not_mistaken_for_a_question() -> None:
    assert smalltalk("hi, when did SELEC visit CARICC?") is None
    assert smalltalk("thanks for the CARICC answer, who is the director there?") is None


def test_latest_news_lists_dated_headlines_newest_first(engine: Engine) -> None:
    answer = engine.ask("latest news")
    dates = [s.date for s in answer.sources]
    assert answer.kind == "headlines" and len(dates) == 5
    assert dates == sorted(dates, reverse=True) and dates[0] == "2018-10-12"


def test_news_from_a_month_keeps_to_that_month(engine: Engine) -> None:
    answer = engine.ask("news from October 2018")
    assert answer.kind == "headlines" and answer.sources
    assert all((s.date or "").startswith("2018-10") for s in answer.sources)
    june = engine.ask("What happened in June 2018?")
    assert june.kind == "headlines" and all((s.date or "").startswith("2018-06") for s in june.sources)


def test_last_week_is_relative_to_today_and_says_when_empty(engine: Engine) -> None:
    answer = engine.ask("what happened last week")  # today is 2018-10-15 in this fixture
    assert answer.kind == "headlines"
    assert [s.date for s in answer.sources] == ["2018-10-12"]
    engine.today = lambda: dt.date(2026, 11, 29)
    try:
        later = engine.ask("what happened last week")
    finally:
        engine.today = lambda: dt.date(2018, 10, 15)
    assert later.kind == "headlines" and "no news last week" in (later.lead or "")
    assert later.sources[0].date == "2018-10-12"  # the latest it has instead
    asker = engine.ask("what happened last week", today=dt.date(2026, 11, 29))  # the asker's own date
    assert "no news last week" in (asker.lead or "") and engine.today() == dt.date(2018, 10, 15)


def test_news_about_a_topic_lists_articles_that_mention_it(engine: Engine) -> None:
    answer = engine.ask("news about Albania")
    assert answer.kind == "headlines" and answer.sources
    for source in answer.sources:
        passages = engine.data.passages_of(source.article_id)
        assert any("Albania" in f"{p.title} {p.text}" for p in passages), source.title
    assert news_request("news about Albania", dt.date(2018, 10, 15)).topic == "Albania"  # type: ignore[union-attr]


def test_a_question_is_not_a_news_request() -> None:
    today = dt.date(2018, 10, 15)
    assert news_request("when did SELEC visit CARICC", today) is None
    assert news_request("What happened to the heroin?", today) is None


def test_summary_gives_a_few_sentences_of_the_article(engine: Engine) -> None:
    assert summary_request("summarize the CARICC visit") == "the CARICC visit"
    answer = engine.ask("summarize the CARICC visit")
    assert answer.kind == "summary" and "CARICC" in answer.sources[0].title
    sentences = [s for s in (answer.sentence or "").split(". ") if s]
    assert 2 <= len(sentences) <= 6 and "October 12th, 2018" in (answer.sentence or "")


def test_acronyms_are_mined_from_the_text() -> None:
    passages = [
        Passage(id=1, article_id="a", ordinal=0, title="Visit to the Centre (CARICC)", text="Nothing here."),
        Passage(
            id=2,
            article_id="b",
            ordinal=3,
            title="t",
            text="The Organized Crime Threat Assessment for South East Europe (OCTA SEE) is out.",
        ),
        Passage(
            id=3,
            article_id="c",
            ordinal=1,
            title="t",
            text="SELEC (Southeast European Law Enforcement Center) met. A (B) c.",
        ),
    ]
    found = mine_acronyms(passages)
    assert found["OCTA SEE"] == ("Organized Crime Threat Assessment for South East Europe", 2)
    assert found["SELEC"][0] == "Southeast European Law Enforcement Center"
    assert "B" not in found


@pytest.mark.parametrize(
    ("question", "expansion"),
    [
        ("what does CARICC stand for", "Central Asian Regional Information and Coordination Centre"),
        ("what is SELEC", "Southeast European Law Enforcement Center"),
        ("what does caricc stand for", "Central Asian Regional Information and Coordination Centre"),
        ("what is selec?", "Southeast European Law Enforcement Center"),
        ("What is the full name of CARICC?", "Central Asian Regional Information and Coordination Centre"),
        ("What is OCTA SEE short for?", "Organized Crime Threat Assessment for South"),
        ("what's the full form of selec", "Southeast European Law Enforcement Center"),
    ],
)
def test_what_is_an_acronym_answers_its_expansion(engine: Engine, question: str, expansion: str) -> None:
    answer = engine.ask(question)
    assert answer.kind == "answer" and expansion in (answer.answer or "")
    assert (answer.answer or "").split(":")[0].isupper()  # the acronym as the news writes it


def test_a_lowercase_word_that_is_no_acronym_is_asked_as_a_question(engine: Engine) -> None:
    heroin = engine.ask("what is heroin")
    assert heroin.answered and not (heroin.answer or "").lower().startswith("heroin:")


def test_yes_no_questions_say_yes_or_no_clear_answer(engine: Engine) -> None:
    yes = engine.ask("did SELEC hold a workshop in Sofia?")
    assert (
        yes.kind == "yes" and yes.lead == "Yes —" and "Sofia" in (yes.sentence or "") + yes.sources[0].title
    )
    unclear = engine.ask("did SELEC hold a workshop in Lisbon?")
    assert unclear.kind in ("unclear", "declined") and unclear.lead != "Yes —"
    # the sentence names Bulgaria, but the heroin passed "via" it and was confiscated in Istanbul
    assert confirms("Was the heroin confiscated in Istanbul?", _HEROIN, "Joint investigation")
    assert not confirms("Was the heroin confiscated in Bulgaria?", _HEROIN, "Joint investigation")


_HEROIN = (
    "The heroin was planned to be transported by car from Republic of Turkey via Republic of Bulgaria, with "
    "destination Western Europe, but the transport was stopped in Istanbul and the heroin confiscated."
)


def test_typos_are_read_against_the_corpus_vocabulary(engine: Engine) -> None:
    answer = engine.ask("whan did the directr general meet the bulgarian minister of interor")
    assert answer.read_as == "when did the director general meet the bulgarian minister of interior"
    assert answer.answered and "Bulgaria" in answer.sources[0].title
    short = engine.ask("wht is SELEC")
    assert short.read_as == "what is SELEC" and short.answered


def test_a_short_misspelt_question_word_is_read_as_the_question_word() -> None:
    known = {"selec", "war", "kind", "assess"}
    kwargs = {"known": known.__contains__, "vocabulary": lambda: sorted(known), "frequency": dict}
    assert corrections("wht is SELEC", **kwargs) == {"wht": "what"}  # type: ignore[arg-type]
    assert corrections("wat kind of assessment is it", **kwargs) == {"wat": "what"}  # type: ignore[arg-type]
    assert corrections("hw many", **kwargs) == {"hw": "how"}  # type: ignore[arg-type]
    assert corrections("war in the region", **kwargs) == {}  # type: ignore[arg-type]  # an indexed word
    assert corrections("is it SELEC", **kwargs) == {}  # type: ignore[arg-type]  # a stopword


def test_known_words_and_names_are_left_alone() -> None:
    known = {"selec", "visit", "caricc"}
    fixes = corrections(
        "when did SELEC visit CARICC",
        known=known.__contains__,
        vocabulary=lambda: sorted(known),
        frequency=dict,
    )
    assert fixes == {}


def test_a_question_about_what_the_news_never_mentions_is_declined_saying_what(engine: Engine) -> None:
    answer = engine.ask("Who is the prime minister of Japan?")
    assert not answer.answered and not answer.sources
    assert answer.lead == "The news I have never mentions Japan."
    assert not engine.ask("who is the president of moldova").answered  # a country typed in lowercase
    named = engine.ask("Who did the Director General of SELEC meet in Bulgaria?")
    assert named.answered and named.lead != answer.lead


def test_a_name_is_mentioned_in_any_of_its_forms() -> None:
    indexed = sorted(stem(w) for w in "french belarus japanese director general joe biden selec".split())

    def missing(question: str) -> list[str]:
        return unmentioned(question, lambda stems: {s: int(s in indexed) for s in stems}, lambda: indexed)

    assert missing("Who is the prime minister of Japan?") == []  # "Japanese" is in the news
    assert missing("What did the Belarusian ambassador say?") == []  # "Belarus"
    assert missing("What is France's status at SELEC?") == []  # "French"
    assert missing("What did Joe Biden say?") == []
    assert missing("What did Kamala Harris say?") == ["Kamala Harris"]  # neither word
    assert missing("Who won the Champions League in May?") == ["Champions League"]  # May is a month
    assert missing("what's the capital of australia") == ["australia"]
    assert missing("Roughly how many were there?") == []  # the first word is capitalised anyway


def test_english_words_the_news_never_uses_are_not_typos() -> None:
    known = {"code", "name", "heroin", "cast"}
    kwargs = {
        "known": known.__contains__,
        "vocabulary": lambda: sorted(known),
        "frequency": lambda stems: dict.fromkeys(stems, 1),
    }
    question = "What was the code name of the heroin case?"
    assert corrections(question, **kwargs) == {"case": "cast"}  # type: ignore[arg-type]
    english = dictionary("all-MiniLM-L6-v2")  # the packaged model's vocabulary
    assert "case" in english and "directr" not in english and len(english) > 15_000
    assert corrections(question, english=english.__contains__, **kwargs) == {}  # type: ignore[arg-type]
    assert dictionary("no-such-model") == frozenset()


@pytest.mark.parametrize(
    ("text", "follow"),
    [
        ("and when was that?", True),
        ("who is the director there?", True),
        ("What about the director?", True),
        ("when did SELEC visit CARICC", False),
        ("Who represented SELEC at the ministerial forum in Tirana?", False),
    ],
)
def test_follow_ups_are_recognised(text: str, follow: bool) -> None:
    assert is_follow_up(text) is follow


def test_there_in_a_follow_up_is_the_place_of_the_article() -> None:
    title = "Official visit to Central Asian Regional Information and Coordination Centre (CARICC)"
    assert in_context("who is the director there?", title, "CARICC").startswith(
        "who is the director at CARICC?"
    )
    assert in_context("and when was that?", title, "CARICC").startswith("when was that?")


def test_a_follow_up_stays_on_its_article(engine: Engine) -> None:
    first = engine.ask("when did SELEC visit CARICC")
    follow = engine.ask("who is the director there?", article_id=first.article_id)
    assert follow.answered and follow.sources[0].article_id == first.article_id
