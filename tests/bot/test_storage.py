"""The store suite, on both backends: every table newsbot keeps, its migrations and its leader lock."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path
from unittest import mock

import pytest

from bot.core import schema as bot_schema
from bot.core.limits import QuestionLimiter, Verdict
from bot.core.outbox import Outbox
from bot.core.state import BotState, Request, Subscription
from corpus import Migration, SourceStates, Store, StoreError, make_article, open_database
from corpus.fetch import Validators
from index import Source


def _art(title: str, body: str, source: str = "s") -> object:
    return make_article(title=title, body=body, source=source, url=f"https://n.test/{title}")


def test_upsert_reports_added_changed_unchanged_removed(database_url: str) -> None:
    with Store(database_url) as store:
        first = store.upsert([_art("a", "one"), _art("b", "two")], prune_source="s")
        assert (len(first.added), len(first.changed), len(first.unchanged)) == (2, 0, 0)
        second = store.upsert([_art("a", "one"), _art("b", "two, edited")], prune_source="s")
        assert (len(second.added), len(second.changed), len(second.unchanged)) == (0, 1, 1)
        third = store.upsert([_art("a", "one")], prune_source="s")
        assert len(third.removed) == 1 and store.count() == 1
        assert store.get(third.unchanged[0]).body == "one"  # type: ignore[union-attr]
    with Store(database_url) as reopened:
        assert [a.title for a in reopened.articles()] == ["a"]


def test_duplicates_latest_hashes_and_delete(database_url: str) -> None:
    with Store(database_url) as store:
        old = make_article(
            title="Old", body="Old news.", source="s", url="https://n.test/old", published=dt.date(2020, 1, 1)
        )
        new = make_article(
            title="New", body="New news.", source="s", url="https://n.test/new", published=dt.date(2024, 1, 1)
        )
        undated = make_article(title="Undated", body="No date.", source="s", url="https://n.test/u")
        twin = make_article(title="Twin", body="new   NEWS.", source="t", url="https://other.test/x")
        result = store.upsert([old, new, undated, twin])
        assert result.duplicates == [twin.id] and len(result.added) == 3
        assert [a.title for a in store.latest(3)] == ["New", "Old", "Undated"]
        assert [a.title for a in store.articles()] == ["Old", "New", "Undated"]
        assert store.hashes() == {a.id: a.hash for a in (old, new, undated)}
        assert store.delete([old.id, "missing"]) == 1
        assert store.get(old.id) is None and store.count() == 2


def test_within_commits_with_the_articles_or_not_at_all(database_url: str) -> None:
    with Store(database_url) as store:
        outbox = Outbox(store)
        BotState(store).subscribe(5)

        def queue_then_fail(tx, result) -> None:
            Outbox.enqueue(tx, result.added[0], [5])
            raise RuntimeError("crash mid-ingest")

        with pytest.raises(RuntimeError):
            store.upsert([_art("a", "one")], within=queue_then_fail)
        assert store.count() == 0 and outbox.counts() == {}
        store.upsert([_art("a", "one")], within=lambda tx, result: Outbox.enqueue(tx, result.added[0], [5]))
        assert store.count() == 1 and outbox.counts() == {"pending": 1}


def test_migrations_are_versioned_and_applied_once(database_url: str) -> None:
    with Store(database_url) as store:
        BotState(store)
        assert store.db.versions() == {"corpus": 4, "bot": 7}
    with Store(database_url) as store:
        BotState(store)
        with mock.patch.object(store.db, "transaction", wraps=store.db.transaction) as transaction:
            Outbox(store)  # migrates the bot component again: known applied, no round trip
        transaction.assert_not_called()
    with Store(database_url) as store:  # a second start checks the database and applies nothing
        assert store.db.migrate("bot", bot_schema.MIGRATIONS) == []
        assert store.db.versions() == {"corpus": 4, "bot": 7}
        extra = [
            *bot_schema.MIGRATIONS,
            Migration(8, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"),
        ]
        assert store.db.migrate("bot", extra) == [8]
        with store.transaction() as tx:
            tx.execute("INSERT INTO notes (id, text) VALUES (?, ?)", (1, "kept"))
    with (
        pytest.raises(StoreError, match="newer than this newsbot"),
        Store(database_url) as store,
    ):
        BotState(store)  # knows bot schema 3 only; the database is at 4


def test_a_failed_migration_leaves_the_schema_as_it_was(database_url: str) -> None:
    with Store(database_url) as store:
        bad = [Migration(1, "CREATE TABLE half (id INTEGER); CREATE TABLE broken (")]
        with pytest.raises(StoreError):
            store.db.migrate("extra", bad)
        assert "extra" not in store.db.versions()
        assert store.db.migrate("extra", [Migration(1, "CREATE TABLE half (id INTEGER)")]) == [1]


def test_source_states(database_url: str) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with Store(database_url) as store:
        states = SourceStates(store, base_backoff_s=60)
        assert states.validators("feed") == Validators()
        states.remember("feed", Validators('"e1"', "Mon, 01 Jan 2026 00:00:00 GMT"))
        assert states.validators("feed").etag == '"e1"'
        states.failed("feed", "HTTP 500", now)
        assert states.backing_off("feed", now) is None  # the first failure is retried at once
        states.failed("feed", "HTTP 500", now)
        assert states.backing_off("feed", now) == (now + dt.timedelta(seconds=60)).isoformat()
        states.succeeded("feed", now)
        (health,) = states.all()
        assert (health.name, health.failures, health.last_error, health.next_attempt) == (
            "feed",
            0,
            None,
            None,
        )


def test_subscriptions_replies_counters_and_requests(database_url: str) -> None:
    big = -1001234567890123  # supergroup ids do not fit 32 bits
    with Store(database_url) as store:
        state = BotState(store)
        assert (state.subscribe(big), state.subscribe(big)) == ("added", "exists")
        assert state.subscribe(big, "drugs") == state.subscribe(7, "drugs") == "added"
        assert state.subscriptions(big) == [Subscription(big, ""), Subscription(big, "drugs")]
        assert state.subscriber_count() == 2
        state.move_chat(big, 7)  # 7 already has "drugs": no clash, nothing lost
        assert state.subscriptions(7) == [Subscription(7, ""), Subscription(7, "drugs")]
        assert state.subscriptions(big) == [] and state.unsubscribe(7, "drugs") == 1
        assert state.unsubscribe(7) == 1 and state.subscriptions() == []
        outcomes = [state.subscribe(9, f"topic {i}", limit=3) for i in range(5)]
        assert outcomes == ["added", "added", "added", "full", "full"] and state.subscribe(9) == "added"

        source = Source(
            article_id="a1", title="T", date="2024-01-01", url="https://n.test/t", snippet="S.", score=0.5
        )
        token = state.new_reply(big, "a1", [source])
        state.sent(token, 42)
        assert state.article_of(big, 42) == "a1" and state.article_of(big, 43) is None
        assert state.more_sources(token, big) == [source]
        assert state.more_sources(token, 7) is None  # only the chat it was sent to

        for _ in range(3):
            state.count("answered")
        state.count("declined")
        assert state.counters() == {"answered": 3, "declined": 1}

        state.request("ingest", big, 9)
        state.request("ingest", big, 10)  # asked twice before the leader looked: runs once
        state.request("reindex")
        assert state.take_requests() == [Request("ingest", big, 10), Request("reindex", None, None)]
        assert state.take_requests() == []


def test_outbox_claims_marks_migrations_and_digests(database_url: str) -> None:
    with Store(database_url) as store:
        outbox = Outbox(store)
        outbox.set_digest(3, True)
        with store.transaction() as tx:
            assert Outbox.enqueue(tx, "a1", [1, 2, 3]) == 3
            assert Outbox.enqueue(tx, "a1", [1]) == 0  # at most one row per (article, chat)
            Outbox.enqueue(tx, "a2", [1, 2])
        assert outbox.counts() == {"pending": 4, "digest": 1}
        first = outbox.claim("r1", limit=2)
        assert [(d.article_id, d.chat_id) for d in first] == [("a1", 1), ("a1", 2)]
        later = outbox.claim("r2", after=first[-1].id, limit=10)
        assert [(d.article_id, d.chat_id) for d in later] == [("a2", 1), ("a2", 2)]
        assert outbox.claim("r1") == []
        outbox.mark(first[0].id, "sent", message_id=77)
        outbox.mark(first[1].id, "pending", error="429")  # back for the next round
        assert outbox.recover(owner="r2") == 0  # r2 leads: its own claims stay
        assert outbox.recover(owner="r3") == 2  # r3 takes over: r2's claims go back to pending
        outbox.move_chat(2, 1)  # chat 1 already has both articles: 2's rows stay put
        outbox.move_chat(2, 9)
        assert outbox.deliveries_to(9) == [("a1", "pending"), ("a2", "pending")]
        assert outbox.deliveries_to(1) == [("a1", "sent"), ("a2", "pending")]
        assert outbox.digest_on(3) and list(outbox.digests()) == [3]
        outbox.set_digest(3, False)
        assert not outbox.digest_on(3) and outbox.digests() == {}
        assert outbox.counts() == {"pending": 4, "sent": 1}


def test_leader_lock_is_exclusive_and_freed_by_its_holder(database_url: str) -> None:
    with open_database(database_url) as one, open_database(database_url) as two:
        first, second = one.leader_lock("leader"), two.leader_lock("leader")
        assert first.acquire() and first.acquire() and first.held()
        assert not second.acquire() and not second.held()
        assert two.leader_lock("other").acquire()  # locks are per name
        first.release()
        assert not first.held() and second.acquire() and second.held()
        assert not first.acquire()


def test_legacy_sqlite_database_is_migrated_in_place(tmp_path: Path) -> None:
    """A database written before migrations were versioned (PRAGMA user_version 2, no claimed_by)."""
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(bot_schema._V1.format(**bot_schema._SQLITE))
    db.executescript(
        "CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, source TEXT NOT NULL,"
        " url TEXT NOT NULL DEFAULT '', published TEXT, hash TEXT NOT NULL, first_seen TEXT NOT NULL,"
        " updated TEXT NOT NULL);"
        "INSERT INTO articles VALUES ('a1', 'T', 'Body text.', 's', '', NULL, 'h', 'x', 'x');"
        "INSERT INTO subscriptions VALUES (5, '', 'x');"
        "INSERT INTO outbox (article_id, chat_id, status, created) VALUES ('a1', 5, 'sending', 'x');"
        "PRAGMA user_version=1;"
    )
    db.close()
    with Store(path) as store:
        outbox, state = Outbox(store), BotState(store)
        assert store.db.versions() == {"corpus": 4, "bot": 7}
        assert store.get("a1").body == "Body text." and state.subscriptions() == [Subscription(5, "")]  # type: ignore[union-attr]
        assert outbox.recover(owner="me") == 1 and [d.chat_id for d in outbox.claim("me")] == [5]


def test_concurrent_claims_never_share_a_row(database_url: str) -> None:
    """Four replicas claim 400 rows at once: every row exactly once (SKIP LOCKED on PostgreSQL)."""
    with Store(database_url) as store:
        Outbox(store)  # makes the tables
        with store.transaction() as tx:
            for n in range(100):
                Outbox.enqueue(tx, f"a{n}", [1, 2, 3, 4])
    claimed: dict[str, list[int]] = {}

    def replica(name: str) -> None:
        with open_database(database_url) as db:
            mine = Outbox(Store(db))
            got: list[int] = []
            while batch := mine.claim(name, limit=3):
                got.extend(d.id for d in batch)
            claimed[name] = got

    threads = [threading.Thread(target=replica, args=(f"r{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for got in claimed.values() for i in got]
    assert len(everything) == len(set(everything)) == 400
    if not database_url.endswith(".sqlite3"):
        assert sum(1 for got in claimed.values() if got) >= 2  # the work really was shared


def test_migrate_copies_a_sqlite_database_into_postgresql(
    write_config, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main
    from bot.config import load_config
    from bot.core.services import Newsbot
    from tests.pg import fresh_schema

    config_path = write_config(sources=[])
    app = Newsbot(load_config(config_path))
    app.store.upsert([_art("a", "Alpha text."), _art("b", "Beta text.")])
    app.state.subscribe(-100123456789012, "ports")
    app.state.count("answered")
    app.sources.failed("feed", "HTTP 500", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with app.store.transaction() as tx:
        Outbox.enqueue(tx, "x1", [1, 2])
    app.close()
    with fresh_schema() as url:
        assert main(["--config", str(config_path), "migrate", "--to", url]) == 0
        assert (
            "articles 2, source_state 1, added_sources 0, subscriptions 1, replies 0, counters 1, outbox 2"
            in capsys.readouterr().out
        )
        with Store(url) as copied:
            state, outbox = BotState(copied), Outbox(copied)
            assert sorted(a.title for a in copied.articles()) == ["a", "b"]
            assert state.subscriptions() == [Subscription(-100123456789012, "ports")]
            assert state.counters() == {"answered": 1} and outbox.counts() == {"pending": 2}
            assert [h.failures for h in SourceStates(copied).all()] == [1]
            with copied.transaction() as tx:  # new rows get ids after the copied ones
                Outbox.enqueue(tx, "x2", [1])
            assert [d.id for d in outbox.claim("r", limit=5)] == [1, 2, 3]
        assert main(["--config", str(config_path), "migrate", "--to", url]) == 1  # refuses to copy twice
        assert "already has rows" in capsys.readouterr().err


def test_unreachable_postgresql_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        open_database("postgresql://newsbot:hunter2@127.0.0.1:9/news", connect_timeout_s=1)
    message = str(caught.value)
    assert "cannot connect to PostgreSQL at postgresql://newsbot:***@127.0.0.1:9/news" in message
    assert "hunter2" not in message


def test_question_limit_is_shared_by_replicas(database_url: str) -> None:
    """Two replicas (two connections) count one user's questions together; one warning per window."""
    now = [1000.0]
    with open_database(database_url) as one, open_database(database_url) as two:
        BotState(Store(one))
        first, second = (QuestionLimiter(Store(db), 3, clock=lambda: now[0]) for db in (one, two))
        verdicts = []
        for limiter in (first, second, first, second):
            verdicts.append(limiter.check(7))
            now[0] += 10
        assert verdicts == [Verdict(True, False, 0)] * 3 + [Verdict(False, True, 31)]  # 4th at t=30: warned
        assert first.check(7) == Verdict(False, False, 21)  # t=40: not warned again in the same window
        assert second.check(8).allowed  # other users are not affected
        now[0] = 1061  # the question of t=0 has left the window
        assert first.check(7).allowed
        assert second.check(7) == Verdict(False, True, 10)  # a new window: one new warning
        now[0] = 1200
        assert first.prune() == 4  # the leader forgets old questions


def test_a_read_connection_the_server_ended_is_replaced_not_lent() -> None:
    """Index reads use autocommit connections checked only when idle or when the server spoke: a
    connection the server ended (a restart, a failover) is replaced before the next read, not lent."""
    import time

    import psycopg

    from tests.pg import fresh_schema

    with fresh_schema() as url:
        database = open_database(url, pool_size=2)
        try:
            with database.reading() as tx:
                pid = tx.execute("SELECT pg_backend_pid()").fetchone()[0]
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                deadline = time.monotonic() + 10
                while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
                    assert time.monotonic() < deadline, "the server did not end the connection"
                    time.sleep(0.01)
            with database.reading() as tx:  # within IDLE_CHECK_S of the last use: no idle check
                assert tx.execute("SELECT pg_backend_pid()").fetchone()[0] != pid
        finally:
            database.close()
