"""Hostile sources and source lists (issue 31, items 1, 10, 11): a bad item or source URL never stops
/ingest, OPML keeps each feed's type and imports in one pass, names never clash silently, and every bad
address gets a reply saying what is wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config
from bot.core.services import Newsbot
from corpus import SourceConfig
from tests.botkit import running
from tests.fakebot import FakeBotApi
from tests.newsserver import NewsSite, Route, rss, serve

ADMIN = 777
STORY = "On 5 March 2024 the port of Varna reopened after a storm closed it for three days, officials said."
GRAIN = "The harbour authority in Constanta said on Monday that grain exports rose for a third month."
FAST = {"allow_private_addresses": True, "interval_minutes": 0, "retries": 0, "timeout_s": 2}


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve(NewsSite()) as s:
        yield s


async def test_ingest_finishes_past_a_bad_item_and_a_bad_source(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    site.routes["/trap"] = Route(
        rss(
            [
                {"title": "Trap", "link": "http://x:99999/a", "description": STORY},
                {"title": "Port reopens", "link": site.url("/port"), "description": STORY},
            ]
        )
    )
    site.routes["/good"] = Route(rss([{"title": "Grain", "link": site.url("/g"), "description": GRAIN}]))
    config = load_config(
        write_config(
            sources=[
                {"name": "trap", "type": "feed", "url": site.url("/trap")},
                {"name": "broken", "type": "feed", "url": "http://x:99999/rss"},
                {"name": "good", "type": "feed", "url": site.url("/good")},
            ],
            ingest=FAST,
            telegram={"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1},
        )
    )
    async with running(config, fake):
        await fake.message("/ingest", chat_id=ADMIN)
        [done] = await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text, timeout=60)
        await fake.message("what reopened after a storm?", chat_id=5)
        [answer] = await fake.wait_sent(lambda s: s.chat_id == 5, timeout=60)
    # the pass at start-up stored what could be read; /ingest reads every source again
    assert "trap: 0 added" in done.text and "1 unchanged" in done.text and "1 bad items skipped" in done.text
    assert "broken: FAILED: invalid URL" in done.text and "good: 0 added" in done.text
    assert not any("ValueError" in s.text for s in fake.to(ADMIN))
    assert "Port reopens" in answer.text


async def test_addsource_of_a_broken_address_says_what_is_wrong(
    fake: FakeBotApi, site: NewsSite, write_config: Callable[..., Path]
) -> None:
    site.routes["/evil"] = Route(
        b'<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">'
    )
    config = load_config(
        write_config(ingest=FAST, telegram={"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1})
    )
    async with running(config, fake):
        for url in ("http://[::1/feed", "http://x:99999/rss", site.url("/evil")):
            await fake.message(f"/addsource {url}", chat_id=ADMIN)
        replies = await fake.wait_sent(lambda s: s.chat_id == ADMIN, count=3, timeout=30)
    texts = [r.text for r in replies]
    assert all(t.startswith("Not added:") for t in texts), texts
    assert "invalid URL" in texts[0] and "invalid URL" in texts[1] and "cannot be added" in texts[2]


def test_opml_round_trip_keeps_json_feeds_and_stores_only_web_addresses(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config()
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        '<outline text="Wire" type="json" xmlUrl="https://wire.test/feed.json"/>'
        '<outline text="Desk" type="rss" xmlUrl="https://desk.test/rss"/>'
        '<outline text="Passwd" type="rss" xmlUrl="file:///etc/passwd"/>'
        '<outline text="Script" type="rss" xmlUrl="javascript:alert(1)"/>'
        '<outline text="Port" type="rss" xmlUrl="http://x:99999/rss"/>'
        "</body></opml>"
    )
    assert main(["--config", str(config), "sources", "import", str(opml)]) == 0
    out = capsys.readouterr().out
    assert "imported 2 feed(s), skipped 3" in out and "invalid URL" in out
    assert main(["--config", str(config), "sources", "export"]) == 0
    exported = tmp_path / "out.opml"
    exported.write_text(capsys.readouterr().out)
    config2 = write_config(data_dir=str(tmp_path / "data2"))
    assert main(["--config", str(config2), "sources", "import", str(exported)]) == 0
    app = Newsbot(load_config(config2))
    kinds = {s.name: s.type for s in app.all_sources()}
    app.close()
    assert kinds == {"selec": "textpage", "wire": "jsonfeed", "desk": "feed"}


def test_opml_import_reads_the_sources_once_and_stores_them_in_one_transaction(
    write_config: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.sources import import_opml

    outlines = "".join(f'<outline text="Feed {i}" xmlUrl="https://f{i}.test/rss"/>' for i in range(600))
    opml = tmp_path / "many.opml"
    opml.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>')
    app = Newsbot(load_config(write_config(ingest={"max_import_sources": 1000})))
    calls = {"all_sources": 0, "transactions": 0}
    real_all, real_tx = app.all_sources, app.store.transaction

    def counted_all() -> list[SourceConfig]:
        calls["all_sources"] += 1
        return real_all()

    def counted_tx(*args, **kwargs):
        calls["transactions"] += 1
        return real_tx(*args, **kwargs)

    monkeypatch.setattr(app, "all_sources", counted_all)
    monkeypatch.setattr(app.store, "transaction", counted_tx)
    seen: list[int] = []
    added, skipped = import_opml(app, opml, progress=lambda done, total: seen.append(done))
    assert len(added) == 600 and not skipped and seen[-1] == 600
    assert calls["all_sources"] == 1 and calls["transactions"] <= 2  # not once per outline
    monkeypatch.undo()
    assert len(app.all_sources()) == 601
    app.close()


def test_an_opml_file_over_the_cap_is_refused_naming_the_setting(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outlines = "".join(f'<outline text="F{i}" xmlUrl="https://f{i}.test/rss"/>' for i in range(11))
    opml = tmp_path / "many.opml"
    opml.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>')
    config = write_config(ingest={"max_import_sources": 10})
    assert main(["--config", str(config), "sources", "import", str(opml)]) == 2
    err = capsys.readouterr().err
    assert "lists 11 feeds, over the limit of 10 (ingest.max_import_sources)" in err


def test_an_added_source_whose_name_config_takes_later_is_renamed_not_hidden(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config()
    app = Newsbot(load_config(config))
    app.added_sources.add(SourceConfig(name="desk", type="feed", url="https://desk.test/rss"))
    app.close()
    news = tmp_path / "desk.txt"
    news.write_text("Port reopens\n\n" + STORY + "\n")
    config = write_config(
        sources=[
            {
                "name": "selec",
                "type": "textpage",
                "path": str(Path(__file__).parents[2] / "corpus/bundled/selec-news-2018.txt"),
            },
            {"name": "desk", "type": "textpage", "path": str(news)},
        ]
    )
    assert main(["--config", str(config), "sources"]) == 0
    listing = capsys.readouterr().out
    assert "desk: textpage" in listing and "desk-added: feed https://desk.test/rss (added)" in listing
    assert (
        main(["--config", str(config), "sources", "remove", "desk"]) == 2
    )  # config.yaml's, not the added one
    assert main(["--config", str(config), "sources", "export"]) == 0
    assert "https://desk.test/rss" in capsys.readouterr().out
