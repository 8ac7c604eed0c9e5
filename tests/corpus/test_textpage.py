"""The bundled SELEC page splits into its 16 articles with the dates their texts give."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from corpus import SourceConfig, load_source
from corpus.loaders.textpage import is_headline, split_page
from tests.conftest import BUNDLED

EXPECTED = [
    (
        "Official visit to Central Asian Regional Information and Coordination Centre (CARICC)",
        dt.date(2018, 10, 12),
    ),
    ("EU - Western Balkans Justice and Home Affairs Ministerial Forum", dt.date(2018, 10, 4)),
    (
        "The Southeast European Law Enforcement Center together with OSCE update the manual for regional law "
        "enforcement officers on combating trafficking of illicit drugs",
        None,
    ),
    ("7 years of SELEC", dt.date(2018, 10, 7)),
    ("Organized Crime Threat Assessment for Southeast Europe", None),
    (
        "The Director General received the visit of the Ambassador of Republic of Belarus in Romania",
        dt.date(2018, 9, 25),
    ),
    ("Ministerial Conference on high-tech crime and information security", dt.date(2018, 9, 20)),
    ("Joint investigation on heroin trafficking conducted in the framework of SELEC", dt.date(2018, 8, 10)),
    ("Visit of the Ambassador of French Republic in Romania", dt.date(2018, 7, 10)),
    ("Security within the European Danube Region", dt.date(2018, 7, 3)),
    (
        "SELEC organized a workshop exploring the connections between firearms and drug trafficking",
        dt.date(2018, 6, 12),
    ),
    (
        "The Director General received the visit of the Albanian Director General of Internal Affairs Service and "
        "Complaints",
        dt.date(2018, 6, 14),
    ),
    (
        "The Director General received the visit of the Minister of Interior of Republic of Bulgaria",
        dt.date(2018, 6, 15),
    ),
    ("The Director General met the Serbian law enforcement officials", dt.date(2018, 6, 11)),
    ("SELEC awards Border Police officers of Bosnia and Herzegovina", dt.date(2018, 6, 6)),
    ("Organized Crime Threat Assessment for South East Europe (OCTA SEE)", dt.date(2018, 6, 5)),
]


def _articles():
    return load_source(
        SourceConfig(name="selec", type="textpage", path=str(BUNDLED), url="https://x.test/news")
    )


def test_bundled_page_has_the_16_articles_with_their_dates() -> None:
    articles = _articles()
    assert [(a.title, a.published) for a in articles] == EXPECTED


def test_navigation_and_read_more_are_dropped() -> None:
    articles = _articles()
    text = "\n".join(a.text for a in articles)
    assert "Home |" not in text and "» Home" not in text and "Home ::" not in text
    assert "[read more]" not in text
    assert all(a.body for a in articles)
    assert articles[0].body.startswith("At the invitation of the Director of CARICC")
    assert articles[-1].body.endswith("trans-border organized crime in Southeast Europe.")


def test_ids_are_stable_and_links_point_into_the_page() -> None:
    first, second = _articles(), _articles()
    assert [a.id for a in first] == [a.id for a in second]
    assert len({a.id for a in first}) == 16
    assert first[3].url == "https://x.test/news#7-years-of-selec"


def test_text_without_headlines_gives_no_articles() -> None:
    assert split_page("just one sentence of text.\n\nand another.") == []


_line = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=80
)


@given(st.lists(_line, max_size=30))
def test_split_page_never_invents_text(lines: list[str]) -> None:
    text = "\n\n".join(lines)
    stripped = {line.strip() for line in lines}
    for title, body in split_page(text):
        assert is_headline(title)
        assert title in stripped
        assert body
        for paragraph in body.split("\n\n"):
            assert any(paragraph in line for line in stripped)
