"""Fixtures: a running simulated Telegram and the real bot on a temporary database
(a SQLite file, or with GIGBOT_TEST_POSTGRES a fresh PostgreSQL database).

Helpers the stories share live in tests/auxil/, never here.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.sandbox import Limits, SimTelegram
from tests.auxil import database as databases
from tests.auxil.halves import pytest_collection_modifyitems, pytest_report_header
from tests.auxil.stages import failing_on_errors

# PTB 22 warns (an error here) when it builds a RetryAfter unless timedelta mode is chosen.
os.environ.setdefault("PTB_TIMEDELTA", "true")

__all__ = ["pytest_collection_modifyitems", "pytest_report_header"]  # hooks of the two halves


@pytest.fixture(scope="session", autouse=True)
def postgres_template() -> Iterator[None]:
    """On PostgreSQL: the migrated template every test's database is copied from."""
    if not databases.on_postgres():
        yield
        return
    databases.make_template()
    yield
    databases.drop_template()


@pytest.fixture(autouse=True)
async def drop_databases() -> AsyncIterator[None]:
    """Drop the PostgreSQL databases a test made, after it."""
    yield
    await databases.drop_made()


@pytest.fixture
async def database(tmp_path: Path) -> Path | str:
    """Where the test's bot keeps its data (a SQLite file, or a PostgreSQL database)."""
    return await databases.database_at(tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def stage(database: Path | str, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot under test; fails the test on any handler error or Telegram-rule violation."""
    opened = await Stage.open(database, clock=clock)
    async with failing_on_errors(opened):
        yield opened


@pytest.fixture
def admin(stage: Stage) -> Actor:
    return stage.admin()


@pytest.fixture
async def processes(tmp_path: Path, clock: FakeClock) -> AsyncIterator[tuple[Stage, Stage]]:
    """Two bot processes on one database (a file, or PostgreSQL), A and B; both are closed
    and checked (no handler errors, no broken Telegram rules) even when a test fails."""
    a = await Stage.open(await databases.database_at(tmp_path), clock=clock)
    b = await a.another_process()
    yield a, b
    seen = [(list(s.services.errors), list(s.sim.violations)) for s in (a, b)]
    await b.close()
    await a.close()
    assert seen == [([], []), ([], [])]


@pytest.fixture
async def sim() -> AsyncIterator[SimTelegram]:
    """The simulated Telegram alone (its limits x20), for a bot run as a process of its own."""
    async with SimTelegram(limits=Limits(scale=20)) as running:
        yield running
