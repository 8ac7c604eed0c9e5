"""Candidate answer spans and the choice among them, without any index."""

from __future__ import annotations

import numpy as np

from index.answer.evidence import Evidence, Signals
from index.answer.extract import candidates, name_spans
from index.answer.features import (
    SENTENCE_FEATURES,
    SPAN_FEATURES,
    asked_kind,
    sentence_features,
    span_features,
    type_fit,
)
from index.answer.qtype import classify
from index.answer.spans import full_form, likeliest, shown_text, spans_of, typed_sentence_first, with_region
from index.passages import Passage
from index.text import content_stems


def _evidence(sentence: str, question: str, score: float = 1.0, pid: int = 1) -> Evidence:
    passage = Passage(id=pid, article_id=f"a{pid}", ordinal=0, title="A title", text=sentence)
    return Evidence(
        sentence,
        passage,
        candidates(sentence, classify(question), question),
        Signals(0.5, 0.5, 0.0, 0.0),
        score,
    )


def test_names_lose_possessives_and_trailing_titles() -> None:
    found = [text for text, *_ in name_spans("Oregon’s governor met Mrs. Maleeva and Mr. Radev in Salem.")]
    assert found == ["Oregon", "Maleeva", "Radev", "Salem"]


def test_dotted_acronyms_are_one_word_of_a_name() -> None:
    sentence = "U.S. Capitol Police said the U.S. dollar and J.K. Rowling met U.N. chief Antonio Guterres."
    found = [text for text, *_ in name_spans(sentence)]
    assert found == ["U.S. Capitol Police", "U.S.", "J.K. Rowling", "U.N.", "Antonio Guterres"]


def test_time_zones_and_shouted_headlines_are_not_part_of_names() -> None:
    sentence = "At 10:30 a.m. ET President Donald Trump SIGNED THE BILL TO RELEASE THE FILES with NATO."
    assert [text for text, *_ in name_spans(sentence)] == ["President Donald Trump", "NATO"]


def test_every_name_number_and_date_is_a_candidate_and_long_names_are_cut_at_the_questions_words() -> None:
    question = "Congress grilled the CEO of which social media company?"
    ev = _evidence(
        "TikTok CEO Shou Zi Chew testified on March 23, 2023 about $1.5 billion in spending.", question
    )
    spans = spans_of([ev], classify(question), {"congress", "grill", "ceo", "social", "media", "company"}, {})
    texts = {s.candidate.text: s.kind for s in spans}
    assert texts["TikTok"] == "piece" and texts["Shou Zi Chew"] == "piece"
    assert texts["TikTok CEO Shou Zi Chew"] == "name"
    assert texts["$1.5 billion"] == "number" and texts["March 23, 2023"] == "date"


def test_a_word_of_the_questions_family_is_cut_too() -> None:
    question = "Which ministry organised the conference on high-tech crime?"
    ev = _evidence(
        "Maleeva attended the Ministerial Conference organized by the Ministry of the Interior.", question
    )
    spans = spans_of([ev], classify(question), set(content_stems(question)), {})
    texts = {s.candidate.text: s.kind for s in spans}
    assert "Ministerial" not in texts  # the adjective of the asked "ministry" is no answer of itself
    assert texts["Ministerial Conference"] == "name"
    assert texts["Ministry of the Interior"] == "name"


def test_spans_of_one_text_pool_their_evidence() -> None:
    question = "Which country landed a spacecraft on the moon?"
    a = _evidence("India landed Chandrayaan-3 near the south pole.", question, pid=1)
    b = _evidence("Scientists in India cheered as ISRO confirmed it.", question, 0.9, pid=2)
    spans = spans_of([a, b], classify(question), set(), {})
    probs = [0.4 if s.candidate.text == "India" else 0.0 for s in spans]
    probs[[s.candidate.text for s in spans].index("Chandrayaan-3")] = 0.5
    choice = likeliest(spans, probs, qtype=classify(question))
    assert choice is not None and spans[choice.index].candidate.text == "India"
    assert abs(choice.pooled - 0.64) < 1e-9 and choice.runner_up == 0.5  # noisy-or of 0.4 and 0.4


def test_typed_questions_keep_the_typed_extractors_first_candidate_in_the_best_sentence() -> None:
    question = "Who represented SELEC at the forum in Tirana?"
    ev = _evidence("Mrs. Snejana Maleeva represented SELEC at the Ministerial Forum in Tirana.", question)
    spans = spans_of([ev], classify(question), {"repres", "selec", "forum", "tirana"}, {})
    assert ev.candidates[0].text == "Snejana Maleeva"
    probs = [0.9 if "Forum" in s.candidate.text else 0.1 for s in spans]
    choice = likeliest(spans, probs, qtype=classify(question))
    assert choice is not None and spans[choice.index].candidate.text == "Snejana Maleeva"
    entity_q = classify("Which forum did SELEC attend?")
    other = likeliest(spans, probs, qtype=entity_q)  # no typed rule for "which X": the model decides
    assert other is not None and "Forum" in spans[other.index].candidate.text


def test_span_features_see_the_question_the_sentence_and_the_type() -> None:
    question = "Which country landed a spacecraft on the moon?"
    ev = _evidence("India landed a spacecraft on the moon, said ISRO in Bengaluru.", question)
    spans = spans_of([ev], classify(question), {"country", "land", "spacecraft", "moon"}, {})
    rows = dict(
        zip(
            (s.candidate.text for s in spans),
            span_features(
                question, classify(question), spans, [ev.passage], rarity=lambda t: 0.5, embed=_embed
            ),
            strict=True,
        )
    )
    india, isro = (dict(zip(SPAN_FEATURES, rows[t], strict=True)) for t in ("India", "ISRO"))
    assert india["place_match"] == 1.0 and isro["place_miss"] == 1.0
    assert india["at_start"] == 1.0 and india["near"] > isro["near"]
    assert len(rows["India"]) == len(SPAN_FEATURES)
    assert india["type_asked"] == 1.0 and india["type_cos"] > isro["type_cos"]
    assert india["type_gap"] == 0.0 and isro["type_gap"] < 0.0


def _embed(texts: list[str]) -> np.ndarray:
    """Unit vectors in which countries lie near "country" and everything else elsewhere."""
    near = {"country", "India", "Bengaluru"}
    rows = [[1.0, 0.2] if t in near else [0.1, 1.0] for t in texts]
    return np.array(rows) / np.linalg.norm(rows, axis=1, keepdims=True)


def test_numbers_and_dates_are_compared_to_the_kind_by_their_shape() -> None:
    question = "In what year will the station be retired, at a cost of how much?"
    ev = _evidence(
        "NASA will retire the station in 2030 at a cost of $4.25 billion, Bill Nelson said.", question
    )
    spans = spans_of([ev], classify(question), {"station", "retir"}, {})
    embedded: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return _embed(texts)

    span_features(question, classify(question), spans, [ev.passage], rarity=lambda t: 0.5, embed=embed)
    kinds = {s.candidate.text: s.kind for s in spans}
    assert kinds["2030"] == "date" and kinds["$4.25 billion"] == "number"
    assert "2000" in embedded and "$5.55 billion" in embedded  # a year and a number, by shape
    assert "2030" not in embedded and "$4.25 billion" not in embedded
    assert "Bill Nelson" in embedded  # names are compared as written


def test_the_kind_asked_for_is_the_noun_after_which_or_a_person_or_place() -> None:
    assert asked_kind("Which tech company cut 9,000 jobs?") == "tech company"
    assert asked_kind("What sport do they play?") == "sport"
    assert asked_kind("Who won the Hart Trophy?") == "person"
    assert asked_kind("Where did the blast occur?") == "place"
    assert asked_kind("What is the name of the new party?") == "name"
    assert asked_kind("What was the code name of the heroin case?") == "code name"
    assert asked_kind("What is SELEC?") is None
    assert asked_kind("Which London borough is the cheapest?") == "borough"  # its lowercase words
    assert asked_kind("Scientists mapped which animal's brain?") == "animal"
    assert asked_kind("He was treated for what type of infection?") == "infection"
    assert asked_kind("Which company lost the lawsuit?") == "company"  # an irregular verb ends it
    assert asked_kind("How many moons does Saturn have?") == "number"
    assert type_fit(asked_kind("Why did it rain?"), ["95", "274"], _embed) == [0.0, 0.0]


def test_a_short_name_is_shown_in_full_when_the_passages_give_it() -> None:
    texts = ["Singer Taylor Swift released an album.", "Swift said it was her best.", "Taylor Swift toured."]
    assert full_form("Swift", texts, set()) == "Taylor Swift"
    # a role word is not part of the name; a word the question asks for is
    assert full_form("Trump", ["President Trump spoke."], set()) == "Trump"
    assert full_form("America", ["He founded the America Party."], {"parti"}) == "America Party"
    assert full_form("America", ["He founded the America Party."], set()) == "America"
    assert full_form("Artemis", ["NASA delayed Artemis II again."], set()) == "Artemis II"
    assert full_form("95", ["Taylor 95 Swift"], set()) == "95"
    # a role word before the full name is dropped, not a reason to keep the short one
    assert full_form("Biden", ["President Joe Biden signed it.", "Biden said so."], set()) == "Joe Biden"


def test_a_number_is_shown_with_the_words_of_what_the_question_counts() -> None:
    question = "How many operational partners does SELEC have?"
    ev = _evidence("Besides 11 Member States, 3 Operational partners and 21 Observers joined.", question)
    asked = set(content_stems(question))
    shown = {
        s.candidate.text: shown_text(s, [], asked) for s in spans_of([ev], classify(question), asked, {})
    }
    assert shown["3 Operational"] == "3 Operational partners"  # the candidate keeps the one unit word
    assert shown["21"] == "21" and shown["11"] == "11"


def test_a_town_is_shown_with_the_state_or_country_the_sentence_gives() -> None:
    sentence = (
        "Leaders met in Davos, Switzerland, then flew to Paris, where France hosted them, Mr. Bob said."
    )
    at = sentence.index
    assert with_region("Davos", sentence, at("Davos") + 5) == "Davos, Switzerland"
    assert with_region("Paris", sentence, at("Paris") + 5) == "Paris"  # "where" follows, no region
    assert with_region("France", sentence, at("France") + 6) == "France"  # a country is not a town
    assert with_region("Bob", sentence, at("Bob") + 3) == "Bob"


def test_an_ordinal_belongs_to_the_name_it_opens() -> None:
    found = [text for text, *_ in name_spans("The 19th Amendment was ratified; the 2nd Circuit agreed.")]
    assert found == ["19th Amendment", "2nd Circuit"]


def test_quoted_titles_and_mottos_are_candidates() -> None:
    question = "What is the motto of the report?"
    ev = _evidence("The report’s motto “crime steers online” applies to all crime areas.", question)
    texts = [s.candidate.text for s in spans_of([ev], classify(question), {"motto", "report"}, {})]
    assert "crime steers online" in texts
    sentence = '“We look with anticipation on the growing jackpot,” he said. The song “Golden,” won; “raw,” it said "so"'
    question = "Which song won?"
    texts = [
        s.candidate.text for s in spans_of([_evidence(sentence, question)], classify(question), set(), {})
    ]
    quoted = [
        t
        for t in texts
        if t[0].islower() or t in ("Golden", "We look with anticipation on the growing jackpot")
    ]
    assert quoted == ["Golden", "raw", "so"]  # speech is no title, nor is the text between two quotations


def test_sentence_features_say_which_sentence_holds_the_likeliest_answer() -> None:
    question = "Which country landed on the moon?"
    first = _evidence("The moon landing was watched worldwide.", question, score=1.0, pid=1)
    second = _evidence("India landed a spacecraft on the moon.", question, score=0.8, pid=2)
    spans = spans_of([first, second], classify(question), {"country", "land", "moon"}, {})
    probs = [0.9 if s.candidate.text == "India" else 0.1 for s in spans]
    india = next(s for s in spans if s.candidate.text == "India")
    rows = [
        dict(zip(SENTENCE_FEATURES, r, strict=True))
        for r in sentence_features([first, second], spans, probs, india)
    ]
    assert len(rows) == 2 and rows[0]["score_gap"] == 0.0 and rows[1]["score_gap"] < 0.0
    assert rows[1]["span_max"] == 0.9 and rows[1]["chosen"] == 1.0 and rows[0]["chosen"] == 0.0


def test_the_best_sentence_is_shown_by_rule_only_when_it_holds_what_a_typed_question_asks() -> None:
    question = "How much heroin was seized?"
    without = _evidence("The heroin was to be taken by car to Western Europe.", question)
    with_amount = _evidence("The police seized 11 kg of heroin.", question, 0.9, pid=2)
    assert not without.candidates and with_amount.candidates
    assert typed_sentence_first(classify(question), [with_amount, without])
    assert not typed_sentence_first(classify(question), [without, with_amount])  # the sentence model decides
    assert not typed_sentence_first(classify("Which drug was seized?"), [with_amount])


def test_role_words_alone_answer_only_a_question_about_a_position() -> None:
    sentence = "She received the Ambassador of France, Ms. Michèle Ramis; the Ambassador spoke."
    for question, wanted in [
        ("Which French diplomat visited?", False),
        ("What position does Ramis hold?", True),
    ]:
        asked = set(content_stems(question))
        texts = {
            s.candidate.text for s in spans_of([_evidence(sentence, question)], classify(question), asked, {})
        }
        assert "Michèle Ramis" in texts
        assert ("Ambassador" in texts) is wanted
