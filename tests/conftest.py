"""Shared fixtures: configs on tmp_path, the bundled corpus, and one real-model app per session."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import yaml

from bot.config import AppConfig, load_config
from bot.core.services import Newsbot
from tests.fakebot import FakeBotApi
from tests.pg import fresh_schema

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "corpus" / "bundled" / "selec-news-2018.txt"
SHARED = ROOT.parent / "shared"
EVAL_QUESTIONS = SHARED / "eval" / "questions.yaml"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def needs_shared(path: Path) -> None:
    """Skip the calling test, saying why, where ../shared is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared holds the evaluation data (research use, not bundled)")


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Return a function writing config.yaml in tmp_path (hashing encoder unless model= is given)."""

    def write(*, model: str = "hashing", sources: list[dict] | None = None, **sections: object) -> Path:
        data: dict[str, object] = {
            "data_dir": str(tmp_path / "data"),
            "sources": sources
            if sources is not None
            else [
                {
                    "name": "selec",
                    "type": "textpage",
                    "path": str(BUNDLED),
                    "url": "https://www.selec.org/news",
                }
            ],
            "index": {"encoder": {"model": model}},
            "log_level": "WARNING",
        }
        if model == "hashing":  # the answer model was fitted on MiniLM's cosines, not on the test encoder's:
            data["search"] = {"bold_confidence": 0.0}  # every typed answer is shown in bold
        for key, value in sections.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}  # type: ignore[dict-item]
            else:
                data[key] = value
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump(data))
        return path

    return write


@pytest.fixture
def hashing_app(write_config: Callable[..., Path]) -> Iterator[Newsbot]:
    """Return an app over the bundled corpus with the fast deterministic encoder, index built."""
    app = Newsbot(load_config(write_config()))
    app.ingest()
    app.update_index()
    yield app
    app.close()


@pytest.fixture(scope="session")
def real_config(tmp_path_factory: pytest.TempPathFactory) -> AppConfig:
    """Return a config over the bundled corpus with the real all-MiniLM-L6-v2 model."""
    tmp = tmp_path_factory.mktemp("real")
    data = {
        "data_dir": str(tmp / "data"),
        "sources": [
            {"name": "selec", "type": "textpage", "path": str(BUNDLED), "url": "https://www.selec.org/news"}
        ],
        "log_level": "WARNING",
    }
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_config(path)


@pytest.fixture(scope="session")
def real_app(real_config: AppConfig) -> Iterator[Newsbot]:
    """Return one app with the real model and the bundled corpus indexed, shared by the session."""
    app = Newsbot(real_config)
    app.ensure_index()
    yield app
    app.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """Return a running fake Telegram Bot API server on 127.0.0.1."""
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


BOT_ADMIN = 777


@pytest.fixture
def bot_config(write_config: Callable[..., Path], fake: FakeBotApi) -> Callable[..., AppConfig]:
    """Return a function making a config that points the bot at the fake (telegram settings overridable)."""

    def make(**telegram: object) -> AppConfig:
        settings = {
            "api_url": fake.base_url,
            "admins": [BOT_ADMIN],
            "poll_timeout": 1,
            "questions_per_minute": 100,
        }
        return load_config(write_config(telegram={**settings, **telegram}))

    return make


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield a database URL for each backend: a SQLite file on tmp_path, a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "newsbot.sqlite3")
        return
    with fresh_schema() as url:
        yield url
