"""Date expressions in news text, and metadata dates."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.dates import find_dates, first_full_date, parse_date

REF = dt.date(2018, 10, 12)  # a Friday


@pytest.mark.parametrize(
    ("text", "found", "date"),
    [
        ("on October 12th, 2018, Mrs", "October 12th, 2018", dt.date(2018, 10, 12)),
        ("During 4-5 October 2018, Mrs", "4-5 October 2018", dt.date(2018, 10, 4)),
        ("On 7th of October 2018 we", "7th of October 2018", dt.date(2018, 10, 7)),
        ("on 20th and 21st September 2018.", "20th and 21st September 2018", dt.date(2018, 9, 20)),
        ("On August 10th 2018 the", "August 10th 2018", dt.date(2018, 8, 10)),
        ("granted in May 2017.", "May 2017", dt.date(2017, 5, 1)),
        ("founded in 1999", "1999", dt.date(1999, 1, 1)),
        ("results obtained during 2017, and", "2017", dt.date(2017, 1, 1)),
        ("not before 2020.", "2020", dt.date(2020, 1, 1)),
        ("published 2022-06-12 at", "2022-06-12", dt.date(2022, 6, 12)),
        ("they met yesterday", "yesterday", dt.date(2018, 10, 11)),
        ("they met last Monday", "last Monday", dt.date(2018, 10, 8)),
        ("they meet next Monday", "next Monday", dt.date(2018, 10, 15)),
        ("On June 5 the", "June 5", dt.date(2018, 6, 5)),
    ],
)
def test_find_dates_resolves_against_the_article_date(text: str, found: str, date: dt.date) -> None:
    mentions = find_dates(text, REF)
    assert [(m.text, m.date) for m in mentions] == [(found, date)]


def test_numbers_and_modal_may_are_not_dates() -> None:
    assert find_dates("the EUSDR 2010 Action Plan") == []
    assert find_dates("you may 5 times try") == []
    assert find_dates("seized 11 kg of heroin") == []


def test_relative_dates_without_reference_stay_unresolved() -> None:
    [mention] = find_dates("they met yesterday")
    assert mention.date is None and not mention.explicit_year


def test_first_full_date_skips_partial_dates() -> None:
    assert first_full_date("In 1996 it began; on 3 March 2001 it ended") == dt.date(2001, 3, 3)
    assert first_full_date("OCTA SEE 2018 was launched") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-06-12", dt.date(2022, 6, 12)),
        ("26-FEB-1987 15:01:01.79", dt.date(1987, 2, 26)),
        ("Tue, 10 Jun 2003 04:00:00 GMT", dt.date(2003, 6, 10)),
        ("12 October 2018", dt.date(2018, 10, 12)),
        (dt.date(2020, 1, 2), dt.date(2020, 1, 2)),
        ("", None),
        ("not a date", None),
    ],
)
def test_parse_date(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("reference", [dt.date(9999, 12, 31), dt.date(1, 1, 1)])
def test_relative_dates_at_the_ends_of_the_calendar_do_not_overflow(reference: dt.date) -> None:
    mentions = find_dates(
        "They met yesterday and meet again tomorrow, next Monday or last Friday.", reference
    )
    assert [m.text for m in mentions] == ["yesterday", "tomorrow", "next Monday", "last Friday"]
    assert all(m.date is None or dt.date(1, 1, 1) <= m.date <= dt.date(9999, 12, 31) for m in mentions)


def test_publication_dates_outside_a_sane_window_are_dropped() -> None:
    from corpus import make_article

    def dated(day: dt.date) -> dt.date | None:
        return make_article(title="t", body="b", source="s", published=day).published

    assert dated(dt.date(9999, 12, 31)) is None and dated(dt.date(1, 1, 1)) is None
    assert dated(dt.date(1899, 12, 31)) is None and dated(dt.date(1900, 1, 1)) == dt.date(1900, 1, 1)
    assert dated(dt.date(2018, 10, 12)) == dt.date(2018, 10, 12)
