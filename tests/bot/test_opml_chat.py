"""OPML in the chat (issue 32, item 4): an admin sends an .opml file and its feeds are added with the CLI's
checks; /export sends the sources back as a file; /import says how."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import AppConfig
from corpus import read_opml
from tests.botkit import running, services
from tests.conftest import BOT_ADMIN
from tests.fakebot import FakeBotApi

OPML = (
    b'<?xml version="1.0"?><opml version="2.0"><body>'
    b'<outline text="Balkan Wire" type="rss" xmlUrl="https://wire.test/rss"/>'
    b'<outline text="Danube Desk" type="json" xmlUrl="https://desk.test/feed.json"/>'
    b'<outline text="Passwd" type="rss" xmlUrl="file:///etc/passwd"/>'
    b"</body></opml>"
)


async def test_an_admin_imports_an_opml_file_and_exports_the_sources(
    fake: FakeBotApi, bot_config: Callable[..., AppConfig]
) -> None:
    async with running(bot_config(), fake) as application:
        await fake.document(OPML, "feeds.opml", chat_id=5005)  # not an admin
        await fake.message("/import", chat_id=BOT_ADMIN)
        await fake.document(OPML, "feeds.opml", chat_id=BOT_ADMIN)
        [refused] = await fake.wait_sent(lambda s: s.chat_id == 5005)
        [how, imported] = await fake.wait_sent(lambda s: s.chat_id == BOT_ADMIN, count=2)
        await fake.message("/export", chat_id=BOT_ADMIN)
        await fake.wait_sent(lambda s: s.chat_id == BOT_ADMIN, count=3)
        await fake.document(b"<rss/>", "not.opml", chat_id=BOT_ADMIN)
        [*_, bad] = await fake.wait_sent(lambda s: s.chat_id == BOT_ADMIN, count=4)
        kinds = {s.name: s.type for s in services(application).app.all_sources()}
    assert "admins only" in refused.text and ".opml file" in how.text
    assert (
        imported.text.startswith("Imported 2 feed(s), skipped 1.") and "file:///etc/passwd" in imported.text
    )
    assert kinds == {"selec": "textpage", "balkan-wire": "feed", "danube-desk": "jsonfeed"}
    [(chat, name, data)] = fake.documents
    assert chat == BOT_ADMIN and name.endswith(".opml")
    assert sorted(read_opml(data.decode())) == [
        ("balkan-wire", "https://wire.test/rss", "feed"),
        ("danube-desk", "https://desk.test/feed.json", "jsonfeed"),
    ]
    assert bad.text.startswith("Not imported: not an OPML file")
