"""The shipped reader and its vote on the short answer: text it never saw in training (written here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Article
from index import Engine, IndexConfig, SearchConfig, build_index
from index.answer.evidence import Evidence, Signals
from index.answer.reader import Reader, ReaderError, shipped_reader
from index.answer.vote import Option, choose, sentences_read, shipped_vote
from index.encoders.hashing import HashingEncoder
from index.passages import Passage

BRIDGE = (
    "The city council of Novi Sad approved a new bridge over the Danube on Thursday. The bridge will cost "
    "40 million euros and should open in 2027. Mayor Milan Djuric said the European Union will fund half of "
    "it. Construction starts in September."
)
STORM = (
    "A storm with winds of 120 kilometres per hour hit the Adriatic coast on Saturday. About 3,000 homes "
    "lost power in Split. Two people were injured by falling trees, police said."
)


def _best(question: str, text: str) -> tuple[str, float]:
    (logits,) = shipped_reader().read(question, [text])
    best = logits.best()
    assert best is not None
    score, first, last = best
    return text[first:last], score - logits.null


@pytest.mark.parametrize(
    ("question", "text", "answer"),
    [
        ("how much will the bridge cost?", BRIDGE, "40 million euros"),  # the unit stays with the number
        ("who is the mayor of Novi Sad", BRIDGE, "Milan Djuric"),  # two sentences after the place
        ("when does construction start", BRIDGE, "September"),
        ("how fast were the winds", STORM, "120 kilometres per hour"),
    ],
)
def test_the_reader_points_at_the_answer_in_text_it_never_saw(question: str, text: str, answer: str) -> None:
    span, margin = _best(question, text)
    assert span == answer
    assert margin > 0  # the span beats "no answer here"


def test_no_answer_wins_where_the_text_does_not_hold_one() -> None:
    _, margin = _best("Who is the prime minister of Japan?", BRIDGE)
    assert margin < 0


def test_a_span_is_scored_by_its_first_and_last_token() -> None:
    (logits,) = shipped_reader().read("how much will the bridge cost?", [BRIDGE])
    at = BRIDGE.index("40 million euros")
    whole = logits.score(at, at + len("40 million euros"))
    cut = logits.score(at, at + len("40 million"))
    assert whole is not None and cut is not None and whole > cut
    assert logits.score(len(BRIDGE) + 5, len(BRIDGE) + 9) is None  # no token there


def test_a_missing_reader_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="reinstall newsbot"):
        Reader(tmp_path)


def _option(text: str, p: float | None, margin: float) -> Option:
    passage = Passage(id=0, article_id="a", ordinal=0, title="t", text=BRIDGE)
    evidence = Evidence(BRIDGE, passage, [], Signals(0.0, 0.0, 0.0, 0.0), 0.0)
    return Option(text, evidence, p, margin)


def test_the_vote_weighs_the_candidates_and_the_reader() -> None:
    found = [_option("Thursday", 0.6, -4.0), _option("September", None, 6.0)]
    _, shown, features = choose(found, weight=0.8, own_bias=0.0, rules_text="Thursday", rules_p=0.6)
    assert shown == "September" and features[2] == 0.0  # the candidates' pick lost: they do not agree
    _, shown, features = choose(found, weight=0.1, own_bias=-3.0, rules_text="Thursday", rules_p=0.6)
    assert shown == "Thursday" and features[2] == 1.0
    assert choose([], weight=1.0, own_bias=0.0, rules_text=None, rules_p=0.0) is None


def test_the_candidates_full_form_is_shown_when_they_agree() -> None:
    found = [_option("Djuric", 0.7, 3.0)]
    _, shown, _ = choose(found, weight=0.8, own_bias=0.0, rules_text="Milan Djuric", rules_p=0.7)
    assert shown == "Milan Djuric"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("reader")
    articles = [
        Article(
            id="bridge", title="City approves new bridge", body=BRIDGE, source="demo", url="https://x.org/b"
        ),
        Article(id="storm", title="Storm hits coast", body=STORM, source="demo", url="https://x.org/s"),
    ]
    encoder = HashingEncoder()
    build_index(articles, root, encoder, IndexConfig())
    return Engine(root, encoder, SearchConfig(bold_confidence=0.0))


def test_the_engine_answers_with_the_reader(engine: Engine) -> None:
    answer = engine.ask("how much will the bridge cost?")
    assert answer.answer == "40 million euros"  # the candidates alone showed "40 million"
    assert "40 million euros" in (answer.sentence or "")
    assert answer.sources[0].article_id == "bridge"


def test_a_question_about_one_article_is_read_as_asked_not_pulled_to_its_lead(tmp_path: Path) -> None:
    title = "City council approves new bridge over the Danube"  # the lead's words: appended, they pulled it
    article = Article(id="bridge", title=title, body=BRIDGE, source="demo", url="https://x.org/b")
    build_index([article], tmp_path, HashingEncoder(), IndexConfig())
    engine = Engine(tmp_path, HashingEncoder(), SearchConfig())
    start = engine.ask("When does construction start?", article_id="bridge")
    assert start.sentence == "Construction starts in September."
    fund = engine.ask("Who will fund half of the bridge?", article_id="bridge")
    assert "European Union" in f"{fund.answer} {fund.sentence}"
    assert fund.sources[0].article_id == "bridge"


def test_a_question_below_the_decline_line_that_the_reader_answers_is_not_declined(engine: Engine) -> None:
    # in other words than the text's: the relevance model alone declines them
    for question, sentence in [
        ("How many homes were left without electricity?", "About 3,000 homes lost power in Split."),
        ("Who got hurt?", "Two people were injured by falling trees, police said."),
    ]:
        reading = engine.read(engine.data, question, engine.encoder.encode([question])[0])
        assert reading.relevance < engine.model.decline and reading.rescue is not None and reading.rescue > 0
        answer = engine.ask(question)
        assert answer.answered and answer.sentence == sentence
        assert not Engine(engine.root, engine.encoder, engine.config, reader=False).ask(question).answered
    for question in ("What is the capital of France?", "Who won the World Cup?"):  # no answer here
        assert not engine.ask(question).answered


def test_without_the_reader_the_candidates_answer(engine: Engine) -> None:
    plain = Engine(engine.root, engine.encoder, engine.config, reader=False)
    assert plain.reader is None
    assert plain.ask("how much will the bridge cost?").answer == "40 million"
    assert shipped_vote().bold > 0  # the fitted threshold the shipped configuration uses


def test_the_reader_reads_the_best_sentences_within_its_budget() -> None:
    passage = Passage(id=0, article_id="a", ordinal=0, title="t", text=BRIDGE)
    ranked = [Evidence(s, passage, [], Signals(0.0, 0.0, 0.0, 0.0), 0.0) for s in ("a b c", "d e", "f g h i")]
    words = lambda text: len(text.split())  # noqa: E731
    assert [e.sentence for e in sentences_read(ranked, words, budget=5)] == ["a b c", "d e"]
    assert [e.sentence for e in sentences_read(ranked, words, budget=2)] == ["a b c"]  # the first always
    assert [e.sentence for e in sentences_read([*ranked, ranked[0]], words, budget=99)] == [
        "a b c",
        "d e",
        "f g h i",
    ]
