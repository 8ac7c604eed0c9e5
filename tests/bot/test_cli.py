"""The console: what a newcomer sees (hashing encoder, bundled corpus)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config


def test_ask_without_a_question_is_a_usage_error_before_any_work(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config()
    assert main(["--config", str(config), "ask"]) == 2
    err = capsys.readouterr().err
    assert "give a question" in err and "config error" not in err
    assert not (config.parent / "data" / "index").exists()  # nothing was built or loaded


def test_eval_of_a_missing_file_names_it_without_calling_it_a_config_error(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--config", str(write_config()), "eval", str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert "nope.yaml" in err and "config error" not in err


def test_chat_explains_commands_instead_of_asking_them(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("/help\nhi\n"))
    assert main(["--config", str(write_config(log_level="INFO")), "chat"]) == 0
    out = capsys.readouterr()
    assert "just type a question" in out.out and "couldn't find" not in out.out.lower()
    assert "Hello!" in out.out
    assert "INFO" not in out.err and "DEBUG" not in out.err  # console commands log warnings only


def test_a_follow_up_in_the_console_is_asked_of_the_last_answers_article(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("when did SELEC visit CARICC\nand who went there?\n"))
    assert main(["--config", str(write_config()), "chat"]) == 0
    first, second = capsys.readouterr().out.strip().split("\n\n", 1)
    assert "CARICC" in first and "Maleeva" in second and "(CARICC)" in second  # the same article's source


def test_health_reads_as_lines_and_an_empty_store_is_broken(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = write_config(sources=[{"name": "gone", "type": "jsonl", "path": str(tmp_path / "moved.jsonl")}])
    main(["--config", str(empty), "ingest", "--no-index"])
    capsys.readouterr()
    assert main(["--config", str(empty), "health"]) == 1
    out = capsys.readouterr().out
    assert "status: broken" in out and "no articles" in out and "{" not in out


def test_stats_names_the_index_version(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config()
    assert main(["--config", str(config), "index"]) == 0
    capsys.readouterr()
    assert main(["--config", str(config), "stats"]) == 0
    assert "index: version v-" in capsys.readouterr().out


def test_a_rebuild_does_not_call_the_articles_new(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config()
    assert main(["--config", str(config), "index"]) == 0
    assert "16 added" in capsys.readouterr().out
    assert main(["--config", str(config), "index", "--rebuild"]) == 0
    out = capsys.readouterr().out
    assert "rebuilt from scratch: 16 articles" in out and "added" not in out


def test_health_says_when_the_index_lags_the_store_and_start_catches_up(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.config import load_config
    from bot.core.services import Newsbot
    from corpus import make_article

    config = write_config()
    assert main(["--config", str(config), "index"]) == 0
    assert main(["--config", str(config), "health"]) == 0
    app = Newsbot(load_config(config))  # a process killed after storing, before indexing
    extra = make_article(
        title="Late story", body="Stored but never indexed.", source="desk", url="https://d.test/1"
    )
    app.store.upsert([extra])
    app.close()
    capsys.readouterr()
    assert main(["--config", str(config), "health"]) == 3
    out = capsys.readouterr().out
    assert "status: degraded" in out and "LAGS the store: 1 articles not indexed" in out
    app = Newsbot(load_config(config))
    report = app.ensure_index()  # what `newsbot run` and every CLI question do first
    assert report is not None and report.added == 1
    app.close()
    assert main(["--config", str(config), "health"]) == 0


def test_ask_json_lists_the_quoted_source_then_the_others_by_score(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    config = write_config()
    assert main(["--config", str(config), "index"]) == 0
    capsys.readouterr()
    assert main(["--config", str(config), "ask", "--json", "when did SELEC visit CARICC"]) == 0
    reply = json.loads(capsys.readouterr().out)
    sources = reply["sources"]
    assert len(sources) >= 3 and "CARICC" in sources[0]["title"]
    scores = [s["score"] for s in sources[1:]]
    assert scores == sorted(scores, reverse=True)


def test_far_future_and_far_past_items_neither_stop_answers_nor_lead_the_latest(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import json

    items = [
        {
            "title": "Comet visit",
            "date": "9999-12-31",
            "url": "https://w.test/1",
            "text": "The comet Halley returns tomorrow, astronomers in Varna said.",
        },
        {
            "title": "Old flood",
            "date": "0001-01-01",
            "url": "https://w.test/2",
            "text": "The river Danube flooded the valley yesterday, farmers said.",
        },
        {
            "title": "Harbour opens",
            "date": "2024-05-02",
            "url": "https://w.test/3",
            "text": "The harbour of Burgas opened on 2 May 2024 after repairs, the mayor said.",
        },
    ]
    wire = tmp_path / "wire.jsonl"
    wire.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    config = write_config(sources=[{"name": "wire", "type": "jsonl", "path": str(wire)}])
    assert main(["--config", str(config), "ingest"]) == 0
    capsys.readouterr()
    for question in ("when does the comet Halley return", "when did the Danube flood the valley"):
        assert main(["--config", str(config), "ask", "--json", question]) == 0
        assert json.loads(capsys.readouterr().out)["answered"]
    from bot.config import load_config
    from bot.core.services import Newsbot

    app = Newsbot(load_config(config))
    latest = app.store.latest(3)  # what /latest lists
    app.close()
    assert latest[0].title == "Harbour opens" and {a.published for a in latest[1:]} == {None}


@pytest.mark.parametrize("damage", ["dimension", "current-loop", "current-directory"])
def test_health_names_a_broken_index_and_index_repairs_it(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    import json

    from bot.config import load_config

    config = write_config()
    assert main(["--config", str(config), "index"]) == 0
    root = load_config(config).index_path
    current = root / "CURRENT"

    def damage_it() -> None:
        if damage == "dimension":  # an index of 768-d vectors under the same model name
            manifest = current.resolve() / "manifest.json"
            manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "dim": 768}))
            return
        current.unlink()
        if damage == "current-loop":
            (root / "loop").unlink(missing_ok=True)
            (root / "loop").symlink_to("CURRENT")
            current.symlink_to("loop")
        else:
            current.mkdir()

    damage_it()
    capsys.readouterr()
    assert main(["--config", str(config), "health"]) == 1
    out = capsys.readouterr().out
    assert "index: BROKEN" in out and "newsbot index --rebuild" in out
    assert main(["--config", str(config), "index"]) == 0  # rebuilt, not "up to date"
    assert "up to date" not in capsys.readouterr().out
    assert main(["--config", str(config), "health"]) == 0
    damage_it()
    capsys.readouterr()
    assert main(["--config", str(config), "ask", "when did SELEC visit CARICC"]) == 0  # repaired first
    captured = capsys.readouterr()
    assert "October 12th, 2018" in captured.out and "rebuilding the whole index" in captured.err


def test_sources_added_imported_exported_removed_and_ingested(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.newsserver import NewsSite, Route, rss, serve

    with serve(NewsSite()) as site:
        story = (
            "The port of Varna reopened on Tuesday after a storm closed it for three days, officials said."
        )
        site.routes["/rss"] = Route(
            rss([{"title": "Port reopens", "link": site.url("/p"), "description": story}])
        )
        site.routes["/"] = Route(b'<link rel="alternate" type="application/rss+xml" href="/rss">')
        site.routes["/other"] = Route(
            rss([{"title": "Bridge", "link": site.url("/b"), "description": story[:60]}])
        )
        config = write_config(ingest={"allow_private_addresses": True, "retries": 0, "timeout_s": 2})
        assert main(["--config", str(config), "sources", "add", site.url("/")]) == 0
        assert "added desk-news: feed " + site.url("/rss") in capsys.readouterr().out  # the feed's title
        assert main(["--config", str(config), "sources", "add", site.url("/rss")]) == 1  # the same feed twice
        assert "is a source already" in capsys.readouterr().err
        opml = tmp_path / "feeds.opml"
        opml.write_text(
            f'<opml version="2.0"><body><outline text="Other desk" xmlUrl="{site.url("/other")}"/>'
            f'<outline text="dup" xmlUrl="{site.url("/rss")}"/></body></opml>'
        )
        assert main(["--config", str(config), "sources", "import", str(opml)]) == 0
        assert "imported 1 feed(s), skipped 1" in capsys.readouterr().out
        assert main(["--config", str(config), "sources"]) == 0
        listing = capsys.readouterr().out
        assert "selec: textpage" in listing and "(config.yaml)" in listing and listing.count("(added)") == 2
        assert main(["--config", str(config), "sources", "export"]) == 0
        exported = capsys.readouterr().out
        assert exported.startswith("<?xml") and exported.count("<outline") == 2 and "other-desk" in exported
        assert main(["--config", str(config), "ingest", "--no-index"]) == 0
        assert main(["--config", str(config), "sources", "remove", "other-desk"]) == 0
        assert main(["--config", str(config), "sources", "remove", "selec"]) == 2  # config.yaml's
    from bot.config import load_config
    from bot.core.services import Newsbot

    app = Newsbot(load_config(config))
    titles = {a.title for a in app.store.articles()}
    assert {"Port reopens", "Bridge"} <= titles and [s.name for s in app.all_sources()] == [
        "selec",
        "desk-news",
    ]
    app.close()


@pytest.mark.model
def test_a_first_start_prints_progress_and_two_summaries_only(
    write_config: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # a first start: precision measured too
    monkeypatch.setattr("sys.stdin", io.StringIO("hi\n"))
    config = write_config(
        model="all-MiniLM-L6-v2", index={"encoder": {"model": "all-MiniLM-L6-v2", "precision": "auto"}}
    )
    assert main(["--config", str(config), "start"]) == 0
    out, err = capfd.readouterr()
    lines = [line for chunk in err.split("\n") for line in chunk.split("\r") if line.strip()]
    rest = [line for line in lines if not line.startswith(("embedding:", "reading:", "storing:"))]  # bars
    assert [line.split(":")[0] for line in rest] == ["ingest", "index"], (
        rest
    )  # no warnings, no bars of others
    assert out.startswith("Hello!")


def test_a_first_index_build_logs_no_broken_index(
    write_config: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    from bot.core.services import Newsbot

    app = Newsbot(load_config(write_config()))
    with caplog.at_level(logging.INFO):
        app.ensure_index()
    app.close()
    assert "building the index (the first start)" in caplog.text and "BROKEN" not in caplog.text


def test_a_restart_answers_from_the_index_it_has_while_the_sources_are_read(
    write_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import threading

    import bot.cli
    from bot.core.services import Newsbot

    config = write_config()
    monkeypatch.setattr("sys.stdin", io.StringIO("hi\n"))
    assert main(["--config", str(config), "start"]) == 0  # the first start builds the index
    capsys.readouterr()
    answered = threading.Event()
    order: list[str] = []
    render = bot.cli.render_text

    def rendered(*args, **kwargs):  # type: ignore[no-untyped-def]
        answered.set()
        return render(*args, **kwargs)

    real_ingest = Newsbot.ingest

    def slow_ingest(self):  # type: ignore[no-untyped-def]
        order.append("answered first" if answered.wait(20) else "ingest first")
        return real_ingest(self)

    monkeypatch.setattr(bot.cli, "render_text", rendered)
    monkeypatch.setattr(Newsbot, "ingest", slow_ingest)
    monkeypatch.setattr("sys.stdin", io.StringIO("hi\n"))
    assert main(["--config", str(config), "start"]) == 0
    for _ in range(400):
        if order:
            break
        threading.Event().wait(0.05)
    assert order == ["answered first"] and "Hello!" in capsys.readouterr().out


def test_reading_and_storing_a_long_source_show_progress(
    write_config: Callable[..., Path], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import json

    lines = [
        json.dumps({"title": f"Story {i}", "date": "2024-03-05", "text": f"Story number {i} happened."})
        for i in range(1200)
    ]
    news = tmp_path / "news.jsonl"
    news.write_text("\n".join(lines) + "\n")
    config = write_config(sources=[{"name": "wire", "type": "jsonl", "path": str(news)}])
    assert main(["--config", str(config), "ingest", "--no-index"]) == 0
    err = capfd.readouterr().err
    assert "reading: " in err and "storing: " in err and "1200/1200" in err and "article/s" in err
