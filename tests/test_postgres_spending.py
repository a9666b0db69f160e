"""Spending a requester's balance on PostgreSQL (READ COMMITTED): a use case that checks the
balance and then spends from it holds the balance row from the check on (storage/ledger.
held_balance), so one that comes while another transaction spends the same balance waits
for it and checks what it left. A plain read let both see one balance and both spend it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import TypeVar

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Stage
from bot.domain import HitKind, HitSpec, PollDraft, QuestionKind, QuestionSpec, User
from bot.market.results import PublishResult
from storage import ledger
from tests.auxil import database as databases
from tests.auxil.stages import fast_stage

pytestmark = pytest.mark.postgres_only
T = TypeVar("T")


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with fast_stage(await databases.database_at(tmp_path, "gigbot"), clock) as opened:
        yield opened


async def _requester(stage: Stage, cents: int) -> User:
    people = stage.services.market.people
    rita = await people.register(900_001, "Rita")
    await stage.services.accounts.fund(900_001, cents, "test")
    found = await people.user(900_001)
    assert found is not None and found.id == rita.id
    return found


async def _while_spent(stage: Stage, rita: User, cents: int, use_case: Awaitable[T]) -> T:
    """Run `use_case` while another transaction, not yet committed, spends `cents` of
    Rita's balance; the use case must wait for it (a lock wait is seen) before it decides."""
    pg = stage.services.db.pg
    assert pg is not None
    async with pg.transaction() as conn:
        await ledger.transfer(
            conn, "test:spent", ledger.requester_account(rita.id), "world", cents, "t", 0
        )
        running = asyncio.ensure_future(use_case)
        async with pg.reading() as watch, asyncio.timeout(20):
            while not await watch.raw.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            ):
                assert not running.done(), "decided without waiting for the other spender"
                await asyncio.sleep(0.01)
    return await running


async def _balance(stage: Stage, rita: User) -> int:
    async with stage.services.db.reading() as conn:
        return await ledger.balance(conn, ledger.requester_account(rita.id))


async def test_publishing_a_draft_waits_for_a_spending_of_the_balance_and_sees_it(
    stage: Stage,
) -> None:
    rita = await _requester(stage, 100)
    publishing = stage.services.market.publishing
    draft = PollDraft("Sky?", ("yes", "no"), 30, 2, 120, 86_400, est_s=20)
    hit = await publishing.create_poll(rita, draft)  # 2 x (30 + fee): most of the $1.00

    outcome = await _while_spent(stage, rita, 50, publishing.publish(rita, hit.id))
    assert outcome is PublishResult.INSUFFICIENT_FUNDS
    assert await _balance(stage, rita) == 50, "nothing held for a HIT the balance cannot pay"


async def test_a_new_hit_published_at_once_waits_for_a_spending_of_the_balance(
    stage: Stage,
) -> None:
    """publish_new's transaction (storage/opening.insert_open_if_funded: here for a HIT with
    an estimate, which the API's one-statement publish leaves to it)."""
    rita = await _requester(stage, 100)
    question = QuestionSpec(QuestionKind.SINGLE, "Sea?", ("yes", "no"))
    spec = HitSpec("Sea?", HitKind.POLL, "", 30, 2, 120, 86_400, 3_600, (question,), est_s=20)
    publishing = stage.services.market.publishing
    outcome, _ = await _while_spent(stage, rita, 50, publishing.publish_new(rita, spec))
    assert outcome is PublishResult.INSUFFICIENT_FUNDS
    assert await _balance(stage, rita) == 50
