"""kill -9 in the middle of a broadcast: the restarted bot sends the rest, nothing twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from bot.clock import SystemClock
from bot.domain import PollDraft
from bot.market.accounts import Accounts
from bot.market.market import Market
from bot.matching.waves import queue_pushes
from bot.sandbox import Limits, SimTelegram
from storage import outbox
from storage.db import Database
from tests.auxil.database import connect, database_at

WORKERS = 1200
SCALE = 10  # Telegram's limits x10: about 280 pushes a second


async def _prepare(sim: SimTelegram, path: Path | str) -> list[int]:
    """A database holding one published poll with a push queued for every worker; the
    chats the outbox has a message for (the workers' and Rita's, funded)."""
    db = Database(path)
    await db.open()
    clock = SystemClock()
    market = Market.build(db, clock, max_active=3, auto_approve_s=3600)
    chats = []
    for n in range(WORKERS):
        user = sim.add_user(f"W{n}")
        await market.people.register(user.id, user.first_name)
        chats.append(user.id)
    rita = sim.add_user("Rita")
    requester = await market.people.register(rita.id, "Rita")
    await Accounts(db, clock).fund(rita.id, 100_000, "crash-test")
    draft = PollDraft("Crash?", ("a", "b"), 1, 5, 60, 86_400)
    hit = await market.publishing.create_poll(requester, draft)
    await market.publishing.publish(requester, hit.id)
    # Matching pushes in waves over time (bot/matching/waves.py); here every wave at once.
    async with db.transaction() as conn:
        await queue_pushes(conn, hit.id, chats, clock.now())
    await db.close()
    return [*chats, rita.id]


async def _bot(sim: SimTelegram, path: Path | str, log: Path) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PTB_TIMEDELTA": "true",
        "GIGBOT_TOKEN": sim.token,
        "GIGBOT_API_URL": sim.base_url,
        "GIGBOT_FILE_URL": sim.base_file_url,
        "GIGBOT_DATABASE": str(path),
        "GIGBOT_SEND_SCALE": str(SCALE),
    }
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, stdout=out, stderr=out
        )


def _pushes(sim: SimTelegram) -> Counter[int]:
    return Counter(
        int(c.params["chat_id"])
        for c in sim.calls_to("sendMessage")
        if c.ok and "Crash?" in str(c.params.get("text"))
    )


def _given_up(path: Path | str) -> set[int]:
    """Chats whose message the restarted bot gave up (its call was in flight at the kill)."""
    with connect(path) as db:
        rows = db.execute("SELECT chat_id FROM outbox WHERE status = 'failed'").fetchall()
    return {int(chat) for (chat,) in rows}


def _everyone_served(sim: SimTelegram, chats: list[int], path: Path | str) -> bool:
    """Whether every chat got its message or has it given up."""
    got = {int(c.params["chat_id"]) for c in sim.calls_to("sendMessage") if c.ok}
    missing = set(chats) - got
    return not missing or missing <= _given_up(path)


async def test_kill_9_mid_broadcast_resumes_without_duplicates(tmp_path: Path) -> None:
    path, log = await database_at(tmp_path, "crash"), tmp_path / "bot.log"
    async with SimTelegram(limits=Limits(scale=SCALE)) as sim:
        chats = await _prepare(sim, path)

        first = await _bot(sim, path, log)
        await sim.until(lambda: sum(_pushes(sim).values()) >= 300, 60, what="300 pushes")
        first.send_signal(signal.SIGKILL)
        await first.wait()
        at_kill = sum(_pushes(sim).values())
        assert at_kill < WORKERS, "killed in the middle, not after the end"

        second = await _bot(sim, path, log)
        try:
            # It gives up the calls in flight at the kill and sends the rest: every chat gets
            # its message or has it given up; a clean stop then records the last outcomes.
            await sim.until(lambda: _everyone_served(sim, chats, path), 60, what="the rest sent")
        finally:
            second.send_signal(signal.SIGTERM)
            await second.wait()
        db = Database(path)
        await db.open()
        try:
            async with db.reading() as conn:
                counts = await outbox.status_counts(conn)
                async with conn.execute(
                    "SELECT DISTINCT error FROM outbox WHERE status = 'failed'"
                ) as cur:
                    errors = {row[0] for row in await cur.fetchall()}
        finally:
            await db.close()

    assert not counts.get("pending") and not counts.get("sending"), counts
    per_chat = _pushes(sim)
    assert max(per_chat.values()) == 1, "no worker got the push twice"
    interrupted = counts.get("failed", 0)
    assert errors <= {"interrupted"}
    assert counts["sent"] + interrupted == WORKERS + 1  # the pushes and Rita's funding notice
    assert interrupted <= 64, "only the calls in flight at the kill are given up"
    missing = WORKERS - len(per_chat)
    print(f"killed after {at_kill} pushes; given up {interrupted}; never delivered {missing}")
    assert missing <= interrupted, "every push not delivered was a call in flight at the kill"
    assert sum(per_chat.values()) >= counts["sent"] - 1 > at_kill, "the second run resumed"
    assert sim.violations == [], log.read_text()[-2000:]
