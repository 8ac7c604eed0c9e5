"""Subscription topics: alternatives (commas) and excluded words (-word), matched with stored vectors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.config import load_config
from bot.core.services import Newsbot
from bot.core.state import Subscription
from bot.core.topics import matching, parse_topic
from corpus import make_article


def _article(title: str, body: str):  # type: ignore[no-untyped-def]
    return make_article(title=title, body=body, source="desk", url=f"https://d.test/{abs(hash(title))}")


def test_a_topic_reads_as_alternatives_and_excluded_words() -> None:
    read = parse_topic("ports, shipping lanes -strike -Strikes")
    assert read.alternatives == ("ports", "shipping lanes") and read.excluded == ("strike",)
    assert read.describe() == "ports or shipping lanes, without strike, Strikes"  # as typed
    assert parse_topic("-strike").alternatives == () and parse_topic("").describe() == "all new articles"


def test_an_exclusion_only_topic_is_all_news_but_those_and_an_empty_one_is_empty() -> None:
    strike = _article("Dockers strike", "Dockers at the port of Varna went on strike on Monday.")
    grapes = _article("Grape harvest", "Farmers harvested a record crop of grapes.")
    subs = [Subscription(1, "-strike"), Subscription(2, "-strike -grapes")]
    assert [s.chat_id for s in matching(grapes, subs, None, {}, threshold=0.35)] == [1]
    assert [s.chat_id for s in matching(strike, subs, None, {}, threshold=0.35)] == []
    assert parse_topic("-strike").describe() == "all new articles, without strike"
    assert parse_topic("presidential -pence").describe() == "presidential, without pence"  # not "penc"
    assert all(parse_topic(t).empty for t in (", , ,", "-", "- , -")) and not parse_topic("-strike").empty


def test_excluded_words_veto_and_any_alternative_matches() -> None:
    strike = _article("Dockers strike", "Dockers at the port of Varna went on strike on Monday.")
    lanes = _article("Lanes reopen", "The shipping lanes of the Bosphorus reopened after the storm.")
    other = _article("Grape harvest", "Farmers harvested a record crop of grapes.")
    subs = [Subscription(1, "ports, shipping lanes -strike"), Subscription(2, "ports"), Subscription(3, "")]

    def chats(article) -> list[int]:  # type: ignore[no-untyped-def]
        return [s.chat_id for s in matching(article, subs, None, {}, threshold=0.35)]

    assert chats(strike) == [2, 3]  # "strike" vetoes chat 1's topic, not chat 2's
    assert chats(lanes) == [1, 3]  # the second alternative
    assert chats(other) == [3]


def test_alternatives_are_embedded_once_and_excludes_hold_at_ingest(
    write_config: Callable[..., Path], tmp_path: Path
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    app = Newsbot(
        load_config(write_config(sources=[{"name": "desk", "type": "markdown", "path": str(news)}]))
    )
    assert app.state.subscribe(7, "heroin, cocaine -turkey") == "added"
    app.remember_topic("heroin, cocaine -turkey")
    assert sorted(app.state.topic_vectors(app.encoder.name, ["heroin", "cocaine", "turkey"])) == [
        "cocaine",
        "heroin",
    ]
    app.ingest()  # the source's first pass (its backlog, here empty) is never alerted
    (news / "a.md").write_text(
        "---\ntitle: Heroin seized in Turkey\ndate: 2024-03-05\n---\nTurkish police seized heroin.\n"
    )
    (news / "b.md").write_text(
        "---\ntitle: Cocaine seized in Varna\ndate: 2024-03-06\n---\nPolice seized cocaine.\n"
    )
    assert app.ingest()[0].added == 2
    queued = app.outbox.claim("test", limit=10)
    titles = {d.article_id: d.chat_id for d in queued}
    cocaine = next(a.id for a in app.store.articles() if a.title.startswith("Cocaine"))
    assert titles == {cocaine: 7}  # the heroin story mentions Turkey: left out
    app.close()


def test_an_alert_lead_skips_bylines_and_never_ends_mid_word() -> None:
    from bot.core.topics import lead

    cut = _article(
        "Trail reopens",
        "By Jane Doe, Reuters\n\nUpdated 5 March 2024\n\nThe canyon trail reopened on Monday after repairs. "
        "It has been a fixture of the North Rim si",
    )
    assert (
        lead(cut)
        == "The canyon trail reopened on Monday after repairs. It has been a fixture of the North Rim…"
    )
    whole = _article(
        "Port", "From Monday, the port of Varna is open again. Ships queued outside the harbour."
    )
    assert lead(whole) == "From Monday, the port of Varna is open again. Ships queued outside the harbour."


async def test_empty_topics_are_refused_with_an_example_and_control_characters_dropped(
    fake, bot_config
) -> None:  # type: ignore[no-untyped-def]
    from tests.botkit import running, services

    chat = 8101
    async with running(bot_config(), fake) as application:
        for command in (
            "/subscribe , , ,",
            "/subscribe -",
            "/subscribe -strike",
            "/subscribe ports\x00 -strike",
        ):
            await fake.message(command, chat_id=chat)
        replies = await fake.wait_sent(lambda s: s.chat_id == chat, count=4, timeout=30)
        topics = sorted(s.topic for s in services(application).app.state.subscriptions(chat))
    texts = [r.text for r in replies]
    assert (
        texts[0].startswith("That topic has no words: try /subscribe ports, shipping -strike")
        and texts[1] == texts[0]
    )
    assert "all new articles, without strike" in texts[2]
    assert topics == ["-strike", "ports -strike"]


async def test_subscriptions_list_has_an_unsubscribe_button_per_row(fake, bot_config) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from tests.botkit import running, services

    chat = 8202
    async with running(bot_config(), fake) as application:
        for command in ("/subscribe", "/subscribe presidential -pence"):
            await fake.message(command, chat_id=chat)
        await fake.wait_sent(lambda s: s.chat_id == chat, count=2, timeout=30)
        await fake.message("/subscriptions", chat_id=chat)
        [listing] = await fake.wait_sent(
            lambda s: s.chat_id == chat and s.text.startswith("You get"), timeout=30
        )
        buttons = listing.buttons()
        await fake.press(listing, buttons[1][1])  # the topic's row
        for _ in range(200):
            if listing.edits:
                break
            await asyncio.sleep(0.05)
        left = [s.topic for s in services(application).app.state.subscriptions(chat)]
    assert [label for label, _ in buttons] == ["✖ all new articles", "✖ presidential, without pence"]
    assert left == [""] and "presidential" not in listing.text and "all new articles" in listing.text
