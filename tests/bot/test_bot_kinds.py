"""What the bot says to greetings, other languages, news requests and follow-ups (over the fake Bot API)."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import AppConfig
from tests.botkit import running, services
from tests.fakebot import FakeBotApi

USER = 1001


def _from(chat: int) -> Callable:
    return lambda s: s.chat_id == chat


async def test_small_talk_language_and_latest_news(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    async with running(bot_config(), fake):
        await fake.message("hi")
        [hello] = await fake.wait_sent(_from(USER))
        assert hello.text.startswith("Hello!") and "couldn't find" not in hello.text and not hello.buttons()
        await fake.message("Wann besuchte SELEC das CARICC?")
        language = (await fake.wait_sent(_from(USER), count=2))[-1]
        assert "only read questions in English" in language.text and "German" in language.text
        await fake.message("latest news")
        latest = (await fake.wait_sent(_from(USER), count=3))[-1]
        assert latest.text.startswith("The latest news:") and latest.text.count("•") == 5
        assert "2018-10-12" in latest.text.splitlines()[1] and not latest.buttons()


async def test_a_follow_up_without_a_reply_uses_the_chats_last_answer(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    async with running(bot_config(), fake) as application:
        engine = services(application).app.engine
        seen: list[str | None] = []
        real = engine.ask

        def spy(question: str, *, article_id: str | None = None, **kw: object):  # type: ignore[no-untyped-def]
            seen.append(article_id)
            return real(question, article_id=article_id, **kw)  # type: ignore[arg-type]

        engine.ask = spy  # type: ignore[method-assign]
        await fake.message("when did SELEC visit CARICC")
        [first] = await fake.wait_sent(_from(USER))
        assert "CARICC" in first.text
        await fake.message("and who is the director there?")
        await fake.wait_sent(_from(USER), count=2)
        await fake.message("How many partners does SELEC have?")  # not a follow-up: no context
        await fake.wait_sent(_from(USER), count=3)
        caricc = engine.data.articles[seen[1]].title if seen[1] else ""
        assert seen[0] is None and "CARICC" in caricc and seen[2] is None
