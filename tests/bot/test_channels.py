"""Alerts to channels: an admin names the channel or forwards from it; a command posted in the channel."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.config import AppConfig
from tests.botkit import running, services
from tests.conftest import BOT_ADMIN
from tests.fakebot import FakeBotApi

USER = 1001


async def test_admins_subscribe_channels_where_the_bot_may_post(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    fake.channels = {"@desknews": (-100777, "administrator"), "@readonly": (-100778, "member")}
    origin = {
        "type": "channel",
        "chat": {"id": -100777, "type": "channel", "title": "Desk"},
        "message_id": 9,
        "date": int(time.time()),
    }
    async with running(bot_config(), fake) as application:
        await fake.message("/subscribe @desknews ports, shipping", chat_id=USER)  # not an admin
        await fake.message("/subscribe @desknews ports, shipping", chat_id=BOT_ADMIN)
        await fake.message("/subscribe @readonly", chat_id=BOT_ADMIN)
        await fake.message("/subscribe @nowhere", chat_id=BOT_ADMIN)
        await fake.message("/subscribe", chat_id=BOT_ADMIN, extra={"forward_origin": origin})
        await fake.channel_post("/subscribe heroin", chat_id=-100779)
        await fake.wait_sent(lambda s: s.chat_id == BOT_ADMIN, count=4)
        await fake.wait_sent(lambda s: s.chat_id == -100779)
        await fake.message("/subscriptions @desknews", chat_id=BOT_ADMIN)
        listing = (await fake.wait_sent(lambda s: s.chat_id == BOT_ADMIN, count=5))[-1]
        state = services(application).app.state
        channel_subs = {s.topic for s in state.subscriptions(-100777)}
        posted_subs = {s.topic for s in state.subscriptions(-100779)}
        admin_subs = state.subscriptions(BOT_ADMIN)
    replies = [s.text for s in fake.to(BOT_ADMIN)]
    assert "admins only" in fake.to(USER)[0].text
    assert any("Subscribed: @desknews gets new articles about <b>ports or shipping</b>" in t for t in replies)
    assert any("Make me an administrator of @readonly" in t for t in replies)
    assert any("I can't find @nowhere" in t for t in replies)
    assert any(t.startswith("Subscribed: @desknews gets every new article") for t in replies)  # the forward
    assert channel_subs == {"", "ports, shipping"} and posted_subs == {"heroin"} and admin_subs == []
    assert listing.text.startswith("@desknews gets:") and listing.text.count("•") == 2
