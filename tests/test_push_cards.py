"""Push cards are drawn when they are sent: the slots left and a paused HIT are read for
each push, while what a whole wave shows alike (the requester's record, the time estimate,
the questions) is read once per HIT for a few seconds and shared by the pushes sent then."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.clock import FakeClock
from bot.demo.stage import Stage
from bot.matching.waves import queue_pushes
from tests.auxil import database as databases
from tests.auxil.people import funded_requester, worker, workers
from tests.auxil.posting import published_poll
from tests.auxil.screens import got
from tests.auxil.stages import fast_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """Telegram's limits scaled up: the crowd is pushed right after its /start replies."""
    async with fast_stage(await databases.database_at(tmp_path, "gigbot"), clock) as opened:
        yield opened


async def _push_to(stage: Stage, hit_id: int, *tg_ids: int) -> None:
    """A later wave reaching these chats now (bot/matching/waves.py), sent at once."""
    async with stage.services.db.transaction() as conn:
        await queue_pushes(conn, hit_id, list(tg_ids), stage.services.clock.now())
    stage.services.broadcaster.wake()
    await stage.settle()


async def test_each_push_shows_the_slots_left_when_it_is_sent(stage: Stage) -> None:
    rita = await funded_requester(stage, stage.admin())
    ann = await worker(stage, "Ann")
    hit_id = await published_poll(stage, rita, "Slots? | yes | no ; reward=0.05 n=3")
    assert any("3 of 3 left" in text for text in ann.texts()), ann.texts()
    await ann.press("Accept")

    # Same moment, same wave: the card's record and questions are kept, its slots are not.
    dee = await worker(stage, "Dee")
    await _push_to(stage, hit_id, dee.tg_id)
    cards = [text for text in dee.texts() if "Slots?" in text]
    assert len(cards) == 1 and "2 of 3 left" in cards[0], dee.texts()

    # A HIT whose pushes wait for a higher reward sends none, kept card or not.
    async with stage.services.db.transaction() as conn:
        await conn.execute("UPDATE hits SET pushes_paused = 1 WHERE id = ?", (hit_id,))
    eve = await worker(stage, "Eve")
    await _push_to(stage, hit_id, eve.tg_id)
    assert not got(eve, "Slots?"), eve.texts()


@pytest.mark.postgres_only
async def test_a_wave_reads_its_hits_card_once(stage: Stage) -> None:
    """Each push costs the HIT's row (its pause with it) and the note that its call is being
    made: two statements where it took ten (the recipient's language comes with the claim)."""
    assert databases.on_postgres()
    rita = await funded_requester(stage, stage.admin())
    hit_id = await published_poll(stage, rita, "Wave? | yes | no ; reward=0.05 n=20")
    crowd = await workers(stage, "A1", "A2", "A3", "A4", "A5", "A6")
    sent: list[str] = []

    def note(record: Any) -> None:
        sent.append(" ".join(str(record.query).split()))

    await databases.log_every_query(stage, note)
    await _push_to(stage, hit_id, *(actor.tg_id for actor in crowd))
    assert all(got(actor, "Wave?") for actor in crowd)

    assert len([s for s in sent if "FROM questions" in s]) == 1, sent
    assert len([s for s in sent if "SUM(a.status = 'approved'), 0), COALESCE" in s]) == 1  # record
    called = [s for s in sent if s.startswith("UPDATE outbox SET called_at")]
    assert len(called) == len(crowd)
    reads = [s for s in sent if "FROM hits WHERE id" in s]
    assert len(reads) == len(crowd) and all("pushes_paused" in s for s in reads), reads
    assert not [s for s in sent if s.startswith("SELECT language FROM users")], sent


@pytest.mark.sqlite_only
async def test_on_sqlite_a_pushs_two_statements_run_on_the_loops_thread(
    stage: Stage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The HIT's row (once its card is kept) and the note of the call are each one indexed
    statement: they run at once on the loop's thread (storage/inline.py), not each with a
    hand-off to aiosqlite's thread and back (~70 us of a loaded machine's time each way)."""
    rita = await funded_requester(stage, stage.admin())
    hit_id = await published_poll(stage, rita, "Quick? | yes | no ; reward=0.05 n=20")
    crowd = await workers(stage, "B1", "B2", "B3", "B4", "B5", "B6")
    handed: list[str] = []
    handing = aiosqlite.Connection._execute

    async def noted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        handed.extend(" ".join(arg.split()) for arg in args if isinstance(arg, str))
        return await handing(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", noted)
    await _push_to(stage, hit_id, *(actor.tg_id for actor in crowd))
    assert all(got(actor, "Quick?") for actor in crowd)

    assert not [s for s in handed if s.startswith("UPDATE outbox SET called_at")], handed
    assert len([s for s in handed if "pushes_paused FROM hits WHERE id" in s]) <= 1, handed
