"""The Telegram bot end to end: real PTB over real HTTP against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import AppConfig, load_config
from bot.telegram.app import protect_logs
from tests.botkit import running, services
from tests.fakebot import BOT_USERNAME, FakeBotApi

ADMIN = 777
USER = 1001


def _from(chat: int) -> Callable:
    return lambda s: s.chat_id == chat


async def test_start_help_and_example_buttons(fake: FakeBotApi, bot_config: Callable[..., AppConfig]) -> None:
    async with running(bot_config(), fake):
        await fake.message("/start")
        [hello] = await fake.wait_sent(_from(USER))
        assert "16 articles" in hello.text
        labels = [label for label, _ in hello.buttons()]
        assert labels == ["when did SELEC visit CARICC", "who coordinates the anti-fraud task force"]
        await fake.press(hello, hello.buttons()[0][1])
        _, answer = await fake.wait_sent(_from(USER), count=2)
        assert "CARICC" in answer.text and answer.parse_mode == "HTML"
        await fake.message("/help")
        help_text = (await fake.wait_sent(_from(USER), count=3))[-1].text
        assert "/subscribe" in help_text and "/latest" in help_text


async def test_question_answer_with_sources(fake: FakeBotApi, bot_config: Callable[..., AppConfig]) -> None:
    async with running(bot_config(), fake):
        asked = await fake.message(
            "When was the joint heroin investigation between Bulgaria and Turkey finalized?"
        )
        [answer] = await fake.wait_sent(_from(USER))
        assert answer.text.startswith("<b>August 10th 2018</b>")
        assert "Joint investigation on heroin trafficking" in answer.text and "2018-08-10" in answer.text
        assert '<a href="https://www.selec.org/news#joint-investigation' in answer.text
        assert answer.reply_to == asked
        assert (USER, "typing") not in fake.actions  # a fast answer needs no "typing…"
        [(label, data)] = answer.buttons()
        assert label == "More sources"
        await fake.press(answer, data)
        more = (await fake.wait_sent(_from(USER), count=2))[-1]
        assert more.text.startswith("More sources:") and more.text.count("📰") >= 2
        # a forged or foreign token reads nothing
        await fake.press(answer, "more:forged-token")
        await fake.press(answer, data, user_id=999)  # same chat id is what counts, so use another chat:
        other = type(answer)(
            chat_id=555, message_id=1, text="x", parse_mode=None, reply_markup=None, reply_to=None
        )
        await fake.press(other, data)
        await asyncio.sleep(1.0)
        assert fake.to(555) == []
        assert any(a.get("text") == "That button has expired." for a in fake.callback_answers)


async def test_a_slow_answer_shows_typing(fake: FakeBotApi, bot_config: Callable[..., AppConfig]) -> None:
    async with running(bot_config(), fake) as application:
        engine = services(application).app.engine
        fast = engine.ask

        def slow(question: str, **kw: object):  # type: ignore[no-untyped-def]
            import time

            time.sleep(0.8)
            return fast(question, **kw)  # type: ignore[arg-type]

        engine.ask = slow  # type: ignore[method-assign]
        await fake.message("When did SELEC visit CARICC?")
        await fake.wait_sent(_from(USER))
        assert (USER, "typing") in fake.actions


async def test_unanswerable_latest_and_media(fake: FakeBotApi, bot_config: Callable[..., AppConfig]) -> None:
    async with running(bot_config(), fake):
        await fake.message("Write me a poem about the sea")
        [declined] = await fake.wait_sent(_from(USER))
        assert declined.text.startswith("I couldn't find that in the news I have.")
        assert (
            "Organized Crime Threat Assessment for South East Europe" not in declined.text
            or "latest" in declined.text
        )
        assert declined.text.count("•") == 5
        await fake.message("Who is the prime minister of Japan?")
        japan = (await fake.wait_sent(_from(USER), count=2))[-1]
        assert japan.text.startswith(
            "I couldn't find that in the news I have. The news I have never mentions Japan."
        )
        await fake.message("/latest 3")
        latest = (await fake.wait_sent(_from(USER), count=3))[-1]
        assert latest.text.count("•") == 3 and "2018-10-12" in latest.text
        await fake.message(
            "",
            extra={
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "u",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                }
            },
        )
        media = (await fake.wait_sent(_from(USER), count=4))[-1]
        assert "only read text" in media.text


async def test_groups_answer_only_when_addressed(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    group = -100500
    async with running(bot_config(), fake):
        await fake.message(
            "When did the steering group for security in the Danube region meet?",
            chat_id=group,
            user_id=USER,
            chat_type="supergroup",
        )
        await asyncio.sleep(1.5)
        assert fake.to(group) == []
        await fake.message(
            f"@{BOT_USERNAME} When did the steering group for security in the Danube region meet?",
            chat_id=group,
            user_id=USER,
            chat_type="supergroup",
        )
        [first] = await fake.wait_sent(_from(group))
        assert "3-4 July 2018" in first.text
        await fake.message(
            "/ask Which operation won first place for the second semester of 2017?",
            chat_id=group,
            user_id=USER,
            chat_type="supergroup",
        )
        second = (await fake.wait_sent(_from(group), count=2))[-1]
        assert "Dardaneli" in second.text
        await fake.message(
            "When did it happen?", chat_id=group, user_id=USER, chat_type="supergroup", reply_to=second
        )
        third = (await fake.wait_sent(_from(group), count=3))[-1]
        assert "June 6th 2018" in third.text  # the follow-up asks about the Dardaneli article first


async def test_follow_up_reply_asks_about_that_article(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    async with running(bot_config(), fake):
        await fake.message("Who is the French ambassador Ramis?")
        [answer] = await fake.wait_sent(_from(USER))
        assert "French Republic" in answer.text
        await fake.message("When did the visit happen?", reply_to=answer)
        follow = (await fake.wait_sent(_from(USER), count=2))[-1]
        assert follow.text.startswith("<b>July 10th 2018</b>")


async def test_subscriptions_survive_a_restart(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    config = bot_config()
    async with running(config, fake):
        await fake.message("/subscribe")
        await fake.message("/subscribe <b>Heroin</b> & drugs")
        await fake.wait_sent(_from(USER), count=2)
        await fake.message("/subscribe")
        third = (await fake.wait_sent(_from(USER), count=3))[-1]
        assert "already" in third.text
    async with running(config, fake):
        await fake.message("/subscriptions")
        listing = (await fake.wait_sent(_from(USER), count=4))[-1]
        assert "all new articles" in listing.text and "&lt;b&gt;heroin&lt;/b&gt; &amp; drugs" in listing.text
        await fake.message("/unsubscribe <b>heroin</b> & drugs")
        await fake.wait_sent(_from(USER), count=5)
        assert [s.topic for s in services_of(fake, config)] == [""]


def services_of(fake: FakeBotApi, config: AppConfig) -> list:
    from bot.core.services import Newsbot
    from bot.core.state import BotState

    app = Newsbot(config)
    try:
        return BotState(app.store).subscriptions(USER)
    finally:
        app.close()


async def test_admin_commands_refused_to_others(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    async with running(bot_config(), fake) as application:
        version = services(application).app.engine.data.path
        for command in ("/reindex", "/stats", "/ingest", "/sources"):
            await fake.message(command)
        refusals = await fake.wait_sent(_from(USER), count=4)
        assert all("admins only" in r.text for r in refusals)
        await fake.message("/stats", chat_id=-42, user_id=USER, chat_type="group")
        [group_refusal] = await fake.wait_sent(_from(-42))
        assert "admins only" in group_refusal.text
        await fake.message("/reindex", chat_id=ADMIN, edited=True)  # an edited command does nothing
        await asyncio.sleep(1.0)
        assert fake.to(ADMIN) == []
        assert services(application).app.engine.data.path == version


async def test_admin_reindex_stats_and_ingest_notify(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig], write_config: Callable[..., Path], tmp_path: Path
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    base = bot_config()
    sources = [{"name": s.name, "type": s.type, "path": s.path, "url": s.url} for s in base.sources]
    sources.append({"name": "desk", "type": "markdown", "path": str(news)})
    settings = {"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1, "questions_per_minute": 100}
    config = load_config(write_config(sources=sources, telegram=settings))
    async with running(config, fake):
        await fake.message("/subscribe", chat_id=USER)
        await fake.message("/subscribe heroin", chat_id=2002)
        await fake.message("/subscribe sea turtles", chat_id=3003)
        await fake.wait_sent(lambda s: s.chat_id in (USER, 2002, 3003), count=3)
        await fake.message("/reindex", chat_id=ADMIN)
        await fake.message("/reindex", chat_id=ADMIN)
        status = await fake.wait_sent(
            lambda s: (
                s.chat_id == ADMIN
                and ("up to date" in s.text or "done" in s.text or "already running" in s.text)
            ),
            count=2,
        )
        assert any("already running" in s.text for s in status) or len(fake.to(ADMIN)) == 2
        (news / "bust.md").write_text(
            "---\ntitle: Police seize <heroin> & cash in Varna\ndate: 2018-11-02\n"
            "url: https://desk.test/bust\n---\nOn 2 November 2018 police in Varna "
            "seized 40 kg of heroin and cash from a truck.\n"
        )
        await fake.message("/ingest", chat_id=ADMIN)
        [done] = await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text)
        assert "desk: 1 added" in done.text and "Notifications: 2 sent, 0 failed" in done.text
        [to_all] = await fake.wait_sent(lambda s: s.chat_id == USER and "🆕" in s.text)
        [to_topic] = await fake.wait_sent(lambda s: s.chat_id == 2002 and "🆕" in s.text)
        assert "Police seize &lt;heroin&gt; &amp; cash in Varna" in to_all.text
        assert "Reply to this message" in to_topic.text
        assert [s for s in fake.to(3003) if "🆕" in s.text] == []
        asked = await fake.message("How much heroin was seized?", chat_id=USER, reply_to=to_all)
        [reply] = await fake.wait_sent(lambda s: s.chat_id == USER and s.reply_to == asked)
        assert reply.text.startswith("<b>40 kg</b>") and "Varna" in reply.text
        await fake.message("/stats", chat_id=ADMIN)
        stats = await fake.wait_sent(lambda s: s.chat_id == ADMIN and "newsbot stats" in s.text)
        assert "Articles: 17" in stats[0].text and "Subscribers: 3" in stats[0].text
        assert "Questions answered: 1" in stats[0].text
        await fake.message("/sources", chat_id=ADMIN)
        [listed] = await fake.wait_sent(lambda s: s.chat_id == ADMIN and s.text.startswith("<b>Sources</b>"))
        assert "<b>selec</b> (textpage," in listed.text and "<b>desk</b> (markdown," in listed.text
        assert listed.text.count("ok, last success 20") == 2


async def test_flood_limits_and_api_errors(fake: FakeBotApi, bot_config: Callable[..., AppConfig]) -> None:
    async with running(bot_config(questions_per_minute=2), fake):
        fake.inject(
            "sendMessage",
            429,
            "Too Many Requests: retry after 1",
            parameters={"retry_after": 1},
            chat_id=USER,
        )
        for _ in range(3):
            await fake.message("When did SELEC visit CARICC?")
        replies = await fake.wait_sent(_from(USER), count=3)
        assert sum("faster than I can read" in r.text for r in replies) == 1
        assert sum("October 12th, 2018" in r.text for r in replies) == 2  # the 429 was waited out and retried


async def test_token_never_reaches_the_logs(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    protect_logs(fake.token)
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # the URLs it logs hold the token
    async with running(bot_config(), fake):
        await fake.message("When did SELEC visit CARICC?")
        await fake.wait_sent(_from(USER))
    assert "getUpdates" in caplog.text
    assert fake.token not in caplog.text
    assert "[REDACTED]" in caplog.text


async def test_broadcast_survives_blocked_migrated_and_bad_chats(
    fake: FakeBotApi, write_config: Callable[..., Path], tmp_path: Path
) -> None:
    from bot.core.outbox import Outbox
    from bot.telegram.broadcast import deliver_pending

    settings = {"api_url": fake.base_url, "admins": [ADMIN], "poll_timeout": 1}
    config = load_config(write_config(telegram=settings))
    async with running(config, fake) as application:
        app = services(application).app
        chats = [USER, 2002, 3003, 4004, 5005]
        for chat in chats:
            app.state.subscribe(chat)
        fake.blocked.add(2002)
        fake.migrated[3003] = -1003003
        fake.inject("sendMessage", 400, "Bad Request: chat not found", chat_id=4004)
        fake.inject(
            "sendMessage",
            429,
            "Too Many Requests: retry after 1",
            parameters={"retry_after": 1},
            chat_id=5005,
        )
        article = app.store.latest(1)[0]
        with app.store.transaction() as db:
            Outbox.enqueue(db, article.id, chats)
        async with services(application).delivering:  # keep the retry job out of the way
            await deliver_pending(application.bot, app)
        statuses = {chat: app.outbox.deliveries_to(chat) for chat in [USER, 2002, -1003003, 4004, 5005]}
        assert statuses == {
            USER: [(article.id, "sent")],
            2002: [(article.id, "dropped")],
            -1003003: [(article.id, "sent")],
            4004: [(article.id, "failed")],
            5005: [(article.id, "sent")],
        }
        notified = sorted(s.chat_id for s in fake.sent if "🆕" in s.text)
        assert notified == sorted([USER, -1003003, 5005])  # the 429 was waited out by the rate limiter
        assert {s.chat_id for s in app.state.subscriptions()} == {USER, -1003003, 4004, 5005}
        again = await deliver_pending(application.bot, app)
        assert again == (0, 0, 0, 0)


async def test_an_ingest_broadcast_and_the_retry_job_never_send_at_once(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig], write_config: Callable[..., Path], tmp_path: Path
) -> None:
    from bot.telegram.broadcast import WORKERS

    news = tmp_path / "news"
    news.mkdir()
    sources = [{"name": s.name, "type": s.type, "path": s.path, "url": s.url} for s in bot_config().sources]
    sources.append({"name": "desk", "type": "markdown", "path": str(news)})
    settings = {
        "api_url": fake.base_url,
        "admins": [ADMIN],
        "poll_timeout": 1,
        "max_messages_per_second": 1000,
    }
    async with running(load_config(write_config(sources=sources, telegram=settings)), fake) as application:
        chats = list(range(20_000, 20_048))
        for chat in chats:
            services(application).app.state.subscribe(chat)
        fake.send_delay_s = 0.3
        (news / "port.md").write_text("---\ntitle: Port reopens\ndate: 2018-11-03\n---\nThe port reopened.\n")
        await fake.message("/ingest", chat_id=ADMIN)
        await fake.wait_sent(lambda s: s.text.startswith("🆕"), count=WORKERS, timeout=60)
        [retry_job] = application.job_queue.get_jobs_by_name("deliver")
        await retry_job.run(application)  # the retry job's turn comes mid-broadcast
        alerts = await fake.wait_sent(lambda s: s.text.startswith("🆕"), count=len(chats), timeout=60)
        await fake.wait_sent(lambda s: s.chat_id == ADMIN and "Notifications:" in s.text)
        assert sorted(s.chat_id for s in alerts) == chats  # each subscriber once
        assert fake.most_sending <= WORKERS  # one round's workers, not two rounds'


async def test_polling_survives_bad_gateways(fake: FakeBotApi, bot_config: Callable[..., AppConfig]) -> None:
    fake.inject("getUpdates", 502, "Bad Gateway", times=3)
    async with running(bot_config(), fake):
        await fake.message("When did SELEC visit CARICC?")
        [answer] = await fake.wait_sent(_from(USER), timeout=30)
        assert "October 12th, 2018" in answer.text
    assert sum(1 for m, _ in fake.calls if m == "getUpdates") > 3


async def test_replies_share_the_configured_number_of_connections(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    from bot.telegram.app import build_application

    application = build_application(bot_config(connections=2), fake.token)
    async with application.bot:
        await asyncio.gather(*(application.bot.send_message(USER, f"reply {i}") for i in range(12)))
    ports = {port for method, port in fake.connections if method == "sendMessage"}
    assert len([m for m, _ in fake.connections if m == "sendMessage"]) == 12 and 1 <= len(ports) <= 2


async def test_webhook_checks_the_secret_and_answers_before_acknowledging(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    import socket
    import time

    import httpx

    from bot.telegram.app import build_application
    from bot.telegram.webhook import serve

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    application = build_application(bot_config(), fake.token)
    server = asyncio.create_task(
        serve(
            application,
            listen="127.0.0.1",
            port=port,
            url_path="telegram",
            webhook_url="https://bot.example/telegram",
            secret="s3cret",
        )
    )
    update = {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": int(time.time()),
            "text": "When did SELEC visit CARICC?",
            "chat": {"id": USER, "type": "private"},
            "from": {"id": USER, "is_bot": False, "first_name": "U"},
        },
    }
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            for _ in range(200):  # until the server listens
                with contextlib.suppress(httpx.ConnectError):
                    refused = await client.post(
                        f"http://127.0.0.1:{port}/telegram",
                        json=update,
                        headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                    )
                    break
                await asyncio.sleep(0.05)
            assert refused.status_code == 403
            assert fake.webhook == {"url": "https://bot.example/telegram", "secret_token": "s3cret"}
            garbled = await client.post(
                f"http://127.0.0.1:{port}/telegram",
                content=b"{not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
            )
            assert garbled.status_code == 400
            accepted = await client.post(
                f"http://127.0.0.1:{port}/telegram",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
            )
            assert accepted.status_code == 200
            # acknowledged only once handled: the answer is already at Telegram when the 200 arrives
            assert any("October 12th, 2018" in s.text for s in fake.to(USER))
            metrics = await client.get(f"http://127.0.0.1:{port}/metrics")  # never on the public port
            assert metrics.status_code == 404
    finally:
        signal.raise_signal(signal.SIGTERM)  # serve() stops on SIGTERM like `newsbot run --webhook`
        await asyncio.wait_for(server, 30)


async def test_digest_subscribers_get_one_daily_message(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    from bot.core.outbox import Outbox
    from bot.telegram.broadcast import deliver_pending, send_digests

    async with running(bot_config(), fake) as application:
        await fake.message("/subscribe", chat_id=USER)
        await fake.message("/digest on", chat_id=USER)
        await fake.wait_sent(_from(USER), count=2)
        app = services(application).app
        articles = app.store.latest(3)
        with app.store.transaction() as db:
            for article in articles:
                Outbox.enqueue(db, article.id, [USER])
        async with services(application).delivering:
            assert (await deliver_pending(application.bot, app)).sent == 0  # digest rows wait
            assert await send_digests(application.bot, app) == 1
        [digest] = [s for s in fake.to(USER) if "daily news digest" in s.text]
        assert digest.text.count("•") == 3
        assert app.outbox.counts() == {"sent": 3}
        await fake.message("/digest off", chat_id=USER)
        reply = (await fake.wait_sent(_from(USER), count=4))[-1]
        assert "each new article" in reply.text and not app.outbox.digest_on(USER)


def test_file_url_changes_only_the_last_part_of_the_path() -> None:
    from bot.telegram.app import file_url

    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("https://bot.example.com/bot") == "https://bot.example.com/file/bot"
    assert file_url("http://127.0.0.1:8081/tg/bot/") == "http://127.0.0.1:8081/tg/file/bot"


async def test_unknown_commands_and_a_current_index_say_what_to_do(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    async with running(bot_config(), fake):
        await fake.message("/frobnicate now", chat_id=USER)
        [unknown] = await fake.wait_sent(_from(USER))
        await fake.message(
            "/frobnicate", chat_id=-500, user_id=USER, chat_type="group"
        )  # other bots' business
        await fake.message("/reindex", chat_id=ADMIN)
        [status] = await fake.wait_sent(lambda s: s.chat_id == ADMIN and "up to date" in s.text)
        await fake.message("/help", chat_id=USER)
        [help_text] = await fake.wait_sent(lambda s: s.chat_id == USER and "/latest" in s.text)
        await asyncio.sleep(0.5)
    assert unknown.text == "I don't know /frobnicate — /help lists what I do."
    assert fake.to(-500) == []
    assert "/reindex full rebuilds it from scratch" in status.text
    assert "/reindex [full]" in help_text.text


async def test_inline_mode_answers_in_any_chat_within_its_own_budget(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    async with running(bot_config(questions_per_minute=2, inline_per_minute=2), fake):
        [result] = await fake.inline("When did SELEC visit CARICC?", user_id=7070)
        nothing = await fake.inline("What is the weather on Mars today?", user_id=7071)
        again = await fake.inline("when did SELEC visit  CARICC?", user_id=7070)  # the cache: not counted
        await fake.inline("Who is the General Police Director of Serbia?", user_id=7070)
        limited = await fake.inline("Who coordinates the anti-fraud task force?", user_id=7070)  # the third
        for _ in range(11):  # typing one question: a query per keystroke
            await fake.inline("When did the ambassador of Belarus visit", user_id=7070)
        await fake.message("Who coordinates the anti-fraud task force?", chat_id=7070)
        [private] = await fake.wait_sent(lambda s: s.chat_id == 7070)
    assert result["type"] == "article" and result["title"] == "October 12th, 2018"
    assert [r["title"] for r in again] == [result["title"]]
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML" and "<b>October 12th, 2018</b>" in content["message_text"]
    assert "CARICC" in content["message_text"] and limited == []
    assert [r["title"] for r in nothing] == ["Not in the news I have"]  # a hint, not silence
    assert "slow down" not in private.text.lower() and "task force" in private.text.lower()


async def test_metrics_in_polling_mode_count_questions_ingests_and_the_outbox(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    import socket

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = bot_config(metrics=True, metrics_port=port)
    async with running(config, fake, serve_metrics=True):
        await fake.message("When did SELEC visit CARICC?")
        await fake.message("What is the weather on Mars today?")
        await fake.wait_sent(_from(USER), count=2)
        async with httpx.AsyncClient(timeout=10) as client:
            text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    assert "newsbot_question_seconds_count 2.0" in text
    assert (
        'newsbot_replies_total{kind="answer"} 1.0' in text
        and 'newsbot_replies_total{kind="declined"} 1.0' in text
    )
    assert "newsbot_ingest_pass_seconds_count 1.0" in text  # the first start ingested the empty store
    assert "newsbot_articles 16.0" in text and "newsbot_index_passages 4" in text
    async with httpx.AsyncClient(timeout=2) as client:  # stopped with the bot
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/metrics")
