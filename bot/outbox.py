"""The broadcaster: sends what the outbox holds, most urgent first, within Telegram's limits.

The outbox row is claimed ('sending') in its own transaction before the call, so a crash
between the call and 'sent' never sends it twice; such rows are marked failed at start.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from bot.clock import Clock
from bot.domain import Screen
from storage import outbox, users
from storage.db import Database
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)


class SendStatus(Enum):
    SENT = "sent"
    RETRY = "retry"      # 429 or network trouble: try again after retry_after
    BLOCKED = "blocked"  # 403: the user blocked the bot or left
    FAILED = "failed"    # a permanent error; do not retry


@dataclass(frozen=True, slots=True)
class SendOutcome:
    status: SendStatus
    message_id: int | None = None
    retry_after: float = 0.0
    error: str = ""


class Sender(Protocol):
    """Puts a screen into a chat (implemented on top of the Telegram bot)."""

    async def send(self, chat_id: int, screen: Screen) -> SendOutcome: ...


Renderer = Callable[[OutboxRow], Awaitable[Screen | None]]


class Pacer:
    """Real-time spacing: at most `per_second` sends overall, and chats told to wait."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._held: dict[int, float] = {}

    def held(self, chat_id: int) -> bool:
        until = self._held.get(chat_id)
        return until is not None and until > time.monotonic()

    def hold(self, chat_id: int, seconds: float) -> None:
        self._held[chat_id] = time.monotonic() + seconds

    def next_release(self) -> float | None:
        """Seconds until the earliest held chat may send again."""
        now = time.monotonic()
        waits = [until - now for until in self._held.values() if until > now]
        return min(waits) if waits else None

    async def slot(self) -> None:
        """Wait for the next global send slot."""
        now = time.monotonic()
        if self._next > now:
            await asyncio.sleep(self._next - now)
        self._next = max(now, self._next) + self.interval


class Broadcaster:
    """Drains the outbox in the background; `flush()` drains it now (tests, shutdown)."""

    def __init__(
        self, db: Database, clock: Clock, sender: Sender, render: Renderer,
        *, per_second: float = 25.0, batch: int = 200,
    ) -> None:
        self.db = db
        self.clock = clock
        self.sender = sender
        self.render = render
        self.pacer = Pacer(per_second)
        self.batch = batch
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.sent = 0

    def wake(self) -> None:
        """Tell the loop there is something new to send."""
        self._wake.set()

    async def recover(self) -> int:
        """At start: give up on rows a crash left half-sent (never send twice)."""
        async with self.db.transaction() as conn:
            return await outbox.fail_interrupted(conn)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="gigbot-broadcaster")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.flush(wait_held=False)
            except Exception:  # keep delivering whatever one bad row did
                log.exception("broadcaster pass failed")
            self._wake.clear()
            pause = self.pacer.next_release() or 1.0
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=min(pause, 1.0))
            except TimeoutError:
                pass

    async def flush(self, *, wait_held: bool = True) -> int:
        """Send everything due now; with wait_held, also wait out chats told to retry."""
        count = 0
        async with self._lock:
            while True:
                sent_now = await self._pass()
                count += sent_now
                if sent_now:
                    continue
                release = self.pacer.next_release()
                if not wait_held or release is None:
                    return count
                await asyncio.sleep(release)

    async def _pass(self) -> int:
        async with self.db.reading() as conn:
            rows = await outbox.due(conn, self.clock.now(), self.batch)
        done = 0
        for row in rows:
            if self.pacer.held(row.chat_id):
                continue
            done += await self._deliver(row)
        return done

    async def _deliver(self, row: OutboxRow) -> int:
        async with self.db.transaction() as conn:
            if not await outbox.mark_sending(conn, row.id):
                return 0
        screen = await self.render(row)
        if screen is None:
            async with self.db.transaction() as conn:
                await outbox.mark_failed(conn, row.id, "nothing to show any more")
            return 1
        await self.pacer.slot()
        result = await self.sender.send(row.chat_id, screen)
        await self._record(row, result)
        return 1 if result.status is not SendStatus.RETRY else 0

    async def _record(self, row: OutboxRow, result: SendOutcome) -> None:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            if result.status is SendStatus.SENT:
                self.sent += 1
                await outbox.mark_sent(conn, row.id, now, result.message_id)
            elif result.status is SendStatus.RETRY:
                self.pacer.hold(row.chat_id, result.retry_after)
                await outbox.retry_later(conn, row.id, now, result.error)
            elif result.status is SendStatus.BLOCKED:
                await users.set_active(conn, row.chat_id, False)
                await outbox.mark_failed(conn, row.id, result.error)
                await outbox.drop_pending_for_chat(conn, row.chat_id, "push")
            else:
                await outbox.mark_failed(conn, row.id, result.error)
