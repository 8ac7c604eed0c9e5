"""Who may change a chat (issue 31, item 9): in groups only its admins change subscriptions and settings
(asked with getChatMember, kept briefly), anyone asks questions; a channel's post speaks for that channel
only; a channel's command copied into its discussion group is not answered there."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.config import AppConfig
from tests.botkit import running, services
from tests.fakebot import FakeBotApi

GROUP, ADMIN, MEMBER = -3001, 501, 502


async def test_in_a_group_only_its_admins_change_it_and_everyone_asks(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    fake.group_admins = {GROUP: {ADMIN}}
    async with running(bot_config(), fake) as application:
        for text in ("/subscribe", "/settings tz Europe/Sofia", "/digest on", "/unsubscribe"):
            await fake.message(text, chat_id=GROUP, user_id=MEMBER, chat_type="supergroup")
        refused = await fake.wait_sent(lambda s: s.chat_id == GROUP, count=4, timeout=30)
        await fake.message(
            "/ask when did SELEC visit CARICC", chat_id=GROUP, user_id=MEMBER, chat_type="supergroup"
        )
        await fake.message("/subscribe heroin", chat_id=GROUP, user_id=ADMIN, chat_type="supergroup")
        await fake.wait_sent(lambda s: s.chat_id == GROUP and s.text.startswith("Subscribed"), timeout=30)
        await fake.message("/digest on", chat_id=GROUP, user_id=ADMIN, chat_type="supergroup")
        replies = await fake.wait_sent(lambda s: s.chat_id == GROUP, count=7, timeout=60)
        app = services(application).app
        topics = [s.topic for s in app.state.subscriptions(GROUP)]
        digest = app.outbox.digest_on(GROUP)
        tz = app.settings.get(GROUP).tz
    assert all("only its admins" in r.text for r in refused), [r.text for r in refused]
    texts = [r.text for r in replies[4:]]
    assert any("October 12th, 2018" in t for t in texts)  # a member's question is answered
    assert any(t.startswith("Subscribed") for t in texts) and topics == ["heroin"]
    assert digest and tz == "UTC"
    asked = [p for m, p in fake.calls if m == "getChatMember" and int(p["user_id"]) == ADMIN]
    assert len(asked) == 1  # the admin's two commands: one getChatMember, then the cache


async def test_a_settings_button_in_a_group_is_for_its_admins(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    fake.group_admins = {GROUP: {ADMIN}}
    async with running(bot_config(), fake) as application:
        await fake.message("/settings", chat_id=GROUP, user_id=ADMIN, chat_type="supergroup")
        [view] = await fake.wait_sent(lambda s: s.chat_id == GROUP and "Settings of this chat" in s.text)
        await fake.press(view, "st:previews", user_id=MEMBER, chat_type="supergroup")
        for _ in range(200):
            if fake.callback_answers:
                break
            await asyncio.sleep(0.05)
        previews = services(application).app.settings.get(GROUP).previews
    assert "only its admins" in str(fake.callback_answers[-1].get("text")) and not previews


async def test_a_channel_post_naming_another_channel_is_refused(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    async with running(bot_config(), fake) as application:
        await fake.channel_post("/subscribe heroin", chat_id=-100779)
        await fake.wait_sent(lambda s: s.chat_id == -100779)
        await fake.channel_post("/unsubscribe @otherchannel", chat_id=-100779)
        [_, refused] = await fake.wait_sent(lambda s: s.chat_id == -100779, count=2)
        kept = [s.topic for s in services(application).app.state.subscriptions(-100779)]
    assert "post it in @otherchannel" in refused.text and kept == ["heroin"]


async def test_a_channel_command_copied_into_its_discussion_group_gets_no_reply(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    channel = {"id": -100779, "type": "channel", "title": "Desk"}
    async with running(bot_config(), fake):
        await fake.channel_post("/subscribe", chat_id=-100779)
        await fake.wait_sent(lambda s: s.chat_id == -100779)
        await fake.message(
            "/subscribe",
            chat_id=GROUP,
            user_id=777000,  # Telegram's service account forwards channel posts to the linked group
            chat_type="supergroup",
            extra={"is_automatic_forward": True, "sender_chat": channel},
        )
        await fake.message(
            "/ask when did SELEC visit CARICC", chat_id=GROUP, user_id=MEMBER, chat_type="supergroup"
        )
        [only] = await fake.wait_sent(lambda s: s.chat_id == GROUP, timeout=30)
    assert "October 12th, 2018" in only.text and not any("admins" in s.text for s in fake.to(GROUP))
