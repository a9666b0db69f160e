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
    RETRY = "retry"  # 429 or network trouble: try again after retry_after
    BLOCKED = "blocked"  # 403: the user blocked the bot or left
    FAILED = "failed"  # a permanent error; do not retry


@dataclass(frozen=True, slots=True)
class SendOutcome:
    status: SendStatus
    message_id: int | None = None
    retry_after: float = 0.0
    error: str = ""


class Sender(Protocol):
    """Puts a screen into a chat (implemented on top of the Telegram bot)."""

    async def send(self, chat_id: int, screen: Screen) -> SendOutcome: ...

    async def edit(self, chat_id: int, message_id: int, screen: Screen) -> SendOutcome: ...


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
        self,
        db: Database,
        clock: Clock,
        sender: Sender,
        render: Renderer,
        *,
        per_second: float = 25.0,
        batch: int = 500,
        concurrency: int = 16,
    ) -> None:
        self.db = db
        self.clock = clock
        self.sender = sender
        self.render = render
        self.pacer = Pacer(per_second)
        self.batch = batch
        self.concurrency = concurrency
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.sent = 0

    def wake(self) -> None:
        """Tell the loop there is something new to send."""
        self._wake.set()

    async def recover(self) -> int:
        """At start: give up on rows a crash left half-sent (never send twice)."""
        async with self.db.transaction() as conn:
            return await outbox.fail_interrupted(conn)

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="gigbot-broadcaster")

    async def stop(self) -> None:
        """Let the current pass finish, start no new sends, and end the loop.

        Hazard: cancelling a pass would leave claimed rows 'sending', which the next start
        marks failed (never sent). Rows claimed but not yet sent go back to 'pending'.
        """
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self.flush(wait_held=False)
            except Exception:  # keep delivering whatever one bad row did
                log.exception("broadcaster pass failed")
            self._wake.clear()
            if self._stopping:
                break
            pause = self.pacer.next_release() or 1.0
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=min(pause, 1.0))
            except TimeoutError:
                pass

    async def flush(self, *, wait_held: bool = True) -> int:
        """Send everything due now; with wait_held, also wait out chats told to retry."""
        count = 0
        async with self._lock:
            while not self._stopping:
                sent_now = await self._pass()
                count += sent_now
                if sent_now:
                    continue
                release = self.pacer.next_release()
                if not wait_held or release is None:
                    return count
                await asyncio.sleep(release)
            return count

    async def _pass(self) -> int:
        """Claim one due row per chat, send them concurrently (paced), record the outcomes."""
        async with self.db.reading() as conn:
            if not await outbox.pending_count(conn, self.clock.now()):
                return 0
        async with self.db.transaction() as conn:
            rows = await outbox.due(conn, self.clock.now(), self.batch)
            picked: dict[int, OutboxRow] = {}
            for row in rows:
                if row.chat_id not in picked and not self.pacer.held(row.chat_id):
                    picked[row.chat_id] = row
            claimed = [row for row in picked.values() if await outbox.mark_sending(conn, row.id)]
        if not claimed:
            return 0
        screens = [await self.render(row) for row in claimed]
        # A row whose payload names `edits` (an earlier row's key) edits that message.
        targets: dict[int, tuple[int, int] | None] = {}
        edits = [row for row in claimed if "edits" in row.payload]
        if edits:
            async with self.db.reading() as conn:
                for row in edits:
                    targets[row.id] = await outbox.sent_message(conn, str(row.payload["edits"]))
        screens = [
            None if row.id in targets and targets[row.id] is None else screen
            for row, screen in zip(claimed, screens, strict=True)
        ]
        in_flight = asyncio.Semaphore(self.concurrency)
        tasks = []
        for row, screen in zip(claimed, screens, strict=True):
            if screen is None:
                continue
            if self._stopping:  # shutting down: back to 'pending' for the next start
                tasks.append(asyncio.create_task(_later()))
                continue
            await in_flight.acquire()
            await self.pacer.slot()
            if self._stopping:
                in_flight.release()
                tasks.append(asyncio.create_task(_later()))
                continue
            tasks.append(
                asyncio.create_task(self._send(row.chat_id, screen, in_flight, targets.get(row.id)))
            )
        results = iter(await asyncio.gather(*tasks))
        outcomes = [
            SendOutcome(SendStatus.FAILED, error="nothing to show any more")
            if screen is None
            else next(results)
            for screen in screens
        ]
        await self._record(list(zip(claimed, outcomes, strict=True)))
        return sum(o.status is not SendStatus.RETRY for o in outcomes)

    async def _send(
        self,
        chat_id: int,
        screen: Screen,
        in_flight: asyncio.Semaphore,
        target: tuple[int, int] | None = None,
    ) -> SendOutcome:
        try:
            if target is not None:
                return await self.sender.edit(target[0], target[1], screen)
            return await self.sender.send(chat_id, screen)
        finally:
            in_flight.release()

    async def _record(self, done: list[tuple[OutboxRow, SendOutcome]]) -> None:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            for row, result in done:
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


async def _later() -> SendOutcome:
    return SendOutcome(SendStatus.RETRY, error="shutdown")
