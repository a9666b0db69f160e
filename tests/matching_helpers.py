"""Helpers for the matching stories: workers with preferences and records, push checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.sandbox import Limits
from tests.conftest import SCRIPTED_BURST, failing_on_errors


async def user_id(stage: Stage, actor: Actor) -> int:
    found = await stage.services.market.people.user(actor.tg_id)
    assert found is not None
    return found.id


async def set_prefs(stage: Stage, actor: Actor, **prefs: object) -> None:
    """Store worker preferences as onboarding would (the worker_prefs row, users columns)."""
    uid = await user_id(stage, actor)
    person = {k: prefs.pop(k) for k in ("timezone", "language") if k in prefs}
    async with stage.services.db.transaction() as conn:
        if prefs:
            columns = ", ".join(["user_id", "onboarded", *prefs])
            marks = ", ".join("?" * (len(prefs) + 2))
            await conn.execute(
                f"INSERT OR REPLACE INTO worker_prefs ({columns}) VALUES ({marks})",
                (uid, 1, *prefs.values()),
            )
        for column, value in person.items():
            await conn.execute(f"UPDATE users SET {column} = ? WHERE id = ?", (value, uid))


async def set_record(stage: Stage, actor: Actor, **counts: int) -> None:
    """Give a worker a review history (the counters triggers keep in worker_stats)."""
    uid = await user_id(stage, actor)
    sets = ", ".join(f"{column} = ?" for column in counts)
    async with stage.services.db.transaction() as conn:
        await conn.execute(
            f"UPDATE worker_stats SET {sets} WHERE user_id = ?", (*counts.values(), uid)
        )


async def sql(stage: Stage, query: str, *args: object) -> list[tuple[object, ...]]:
    async with stage.services.db.reading() as conn:
        async with conn.execute(query, args) as cur:
            return [tuple(row) for row in await cur.fetchall()]


def got(actor: Actor, title: str) -> bool:
    """Whether a push card for the HIT titled `title` reached this worker."""
    return any(title in text and "left" in text for text in actor.texts())


async def draft(stage: Stage, requester: Actor, args: str) -> int:
    """Post a poll without publishing it; return its HIT id."""
    await requester.send(f"/newpoll {args}")
    assert "Preview" in requester.last_text(), requester.last_text()
    return int(requester.last_text().split("#")[1].split("\n")[0])


@asynccontextmanager
async def fast_stage(path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """A stage with Telegram's limits scaled up, for stories with many messages per chat;
    fails the test on any handler error or Telegram-rule violation, like `stage`."""
    opened = await Stage.open(
        path, clock=clock, limits=Limits(scale=100, private_burst=SCRIPTED_BURST), send_rate=2000
    )
    async with failing_on_errors(opened):
        yield opened
