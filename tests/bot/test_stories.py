"""Stories: articles of one event from several outlets are grouped; far apart in time or unalike, never."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.core.state import BotState
from bot.core.stories import Stories, pair_score
from bot.core.topics import lead_text
from corpus import Store, make_article
from index.encoders.hashing import HashingEncoder

TEXT = "On 9 March 2024 customs officers in Burgas seized 12 tonnes of counterfeit cigarettes from a ship."


def _article(key: str, title: str, day: dt.date | None, text: str = TEXT):  # type: ignore[no-untyped-def]
    body = f"{text} Reported by {key}."  # one text per outlet: the same text twice is stored once
    return make_article(title=title, body=body, source=key, url=f"https://{key}.test/1", published=day)


def test_grouping_needs_alike_text_and_a_time_window(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    BotState(store)  # the bot's tables, stories included
    stories, encoder = Stories(store), HashingEncoder()
    first = _article("desk", "Customs seize cigarettes in Burgas", dt.date(2024, 3, 9))
    store.upsert([first])
    own = stories.assign([first], encoder.encode([lead_text(first)]))
    with store.transaction() as tx:
        Stories.record(tx, own, [first.id])
    fresh = [
        _article("wire", "Burgas customs seize cigarettes", dt.date(2024, 3, 10)),  # the same story
        _article("late", "Burgas customs seize cigarettes", dt.date(2024, 3, 20)),  # outside the window
        _article("undated", "Burgas customs seize cigarettes", None),
        _article("other", "Port reopens", dt.date(2024, 3, 9), "The port of Varna reopened after a storm."),
    ]
    vectors = encoder.encode([lead_text(a) for a in fresh])
    assigned = stories.assign(fresh, vectors)
    assert [assigned[a.id][0] == first.id for a in fresh] == [True, False, False, False]
    va, vb = vectors[0], vectors[3]
    alike = pair_score(fresh[0].title, va, first.title, encoder.encode([lead_text(first)])[0])
    assert alike > pair_score(fresh[0].title, va, fresh[3].title, vb)
    store.upsert(fresh)
    with store.transaction() as tx:
        Stories.record(tx, assigned, [a.id for a in fresh])
    assert [s.source for s in stories.siblings(first.id)] == ["wire"]
    store.close()
