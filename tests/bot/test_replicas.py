"""Three webhook replicas on one PostgreSQL database and one index directory, behind one URL."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.core.outbox import Outbox
from bot.core.state import BotState
from bot.telegram.broadcast import WORKERS
from corpus import Store
from tests.fakebot import FakeBotApi, Sent
from tests.pg import fresh_schema
from tests.replicas import ADMIN, Cluster, add_article, cluster

pytestmark = pytest.mark.timeout(240)
PORT_STORY = (
    "Harbour reopens",
    "The harbour of Tallinn reopened on 4 May 2024 after the storm, said the port authority.",
)
GRAIN_STORY = (
    "Grain deal signed",
    "The grain export deal was signed by the ministry in Riga on 6 May 2024, "
    "allowing 12 tonnes of grain a day.",
)


def _is_alert(title: str):
    return lambda s: s.text.startswith("🆕") and title in s.text


async def _ask(fake: FakeBotApi, chat_id: int, question: str, *, timeout: float = 30) -> Sent:
    before = len(fake.to(chat_id))
    await fake.message(question, chat_id=chat_id)
    found = await fake.wait_sent(lambda s: s.chat_id == chat_id, count=before + 1, timeout=timeout)
    return [s for s in found if s.chat_id == chat_id][before]


async def _ingest(group: Cluster, title: str, n: int, text: str) -> None:
    """Add an article to the source and ask for an ingest as an admin (any replica takes the command)."""
    add_article(group.source, n, title, text)
    await group.fake.message("/ingest", chat_id=ADMIN)


async def test_a_replica_killed_mid_broadcast_loses_and_doubles_nothing(tmp_path: Path) -> None:
    with fresh_schema() as url:
        async with cluster(tmp_path, url, articles=[PORT_STORY]) as group:
            fake = group.fake
            answers = [await _ask(fake, 500 + i, "when did the harbour of Tallinn reopen") for i in range(6)]
            assert all("4 May 2024" in a.text for a in answers)
            assert all(n >= 2 for n in group.balancer.forwarded.values()), (
                group.balancer.forwarded
            )  # every replica answered some

            subscribers = list(range(10_000, 10_300))
            with Store(url) as store:
                state = BotState(store)
                for chat_id in subscribers:
                    state.subscribe(chat_id)
            fake.send_delay_s = 0.01
            leader = await group.leader()
            await _ingest(group, *GRAIN_STORY[:1], 1, GRAIN_STORY[1])
            await fake.wait_sent(_is_alert("Grain deal signed"), count=90, timeout=60)
            sent_at_kill = sum(1 for s in fake.sent if _is_alert("Grain deal signed")(s))
            leader.kill()  # SIGKILL in the middle of the broadcast
            killed_at = time.monotonic()
            successor = await group.leader()
            takeover_s = time.monotonic() - killed_at
            assert successor is not leader
            alerts = await fake.wait_sent(_is_alert("Grain deal signed"), count=len(subscribers), timeout=90)
            await asyncio.sleep(1.5)  # anything still to come (a double) arrives now
            alerts = [s for s in fake.sent if _is_alert("Grain deal signed")(s)]
            per_chat = {c: sum(1 for s in alerts if s.chat_id == c) for c in subscribers}
            assert min(per_chat.values()) == 1  # nobody skipped
            doubles = sum(n - 1 for n in per_chat.values())
            with Store(url) as store, store.transaction() as tx:  # rows claimed twice: in flight at the kill
                in_flight = tx.execute("SELECT count(*) FROM outbox WHERE attempts > 1").fetchone()[0]
            assert in_flight <= WORKERS  # each of the dead leader's workers held one row at most
            print(
                f"killed after {sent_at_kill} alerts; {in_flight} rows in flight; takeover in {takeover_s:.2f}s; "
                f"{doubles} doubles"
            )
            assert doubles <= in_flight  # only a row in Telegram's hands at the kill can be sent twice
            with Store(url) as store:
                assert Outbox(store).counts() == {"sent": len(subscribers)}


@pytest.mark.parametrize("backend", ["faiss", "postgresql"])
async def test_leader_dies_another_ingests_and_replicas_switch_index_while_answering(
    tmp_path: Path, backend: str
) -> None:
    with fresh_schema() as url:
        async with cluster(tmp_path, url, articles=[PORT_STORY], backend=backend) as group:
            fake = group.fake
            stop = asyncio.Event()
            replies: list[str] = []
            lost: list[int] = []

            async def keep_asking(chat_id: int) -> None:  # questions keep coming through the switch
                while not stop.is_set():
                    try:
                        replies.append(
                            (
                                await _ask(fake, chat_id, "when did the harbour of Tallinn reopen", timeout=8)
                            ).text
                        )
                    except AssertionError:  # the update was in the killed replica's hands: asked again
                        lost.append(chat_id)

            askers = [asyncio.create_task(keep_asking(600 + i)) for i in range(3)]
            await asyncio.sleep(1)
            first = await group.leader()
            first.kill()
            killed_at = time.monotonic()
            successor = await group.leader()
            takeover_s = time.monotonic() - killed_at
            assert successor is not first and successor.alive
            survivors = [r for r in group.replicas if r.alive]
            before = {r.port: group.serving(r) for r in survivors}
            await _ingest(group, GRAIN_STORY[0], 1, GRAIN_STORY[1])
            ingest_at = time.monotonic()
            status = await fake.wait_sent(lambda s: s.chat_id == ADMIN, timeout=30)
            assert "replica" in status[0].text or "Fetching" in status[0].text
            for replica in survivors:  # each switches to the version the new leader built
                for _ in range(100):
                    if group.serving(replica) > before[replica.port]:
                        break
                    await asyncio.sleep(0.1)
                assert group.serving(replica) > before[replica.port], replica.log.read_text()[-2000:]
            switched_s = time.monotonic() - ingest_at
            grain = [
                await _ask(fake, 700 + i, "how many tonnes of grain a day does the export deal allow")
                for i in range(4)
            ]
            stop.set()
            await asyncio.gather(*askers)
            assert all("12 tonnes" in g.text for g in grain), [g.text for g in grain]
            assert len(replies) >= 6 and all("4 May 2024" in r for r in replies), replies[-3:]
            print(
                f"takeover in {takeover_s:.2f}s; all survivors serving the new index {switched_s:.2f}s after "
                f"/ingest; {len(replies)} answers while switching, {len(lost)} question(s) lost with the killed replica"
            )
            assert lost == []  # a question in the killed replica's hands is delivered again and answered
            assert all(group.balancer.forwarded[r.url] >= 2 for r in survivors)
            if backend == "postgresql":  # nothing but the database is shared: no index folder anywhere
                assert not list(tmp_path.rglob("CURRENT")) and not list(tmp_path.glob("replica-*/data/*"))
        assert [r.proc.returncode for r in survivors] == [0, 0]  # type: ignore[union-attr]  # SIGTERM: clean exit
