"""An alert whose send timed out may have reached the chat (issue 31, item 5): it is not resent within
telegram.timeout_resend_after_s, then tried once more as text, and a row is never sent without end."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.config import AppConfig
from bot.core.outbox import MAX_ATTEMPTS, Outbox
from bot.telegram.broadcast import deliver_pending
from corpus import make_article
from tests.botkit import running, services
from tests.fakebot import FakeBotApi

CHAT = 9301
STORY = "On 9 March 2024 customs officers in Burgas seized 12 tonnes of counterfeit cigarettes from a ship."


async def test_a_timed_out_photo_is_maybe_sent_then_tried_once_as_text(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    async with running(bot_config(timeout_resend_after_s=2), fake) as application:
        app = services(application).app
        article = make_article(
            title="Cigarettes seized",
            body=STORY,
            source="selec",
            url="https://d.test/cig",
            image="https://img.test/c.jpg",
        )
        app.store.upsert([article])
        with app.store.transaction() as db:
            Outbox.enqueue(db, article.id, [CHAT])
        fake.photo_delay_s = 6.0  # longer than the bot's 5 s read timeout; the fake still sends it
        async with services(application).delivering:  # keep the retry job out of the way
            first = await deliver_pending(application.bot, app)
            await asyncio.sleep(1.5)  # the photo arrives at the chat meanwhile
            within = await deliver_pending(application.bot, app)
            await asyncio.sleep(2.0)
            after = await deliver_pending(application.bot, app)
            last = await deliver_pending(application.bot, app)
        to_chat = fake.to(CHAT)
        status = app.outbox.deliveries_to(CHAT)
    assert first.retry_later == 1 and within == (0, 0, 0, 0) and after.sent == 1 and last == (0, 0, 0, 0)
    assert [bool(s.photo) for s in to_chat] == [True, False]  # the late photo, then one text: two, not three
    assert status == [(article.id, "sent")]


async def test_a_row_that_keeps_failing_is_given_up_after_max_attempts(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    async with running(bot_config(), fake) as application:
        app = services(application).app
        article = app.store.latest(1)[0]
        with app.store.transaction() as db:
            Outbox.enqueue(db, article.id, [CHAT])
        fake.inject("sendMessage", 502, "Bad Gateway", chat_id=CHAT, times=100)
        rounds = []
        async with services(application).delivering:
            for _ in range(MAX_ATTEMPTS + 3):
                rounds.append(await deliver_pending(application.bot, app))
        status = app.outbox.deliveries_to(CHAT)
    assert sum(r.retry_later for r in rounds) == MAX_ATTEMPTS - 1 and sum(r.failed for r in rounds) == 1
    assert status == [(article.id, "failed")] and not fake.to(CHAT)
