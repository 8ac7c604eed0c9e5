"""config.yaml is parsed once into typed settings; bad keys and values are named."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config
from bot.errors import ConfigError
from tests.conftest import ROOT


def test_the_shipped_config_loads() -> None:
    config = load_config(ROOT / "config.yaml")
    assert config.sources[0].type == "textpage"
    assert config.index.encoder.model == "all-MiniLM-L6-v2"
    assert config.telegram.api_url.startswith("https://")
    assert config.db_path == ROOT / "data" / "newsbot.sqlite3"


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"serach": {}}, r"serach: unknown key"),
        ({"search": {"rrf_k": "sixty"}}, r"search\.rrf_k: expected a whole number"),
        ({"search": {"fusion": "magic"}}, r"search\.fusion: must be one of"),
        ({"index": {"encoder": {"modle": "x"}}}, r"index\.encoder\.modle: unknown key"),
        ({"telegram": {"admins": "me"}}, r"telegram\.admins: expected a list"),
        ({"telegram": {"admins": [1, "two"]}}, r"telegram\.admins\[1\]: expected a whole number"),
        ({"search": {"min_confidence": 3}}, r"search\.min_confidence: must be between 0 and 1"),
        ({"search": {"article_weight": -1}}, r"search\.article_weight: must be at least 0"),
        ({"search": {"rerank_articles": -1}}, r"search\.rerank_articles: must be at least 0"),
        ({"index": {"encoder": {"batch_size": 0}}}, r"index\.encoder\.batch_size: must be at least 1"),
        ({"index": {"encoder": {"precision": "int4"}}}, r"index\.encoder\.precision: must be one of"),
        ({"index": {"hnsw_m": 0}}, r"index\.hnsw_m: must be at least 2"),
        ({"index": {"overlap_sentences": -1}}, r"index\.overlap_sentences: must be at least 0"),
        ({"index": {"compact_fraction": 2}}, r"index\.compact_fraction: must be between 0 and 1"),
        ({"sources": [{"name": "a", "type": "rss", "path": "x"}]}, r"sources\[0\]\.type: must be one of"),
        ({"sources": [{"name": "a", "type": "jsonl"}]}, r"sources\[0\]: .*path"),
        (
            {"sources": [{"name": "a", "type": "listing", "url": "http://x.test", "link_pattern": "("}]},
            r"sources\[0\]\.link_pattern: not a valid regular expression",
        ),
        (
            {"sources": [{"name": "a", "type": "feed", "url": "http://x.test", "max_articles": 0}]},
            r"sources\[0\]\.max_articles: must be at least 1",
        ),
        (
            {"sources": [{"name": "a", "type": "jsonl", "path": "x", "full_text": True}]},
            r"sources\[0\]\.full_text: unknown key \(type jsonl takes name, type, path, url, priority, trusted\)",
        ),
        ({"telegram": {"questions_per_minute": 0}}, r"telegram\.questions_per_minute: must be at least 1"),
        ({"telegram": {"digest_hour": 25}}, r"telegram\.digest_hour: must be between 0 and 23"),
        ({"telegram": {"poll_timeout": -5}}, r"telegram\.poll_timeout: must be at least 0"),
        ({"telegram": {"connections": 0}}, r"telegram\.connections: must be at least 1"),
        (
            {"telegram": {"max_messages_per_second": 0}},
            r"telegram\.max_messages_per_second: must be more than 0",
        ),
        ({"ingest": {"timeout_s": -1}}, r"ingest\.timeout_s: must be more than 0"),
        ({"ingest": {"backoff_s": -1}}, r"ingest\.backoff_s: must be at least 0"),
        ({"storage": {"pool_size": 0}}, r"storage\.pool_size: must be at least 1"),
        ({"storage": {"leader_poll_s": 0}}, r"storage\.leader_poll_s: must be more than 0"),
    ],
)
def test_bad_settings_name_the_key(write_config: Callable[..., Path], sections: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(**sections))


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("search: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    bad.write_text("- a list\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(bad)


def test_yaml_aliases_and_huge_files_are_refused_before_they_expand(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    rows = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    rows += [
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=False)
    ]
    bomb.write_text("\n".join(rows) + "\n")
    with pytest.raises(ConfigError, match=r"line 2: YAML aliases \(\*name\) are not allowed"):
        load_config(bomb)
    huge = tmp_path / "huge.yaml"
    huge.write_text("# " + "x" * 1_000_001 + "\n")
    with pytest.raises(ConfigError, match="a config has at most 1000000"):
        load_config(huge)


@pytest.mark.parametrize("where", ["file", "proc", "readonly"])
def test_a_data_dir_that_cannot_hold_data_is_named(
    write_config: Callable[..., Path], tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if where == "file":
        target = tmp_path / "plain.txt"
        target.write_text("not a folder")
    elif where == "proc":
        target = Path("/proc/self/newsbot-data")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes to read-only folders")
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        target = locked / "data"
    config = write_config(data_dir=str(target))
    assert main(["--config", str(config), "stats"]) == 2
    err = capsys.readouterr().err
    assert "data_dir:" in err and str(target) in err and "Traceback" not in err


def test_cli_reports_config_errors_in_one_line(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(search={"candidats": 5})
    assert main(["--config", str(path), "stats"]) == 2
    err = capsys.readouterr().err
    assert "search.candidats: unknown key" in err
    assert "Traceback" not in err


def test_storage_url_is_checked_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import DATABASE_ENV

    bad = tmp_path / "bad.yaml"
    bad.write_text("storage:\n  url: mysql://x\n")
    with pytest.raises(ConfigError, match=r"storage\.url: expected postgresql://"):
        load_config(bad)
    good = tmp_path / "good.yaml"
    good.write_text("storage:\n  url: sqlite:///state/news.db\n")
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    assert load_config(good).database_url == str(tmp_path / "state" / "news.db")
    monkeypatch.setenv(DATABASE_ENV, "postgresql://bot@db/news")
    assert load_config(good).database_url == "postgresql://bot@db/news"
