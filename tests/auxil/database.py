"""The stage's database: reading rows, and seeding preferences and records a story assumes."""

from __future__ import annotations

from pathlib import Path

from bot.demo.stage import Actor, Stage
from tests.auxil.people import user_id


def database_of(stage: Stage) -> Path:
    """The SQLite file the stage's bot runs on."""
    return stage.services.settings.database


async def sql(stage: Stage, query: str, *args: object) -> list[tuple[object, ...]]:
    """Rows of one query on the bot's own connection."""
    async with stage.services.db.reading() as conn:
        async with conn.execute(query, args) as cur:
            return [tuple(row) for row in await cur.fetchall()]


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
