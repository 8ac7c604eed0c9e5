"""Markdown and JSON Lines loaders, and a corrupt SQLite file (the store on both backends: test_storage.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from corpus import SourceConfig, SourceError, Store, StoreError, load_source


def test_markdown_folder_with_front_matter(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.md").write_text(
        "---\ntitle: Port reopens\ndate: 2024-03-05\nurl: https://n.test/port\n---\n"
        "The **port** reopened, said [the mayor](https://m.test).\n"
    )
    (folder / "sub" / "b.md").write_text("# Bridge closed\n\nOn 2 April 2024 the bridge closed.\n")
    articles = load_source(SourceConfig(name="local", type="markdown", path=str(folder)))
    assert [(a.title, a.published, a.url) for a in articles] == [
        ("Port reopens", dt.date(2024, 3, 5), "https://n.test/port"),
        ("Bridge closed", dt.date(2024, 4, 2), ""),
    ]
    assert articles[0].body == "The port reopened, said the mayor."


def test_markdown_bad_front_matter_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    with pytest.raises(SourceError, match=r"bad\.md"):
        load_source(SourceConfig(name="local", type="markdown", path=str(tmp_path)))


def test_jsonl_loads_and_names_the_bad_line(tmp_path: Path) -> None:
    good = {"title": "A", "date": "2022-06-12", "url": "https://n.test/a", "text": "Alpha text."}
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps({**good, "url": "https://n.test/b"}) + "\n")
    articles = load_source(SourceConfig(name="j", type="jsonl", path=str(path)))
    assert [a.url for a in articles] == ["https://n.test/a", "https://n.test/b"]
    assert articles[0].published == dt.date(2022, 6, 12)
    path.write_text(json.dumps(good) + "\n{not json\n")
    with pytest.raises(SourceError, match=r"a\.jsonl:2: not valid JSON"):
        load_source(SourceConfig(name="j", type="jsonl", path=str(path)))


def test_missing_source_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        load_source(SourceConfig(name="x", type="jsonl", path=str(tmp_path / "nope.jsonl")))


def test_corrupt_database_says_how_to_recover(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="newsbot ingest"):
        Store(path)


def test_local_files_over_the_size_limit_are_refused_without_reading_them_whole(tmp_path: Path) -> None:
    from corpus.loaders import Context

    huge = tmp_path / "huge.jsonl"
    ok = json.dumps({"title": "Port reopens", "text": "The port reopened on Monday."})
    huge.write_text(ok + "\n" + json.dumps({"title": "Big", "text": "x" * 3_000_000}) + "\n")
    limited = Context(max_bytes=1_000_000)
    with pytest.raises(SourceError, match=r"huge\.jsonl:2: a line over 1000000 characters"):
        load_source(SourceConfig(name="j", type="jsonl", path=str(huge)), limited)
    assert (
        len(load_source(SourceConfig(name="j", type="jsonl", path=str(huge)), Context(max_bytes=4_000_000)))
        == 2
    )
    page = tmp_path / "page.txt"
    page.write_text("Port reopens\n\n" + "The port reopened. " * 100_000)
    with pytest.raises(SourceError, match=r"page\.txt is \d+ bytes, over the 1000000-byte limit"):
        load_source(SourceConfig(name="p", type="textpage", path=str(page)), limited)


def test_lead_images_come_from_enclosures_media_tags_and_json_feeds(tmp_path: Path) -> None:
    from corpus.loaders.feed import parse_feed
    from corpus.loaders.jsonfeed import parse_json_feed

    rss = (
        b'<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>d</title>'
        b"<item><title>A</title><link>https://n.test/a</link><description>Alpha text.</description>"
        b'<media:thumbnail url="https://img.test/a.jpg"/></item>'
        b"<item><title>B</title><link>https://n.test/b</link><description>Beta text.</description>"
        b'<enclosure url="https://img.test/b.mp3" type="audio/mpeg" length="1"/></item>'
        b"</channel></rss>"
    )
    a, b = parse_feed(rss, source="s", max_articles=5)
    assert (a.image, b.image) == ("https://img.test/a.jpg", "")  # audio is no image
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {"id": "1", "title": "C", "content_text": "Gamma text.", "image": "https://img.test/c.png"},
            {"id": "2", "title": "D", "content_text": "Delta text.", "image": "javascript:alert(1)"},
        ],
    }
    c, d = parse_json_feed(json.dumps(feed).encode(), source="s", max_articles=5)
    assert (c.image, d.image) == ("https://img.test/c.png", "")
    with Store(tmp_path / "db.sqlite3") as store:
        store.upsert([a, c])
        assert {x.image for x in store.articles()} == {"https://img.test/a.jpg", "https://img.test/c.png"}
