"""CreateHIT's round trips to PostgreSQL: a script waits for each answer, and each statement
on the way is a trip to the server. Its signer's key is kept by the process (read once,
forgotten when any process changes a key or a user, migration 0030), and the HIT is
published by one statement with no transaction around it: the HIT, its questions, its
MTurk side and its escrow (storage/opening.open_api_hit). A key revoked through another
process is refused at once. (PostgreSQL only: SQLite has no round trips; the same stories
run on both in test_mturk_api and test_mturk_first_wave.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from storage import ledger
from storage import mturk as api_storage
from tests.auxil import database as databases
from tests.auxil.mturk import (
    hit_params,
    new_api_key,
    refused,
    requester_with_api_key,
    sky_colour_hit,
)
from tests.auxil.people import funded_requester, user_of, workers
from tests.auxil.stages import api_stage

pytestmark = pytest.mark.postgres_only


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with api_stage(tmp_path, clock) as opened:
        yield opened


def _request_sent(sent: list[str]) -> list[str]:
    """The statements of the API request, without the broadcaster's and the timers' loops
    (which run meanwhile, on their own) and asyncpg's look at the array types, once per
    pooled connection (the request may land on one that had not run it yet)."""
    loops = ("broadcast_lease", "FROM outbox", "SELECT name, due FROM", "FROM channel_posts")
    loops += ("typeinfo_tree", "set_config('jit'")
    return [s for s in sent if not any(loop in s for loop in loops)]


async def test_a_create_hit_is_one_statement(stage: Stage, admin: Actor) -> None:
    assert databases.on_postgres()
    rita, mturk = await requester_with_api_key(stage, admin)
    await asyncio.to_thread(mturk.create_hit, **sky_colour_hit())  # the key is read here
    await stage.settle()
    sent: list[str] = []

    def note(record: Any) -> None:
        sent.append(" ".join(str(record.query).split()))

    await databases.log_every_query(stage, note)
    await stage.services.first_waves.stop()  # its first wave waits until the request is done
    created = await asyncio.to_thread(mturk.create_hit, **sky_colour_hit())
    request = _request_sent(sent)
    stage.services.first_waves.start()
    await stage.settle()

    assert created["HIT"]["HITStatus"] == "Assignable"
    assert len(request) == 1, request  # no BEGIN, no COMMIT, no read of the key
    (publish,) = request
    for part in ("INSERT INTO hits", "INSERT INTO questions", "INSERT INTO mturk_hits"):
        assert part in publish
    assert "INSERT INTO mturk_questions" in publish and "INSERT INTO ledger" in publish
    await rita.send("/balance")
    assert "$9.80" in rita.last_text(), "two HITs of two $0.05 assignments held in escrow"


async def test_a_create_hit_the_requester_cannot_pay_stores_nothing(
    stage: Stage, admin: Actor
) -> None:
    rita, mturk = await requester_with_api_key(stage, admin, cents=5)
    error = await refused(stage, mturk, "create_hit", **sky_colour_hit())  # $0.10 needed
    assert "insufficient funds" in error["Message"]
    for table in ("hits", "questions", "mturk_hits", "mturk_questions", "hit_requirements"):
        assert databases.rows(stage.services.db.target, f"SELECT COUNT(*) FROM {table}") == [
            (0,)
        ], table
    await rita.send("/balance")
    assert "$0.05" in rita.last_text()


async def test_a_key_revoked_through_another_process_is_refused_at_once(
    processes: tuple[Stage, Stage],
) -> None:
    a, b = processes
    rita = await funded_requester(a, a.admin())
    key_id, _ = await new_api_key(rita)
    db = a.services.db
    assert db.pg is not None
    found = await api_storage.kept_key_holder(db, key_id)
    assert found is not None and found[1].tg_id == rita.tg_id
    sent: list[str] = []
    await databases.log_every_query(a, lambda record: sent.append(str(record.query)))
    assert await api_storage.kept_key_holder(db, key_id) == found
    assert not [s for s in sent if "mturk_keys" in s], "A keeps the key: no statement"

    await Actor(b, rita.user).send("/apikey")
    await Actor(b, rita.user).press("Revoke")
    assert "revoked" in rita.last_text()
    async with asyncio.timeout(10):
        while db.pg.users.get(("mturk_key", key_id)) is not None:
            await asyncio.sleep(0.005)
    assert await api_storage.kept_key_holder(db, key_id) is None, "A refuses the key now"


async def test_first_waves_sent_together_read_and_record_once(stage: Stage, admin: Actor) -> None:
    """HITs created together get their first waves in one pass: their HITs, their wave
    facts (with their requirements) and where their waves stand are one statement each for
    the pass, and each HIT still reaches every worker it would alone."""
    rita, mturk = await requester_with_api_key(stage, admin)
    crowd = await workers(stage, "Ann", "Ben")
    first_waves = stage.services.first_waves
    await first_waves.stop()  # the answers go out first; one pass sends all three waves
    for title in ("Sky A", "Sky B", "Sky C"):
        await asyncio.to_thread(mturk.create_hit, **hit_params(title, MaxAssignments=1))
    sent: list[str] = []
    await databases.log_every_query(stage, lambda record: sent.append(str(record.query)))

    first_waves.start()
    await first_waves.settle()
    await stage.settle()

    def count(part: str) -> int:
        return len([s for s in sent if part in s])

    assert count("CROSS JOIN LATERAL (SELECT h.pushes_paused") == 1, "the facts, once"
    assert count("INSERT INTO hit_waves") == 1, "where the waves stand, once"
    assert count("SELECT kind, value, qualification_id, comparator FROM") == 0, "with the facts"
    assert count("fee_bp FROM hits WHERE id") == 0, "the HITs are read with their facts"
    for worker in crowd:
        texts = worker.texts()
        assert [sum(t in text for text in texts) for t in ("Sky A", "Sky B", "Sky C")] == [1] * 3


async def test_a_create_hit_waits_for_a_spending_of_its_balance_and_sees_it(
    stage: Stage, admin: Actor
) -> None:
    """A publish locks its requester's balance row before comparing it: one that comes while
    another transaction is spending the balance waits for it and compares with what it left
    (READ COMMITTED re-reads the row it waited for), so two cannot spend one balance."""
    rita, mturk = await requester_with_api_key(stage, admin, cents=15)  # one HIT's $0.10
    rita_id = (await user_of(stage, rita)).id
    pg = stage.services.db.pg
    assert pg is not None

    def create() -> str:
        try:
            mturk.create_hit(**hit_params("Sky", MaxAssignments=2))
        except mturk.exceptions.ClientError as exc:
            return str(exc.response["Error"]["Message"])
        return "created"

    async with pg.transaction() as conn:  # another publish of Rita's, not yet committed
        await ledger.transfer(
            conn, "test:spent", ledger.requester_account(rita_id), "world", 10, "t", 0
        )
        creating = asyncio.ensure_future(asyncio.to_thread(create))
        async with pg.reading() as watch, asyncio.timeout(20):
            while not await watch.raw.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            ):
                await asyncio.sleep(0.01)
    outcome = await creating
    assert "insufficient funds" in outcome, outcome
    await rita.send("/balance")
    assert "$0.05" in rita.last_text(), "nothing held for a HIT the balance could not pay"
