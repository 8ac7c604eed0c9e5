"""config.yaml, parsed once into typed, frozen settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from bot.errors import ConfigError
from bot.typed import from_mapping
from corpus import IngestConfig, SourceConfig
from corpus.database import is_postgres_url
from corpus.settings import above, at_least, within
from index import IndexConfig, SearchConfig

DEFAULT_API_URL = "https://api.telegram.org/bot"
CONFIG_ENV = "NEWSBOT_CONFIG"
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"  # the bot token is read from the environment, never from the file
DATABASE_ENV = "NEWSBOT_DATABASE_URL"
MAX_CONFIG_CHARS = 1_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class TelegramConfig:
    """How the bot reaches Telegram and whom it trusts."""

    api_url: str = DEFAULT_API_URL  # Bot API base URL; a self-hosted Bot API server works too
    admins: tuple[int, ...] = ()
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""  # public URL Telegram posts updates to (webhook mode)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    questions_per_minute: int = 10  # per user; more get a friendly "slow down"
    inline_per_minute: int = 20  # inline answers per user (their own budget: typing never eats questions)
    max_messages_per_second: float = 30  # Telegram's limit per bot (paid broadcasts: up to 1000)
    poll_timeout: int = 10  # long-polling timeout, seconds
    connections: int = 32  # HTTP connections to the Bot API (about messages per second x round trip)
    latest_count: int = 5  # headlines listed by /latest and when declining
    topic_threshold: float = 0.35  # cosine an article needs to match a /subscribe TOPIC
    digest_hour: int = 8  # UTC hour of the daily digest for chats that chose /digest on
    timeout_resend_after_s: float = (
        600.0  # an alert whose send timed out (maybe sent) waits this, then one text try
    )
    examples: tuple[str, ...] = ("when did SELEC visit CARICC", "who coordinates the anti-fraud task force")
    users_add_feeds: bool = False  # any user may /addsource a feed of their own (its news reaches them only)
    user_feeds_max: int = 3  # feeds one user may add so
    metrics: bool = False  # Prometheus /metrics on metrics_listen:metrics_port (never the webhook's port)
    metrics_listen: str = "127.0.0.1"
    metrics_port: int = 9108

    def __post_init__(self) -> None:
        at_least(
            self,
            questions_per_minute=1,
            inline_per_minute=1,
            poll_timeout=0,
            latest_count=1,
            connections=1,
            timeout_resend_after_s=0,
            user_feeds_max=1,
        )
        above(self, max_messages_per_second=0)
        within(
            self,
            webhook_port=(1, 65535),
            metrics_port=(1, 65535),
            digest_hour=(0, 23),
            topic_threshold=(0.0, 1.0),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class StorageConfig:
    """Where state lives, and how replicas sharing it coordinate."""

    url: str = ""  # "": SQLite in data_dir; postgresql://user@host/db ($NEWSBOT_DATABASE_URL wins)
    pool_size: int = 10  # PostgreSQL connections per process
    leader_poll_s: float = 5.0  # how often a replica checks leadership and the leader checks requests
    index_poll_s: float = 5.0  # how often a replica looks for a new index version (CURRENT) to serve

    def __post_init__(self) -> None:
        at_least(self, pool_size=1)
        above(self, leader_poll_s=0, index_poll_s=0)


@dataclass(frozen=True, slots=True, kw_only=True)
class AppConfig:
    """Everything newsbot reads from config.yaml."""

    data_dir: str = "data"
    sources: tuple[SourceConfig, ...] = ()
    ingest: IngestConfig = field(default_factory=IngestConfig)
    index: IndexConfig = field(default_factory=IndexConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object a line, for log collectors
    base_dir: Path = field(default=Path("."), init=False)

    @property
    def data_path(self) -> Path:
        """Return the data directory (the database and the index live here)."""
        path = Path(self.data_dir).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    @property
    def db_path(self) -> Path:
        """Return the SQLite database path."""
        return self.data_path / "newsbot.sqlite3"

    @property
    def database_url(self) -> str:
        """Return $NEWSBOT_DATABASE_URL, else storage.url, else the SQLite file in the data directory."""
        url = os.environ.get(DATABASE_ENV, "").strip() or self.storage.url
        if not url:
            return str(self.db_path)
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///")).expanduser()
            return str(path if path.is_absolute() else self.base_dir / path)
        return url

    @property
    def index_path(self) -> Path:
        """Return the index root (versions and the CURRENT link)."""
        return self.data_path / "index"


BACKEND_NEEDS_POSTGRES = (
    "index.backend: postgresql keeps the index in storage.url's database, so storage.url (or "
    "$NEWSBOT_DATABASE_URL) must be a postgresql:// URL"
)


def check_data_dir(config: AppConfig) -> Path:
    """Create the data directory if needed and return it; a ConfigError names data_dir when it is a file,
    cannot be created, or cannot be written to (a read-only filesystem, /proc)."""
    path = config.data_path
    if path.exists() and not path.is_dir():
        raise ConfigError(f"data_dir: {path} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"data_dir: cannot write to {path}: {exc.strerror or exc}") from exc
    return path


def default_config_path() -> Path:
    """Return $NEWSBOT_CONFIG, else ./config.yaml, else the config.yaml beside the package."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    local = Path("config.yaml")
    if local.exists():
        return local
    return Path(__file__).resolve().parent.parent / "config.yaml"


def parse_config(data: object, *, base_dir: Path) -> AppConfig:
    """Return typed settings from parsed YAML; relative paths are taken from base_dir."""
    config = from_mapping(AppConfig, data)
    names = [s.name for s in config.sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"sources: the name {duplicates[0]!r} is used twice")
    url = config.storage.url
    if url and not (is_postgres_url(url) or url.startswith("sqlite:///")):
        raise ConfigError("storage.url: expected postgresql://…, sqlite:///… or empty (SQLite in data_dir)")
    if config.index.backend == "postgresql" and url and not is_postgres_url(url):
        raise ConfigError(BACKEND_NEEDS_POSTGRES)
    object.__setattr__(config, "base_dir", base_dir)
    return config


def load_config(path: Path | None = None) -> AppConfig:
    """Read and check config.yaml; errors name the file and the key."""
    path = Path(path) if path else default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from exc
    if len(text) > MAX_CONFIG_CHARS:
        raise ConfigError(f"{path}: {len(text)} characters; a config has at most {MAX_CONFIG_CHARS}")
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):  # a few aliases can expand to gigabytes ("billion laughs")
                raise ConfigError(
                    f"{path}: line {event.start_mark.line + 1}: YAML aliases (*name) are not allowed"
                )
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return parse_config(data, base_dir=path.resolve().parent)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
