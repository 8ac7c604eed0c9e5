"""Question typing, answer candidates and fusion, without any model."""

from __future__ import annotations

import datetime as dt

import pytest

from index.answer.extract import asked_names, candidates
from index.answer.qtype import AnswerType, classify
from index.fusion import bring_named, reciprocal_rank_fusion, score_fusion
from index.hits import Hit
from index.text import question_stems


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("when did SELEC visit CARICC", AnswerType.DATE),
        ("In what year was it founded?", AnswerType.DATE),
        ("who coordinates the anti-fraud task force", AnswerType.AGENT),
        ("How many partners does SELEC have?", AnswerType.QUANTITY),
        ("Where was the event?", AnswerType.PLACE),
        ("What does OCTA SEE stand for?", AnswerType.EXPANSION),
        ("Which operation won first place?", AnswerType.ENTITY),
        ("Write me a poem about the sea", AnswerType.OTHER),
        ("Which country was hit hardest when the hurricane came?", AnswerType.PLACE),
        ("How many people died when the bridge collapsed?", AnswerType.QUANTITY),
        ("Who was the director when the center opened?", AnswerType.AGENT),
        ("and when was that?", AnswerType.DATE),
    ],
)
def test_classify(question: str, kind: AnswerType) -> None:
    assert classify(question).type is kind


def _best(sentence: str, question: str, **kw: object) -> str:
    found = candidates(sentence, classify(question), question, **kw)  # type: ignore[arg-type]
    return found[0].text if found else ""


def test_date_answers_prefer_full_dates_and_resolve_relative_ones() -> None:
    s = "CARICC was established in 1996; on October 12th, 2018 Mrs. Maleeva visited CARICC."
    assert _best(s, "When did Maleeva visit CARICC?") == "October 12th, 2018"
    assert _best("The talks ended yesterday.", "When did the talks end?", reference=dt.date(2024, 3, 5)) == (
        "yesterday (4 March 2024)"
    )


def test_a_question_about_the_future_is_not_answered_by_a_day_already_past() -> None:
    s = "On June 5th 2018, SELEC held the first meeting; the second is planned for September 2018."
    day = dt.date(2018, 6, 5)
    assert _best(s, "When will the second meeting take place?", reference=day) == "September 2018"
    assert _best(s, "When was the first meeting held?", reference=day) == "June 5th 2018"
    assert _best("It met on June 5th 2018.", "When will it meet again?", reference=day) == ""


def test_a_date_the_question_gives_is_not_its_answer() -> None:
    question = "Christine McVie died Wednesday at age 79. When did she join Fleetwood Mac?"
    assert _best("McVie, who joined Fleetwood Mac in 1970, died on Wednesday.", question) == "1970"


def test_agent_answers_use_the_verb_and_titles() -> None:
    s = (
        "On June 15th 2018, Mrs. Snejana Maleeva received the Minister, Mr. Valentin Radev, "
        "who was accompanied by Mrs. Snezhina Marinova, Director."
    )
    assert _best(s, "Who accompanied the minister?") == "Snezhina Marinova"
    s = "Mrs. Maleeva discussed matters with the General Police Director, Mr. Vladimir Rebic."
    assert _best(s, "Who is the General Police Director?") == "Vladimir Rebic"


def test_quantity_expansion_and_entity_answers() -> None:
    s = "Besides 11 Member States, French Republic is one of the 24 partners of the Center."
    assert _best(s, "How many partners are there?") == "24 partners"
    s = "SELEC launches the Organized Crime Threat Assessment for Southeast Europe (OCTA SEE 2018)."
    assert (
        _best(s, "What does OCTA SEE stand for?") == "Organized Crime Threat Assessment for Southeast Europe"
    )
    assert (
        _best("Within Operation Dardaneli, 21 persons were held.", "Which operation won?")
        == "Operation Dardaneli"
    )
    assert _best("The minister met the press.", "Write me a poem") == ""


def test_sums_of_money_keep_their_currency_and_the_questions_own_numbers_are_not_answers() -> None:
    s = "Sending 4,000 Guard members and 700 Marines cost $134 million, the Pentagon said."
    question = "How much money did the government spend to deploy 700 Marines and 4,000 Guard members?"
    assert _best(s, question) == "$134 million"
    assert _best("Fans pay 100 dollars for the ride, up from 13.", "How much will fans pay?") == "100 dollars"
    s = "Each child gets a one-time deposit of $1,000."
    assert _best(s, "A one-time contribution of how much money?") == "$1,000"
    s = "Police seized 11 kg of heroin and arrested four men."  # "how much heroin" is no question of money,
    found = candidates(s, classify("How much heroin was seized?"), "How much heroin was seized?")
    assert [c.text for c in found] == ["11 kg", "four"]  # but 11 kg is a measure of heroin, and seized
    assert found[0].score > found[1].score + 0.5


def test_a_part_keeps_the_whole_it_is_of() -> None:
    s = "The Liberals won 169 of 343 seats, while the Conservatives took 144 seats."
    assert _best(s, "How many seats did the Liberals win?") == "169 of 343 seats"
    s = "Only 12 out of the 15 members voted, and 3 members abstained."
    assert _best(s, "How many members voted?") == "12 out of the 15 members"
    assert _best("There are 343 seats in the House.", "How many seats are there?") == "343 seats"


def test_rrf_rewards_agreement_and_ignores_zero_weights() -> None:
    dense = [Hit(1, 0.9), Hit(2, 0.8), Hit(3, 0.7)]
    lexical = [Hit(3, 12.0), Hit(1, 9.0)]
    fused = reciprocal_rank_fusion([dense, lexical], k=60)
    assert [h.id for h in fused] == [1, 3, 2]
    assert fused[0].score == pytest.approx(1 / 61 + 1 / 62)
    assert [h.id for h in reciprocal_rank_fusion([dense, lexical], weights=[0.0, 1.0])] == [3, 1]
    fused = score_fusion([dense, lexical])  # min-max: 1 -> 1 + 0, 3 -> 0 + 1, 2 -> 0.5
    assert [(h.id, h.score) for h in fused] == [(1, 1.0), (3, 1.0), (2, pytest.approx(0.5))]


def test_the_issues_wrong_bold_answers() -> None:
    """Two of issue 11's wrong answers: the apposition behind a title, and a unit inside the number."""
    s = (
        "On June 15th 2018, the Director General of SELEC, Mrs. Snejana Maleeva, received the Minister, "
        "Mr. Valentin Radev, who was accompanied by Mrs. Snezhina Marinova, Director of European Affairs."
    )
    assert _best(s, "Who is the Director General of SELEC?") == "Snejana Maleeva"
    assert _best(s, "Who accompanied the minister?") == "Snezhina Marinova"
    heroin = "Following four months exchange of information, the police seized 11 kg of heroin."
    assert _best(heroin, "How many kg of heroin were seized?") == "11 kg"


def test_a_measure_of_the_thing_asked_is_its_amount_and_a_duration_is_not() -> None:
    s = "Following four months of talks, the police seized 11 kg of heroin and apprehended 3 persons."
    assert _best(s, "How much heroin was seized in Istanbul?") == "11 kg"
    assert _best(s, "How many people were arrested?") == "3 persons"  # a synonym of the unit asked
    assert _best(s, "How many months did the talks last?") == "four months"
    smuggled = "There, 21 persons were apprehended; the group had smuggled around 100 persons."
    assert _best(smuggled, "How many people did the group smuggle?") == "100 persons"  # the verb asked
    assert _best(smuggled, "How many were arrested?") == "21"  # "were apprehended", a synonym
    assert (
        _best("Besides SELEC, 3 partners and 24 observers.", "How many observers does SELEC have?")
        == "24 observers"
    )
    meth = "It was not one of Heiden's races. Agents found 500 pounds of meth."
    assert _best(meth, "How much meth did Heiden's agents find?") == "500 pounds"


def test_a_name_that_opens_with_the_questions_words_is_what_it_asks_about_not_its_answer() -> None:
    s = "The updated Controlled Delivery Manual for South-East European Countries lists officers of 17 SELEC countries."
    assert _best(s, "Who updated the controlled delivery manual?") == "SELEC"
    assert (
        _best("The London Borough of Hackney voted.", "Which London borough voted?")
        == "London Borough of Hackney"
    )


def test_a_name_before_a_title_is_its_apposition_only_across_a_comma() -> None:
    s = (
        "She met the Minister of Interior, Mr. Nebojša Stefanovic and the Director General of Customs "
        "Administration, Mr. Milos Tomic."
    )
    assert _best(s, "Who is the Director General of Customs Administration?") == "Milos Tomic"
    chief = "The talks were led by Zoran Galic, the Director of Border Police, in Sarajevo."
    assert _best(chief, "Who is the Director of Border Police?") == "Zoran Galic"


def test_a_name_the_question_gives_brings_a_passage_that_holds_it_into_those_read() -> None:
    assert asked_names("Who is SELEC's Director for Operations?") == [("Director for Operations",)]
    assert asked_names("Who is the Director General of Customs Administration of Serbia?") == [
        (
            "Director General of Customs Administration of Serbia",
            "Director General of Customs Administration",
            "Director General",
        )
    ]
    assert asked_names("What did Taylor Swift say?") == [("Taylor Swift",)]
    texts = {
        1: "Maleeva discussed operational matters with the police director.",
        2: "The director general spoke.",
        3: "The weather.",
        4: "Opening remarks by Mr. Ungureanu, Director for Operations of SELEC.",
        5: "Another Director for Operations passage.",
    }
    hits = [Hit(i, 1.0 / i) for i in texts]
    names = asked_names("Who is SELEC's Director for Operations?")
    assert [h.id for h in bring_named(hits, names, texts.__getitem__, at=2)] == [1, 2, 4, 3, 5]
    assert [h.id for h in bring_named(hits, names, texts.__getitem__, at=4)] == [
        1,
        2,
        3,
        4,
        5,
    ]  # read already
    assert [h.id for h in bring_named(hits, [("Taylor Swift",)], texts.__getitem__, at=2)] == [1, 2, 3, 4, 5]
    forms = asked_names("Who is the Director General of Customs Administration of Serbia?")
    assert [h.id for h in bring_named(hits, forms, texts.__getitem__, at=1)] == [
        1,
        2,
        3,
        4,
        5,
    ]  # its shortest form: hit 2, already next


def test_article_support_lifts_an_article_that_several_passages_match() -> None:
    from index.fusion import article_support

    hits = [Hit(1, 1.0), Hit(2, 0.9), Hit(3, 0.8)]
    article = {1: "a", 2: "b", 3: "b"}.get
    assert [h.id for h in article_support(hits, article, weight=0.0)] == [1, 2, 3]
    assert [h.id for h in article_support(hits, article, weight=0.5)] == [2, 3, 1]


def test_a_closing_called_asks_for_a_name_and_is_no_term() -> None:
    assert question_stems("What was SELEC's predecessor called?") == ["selec", "predecessor"]
    assert question_stems("What is the new program named ?") == ["new", "program"]
    assert question_stems("Who called for a ceasefire?") == ["call", "ceasefir"]  # the verb asked about
