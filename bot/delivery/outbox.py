"""The broadcaster: sends what the outbox holds, most urgent first, within Telegram's limits.

Every message gigbot sends on its own initiative is an outbox row, written in the same
transaction as its cause. The broadcaster claims a few rows at a time ('sending', in a
transaction, before any call), sends them paced by token buckets (bot/delivery/pacing.py) and
records the outcomes with the next claim.

Several processes on one database (webhook mode behind a load balancer): Telegram's limits
are the bot's, so only the process holding the broadcaster lease (bot/delivery/_lease.py) claims and
sends; the others queue rows and stand by, looking at the lease every third of a lease and
taking it over when it expires (holder killed) or is released (clean stop). The holder
renews it in the same transaction as every claim, so a process that lost it claims nothing
more. An idle holder also looks for rows other processes queued every OTHERS_POLL_S.

A crash between the claim and 'sent' may or may not have reached Telegram: the process
taking the lease over marks such rows of other processes failed (at most once, never
twice: Telegram has no idempotency key for sendMessage) and puts rows never called back in
the queue. It never touches the rows of a live holder: a process starting next to one only
stands by.

Outcomes: 429 holds only that chat for `retry_after` and puts the row back; 403 marks the
user inactive (or the channel unlinked) and drops queued pushes; "message is not
modified" counts as done; other errors fail the row without a retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from bot.clock import Clock
from bot.delivery._lease import Lease, Taken, process_name
from bot.delivery.pacing import Pace, SendLimits
from bot.domain import Screen
from storage import channels, outbox, users
from storage import lease as lease_rows
from storage.db import Conn, Database, retrying
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
TICK_EVERY_S = 1.0  # real seconds between housekeeping passes (channel counters)
# Real seconds one process may send the outbox without renewing its lease (GIGBOT_SEND_LEASE_S).
LEASE_S = 10.0
# Real seconds between an idle holder's looks for rows queued by other processes (its own
# process wakes it at once): one indexed read, so rows from elsewhere wait ~50 ms, not 1 s.
# On PostgreSQL the holder is woken by the other processes' notices instead (storage/pg.py
# Listener) and does not poll while it hears them (20 statements a second saved); a row
# queued to go later (not_before) goes at the first pass after it is due, within a second.
OTHERS_POLL_S = 0.05
# Real seconds between a standby's looks at the outbox while its flush() waits for the holder.
FLUSH_POLL_S = 0.01


class SendStatus(Enum):
    SENT = "sent"
    RETRY = "retry"  # 429, or the request never left: try again after retry_after
    BLOCKED = "blocked"  # 403: the user blocked the bot, or the bot left the channel
    FAILED = "failed"  # a permanent error, or one that may have reached Telegram


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
Tick = Callable[[Conn, float], Awaitable[object]]


class Broadcaster:
    """Drains the outbox in the background; `flush()` waits until nothing is due."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        sender: Sender,
        render: Renderer,
        *,
        limits: SendLimits | None = None,
        concurrency: int = 64,
        lease_s: float = LEASE_S,
        bell: asyncio.Event | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.sender = sender
        self.render = render
        self.pace = Pace(limits or SendLimits())
        self.concurrency = concurrency
        self.claimer = process_name()  # this process, in the rows it claims and the lease
        self.lease = Lease(clock, self.claimer, lease_s)
        self.holding = False  # this process holds the lease: it sends
        self.recovered = 0  # rows other processes left half-sent, given up at takeovers
        self.ticks: list[Tick] = [channels.queue_counter_edits]
        self.sent = 0
        # Rung (set) by whoever queued something to send: `wake()`, or the use-cases the
        # composition root handed `bell.set` to.
        self._wake = bell if bell is not None else asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unhear: Callable[[], None] | None = None  # stops the notices' calls
        self._stopping = False
        self._busy: set[int] = set()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._done: list[tuple[OutboxRow, SendOutcome]] = []
        # flush() waiters: True when nothing is due any more, False when the lease was lost
        self._waiters: list[asyncio.Future[bool]] = []
        self._next_tick = 0.0
        self._next_look = 0.0  # when a standby looks at the lease next (monotonic)
        self._idle = False  # the last pass found nothing to send and nothing in flight
        self._turns = asyncio.Lock()
        self._queued = 0  # claimed rows still waiting for their turn

    def wake(self) -> None:
        """Tell the loop there is something new to send."""
        self._wake.set()

    async def take_lease(self) -> bool:
        """Become the process that sends, if the lease is free, released or expired (or is
        ours already); on taking it over, settle what other processes left half-sent."""
        async with self.db.transaction() as conn:
            return await self._take_lease(conn)

    async def _take_lease(self, conn: Conn) -> bool:
        now = self.clock.now()
        taken, before = await self.lease.take(conn, now)
        if taken is Taken.OVER:
            given_up = await outbox.fail_interrupted(conn, self.claimer)
            self.recovered += given_up
            # A free lease (first start, or after a clean stop) is the ordinary case.
            log.log(
                logging.DEBUG if before is None and not given_up else logging.INFO,
                "this process sends the outbox now (lease taken over from %s; %d rows whose"
                " call may have reached Telegram given up)",
                before or "nobody",
                given_up,
            )
        elif taken is Taken.REFUSED and self.holding:
            self._step_down([])
        self.holding = taken is not Taken.REFUSED
        return self.holding

    def _step_down(self, waiters: list[asyncio.Future[bool]]) -> None:
        """Another process took the lease over: claim nothing more, stand by."""
        if self.holding:
            log.warning("another process took over sending the outbox; standing by")
        self.holding = False
        self._next_look = time.monotonic() + self.lease.renew_every
        for waiter in [*waiters, *self._waiters]:
            if not waiter.done():
                waiter.set_result(False)
        self._waiters = []

    def _heard_queued(self) -> None:
        """Another process queued rows (PostgreSQL's notice): the holder's pass, now."""
        if self.holding:
            self._wake.set()

    def start(self) -> None:
        self._stopping = False
        if self._unhear is None:
            self._unhear = self.db.on_queued(self._heard_queued)
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="gigbot-broadcaster")
            self._task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        """The loop ended: say so loudly if it was not told to (nothing is sent any more)."""
        if not task.cancelled() and task.exception() is not None:
            log.critical("the broadcaster stopped: nothing is sent", exc_info=task.exception())

    async def stop(self) -> None:
        """Claim nothing more, let calls already made finish, record every outcome and
        release the lease, so a standby process takes over at once.

        Hazard: cancelling a pass would leave claimed rows 'sending', which the next holder
        marks failed (never sent). So the loop is told to end, not cancelled; rows claimed
        but still waiting for their turn go back to 'pending' for the next holder.
        """
        self._stopping = True
        self._wake.set()
        if self._unhear is not None:
            self._unhear()
            self._unhear = None
        if self._task is not None:
            await self._task
            self._task = None
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        if self._done or self.holding:
            async with self._recording() as conn:
                if self.holding:
                    await self.lease.release(conn, self.clock.now())
        self.holding = False
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(True)
        self._waiters = []

    async def flush(self) -> int:
        """Wait until nothing is due, nothing is in flight and every outcome is recorded;
        return how many messages this process sent meanwhile.

        In a standby process (another holds the lease) it first tries to take the lease
        (released or expired: then it sends itself); otherwise it waits, looking at the
        database, until the holder has sent what is due. A holder that shows no sign of
        life (no renewal) for a whole lease of real time is not waited for: flush returns,
        and the rows go out once the lease has expired by the clock and a process took
        over. So flush never hangs on a dead holder.
        """
        if self._task is None:
            raise RuntimeError("the broadcaster is not running")
        before = self.sent
        while not self._stopping:
            if self.holding or await self.take_lease():
                self._next_tick = 0.0
                waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                self.wake()
                if await self._answered(waiter):
                    break
            elif await self._wait_for_holder():
                break
        return self.sent - before

    async def _answered(self, waiter: asyncio.Future[bool]) -> bool:
        """The loop's answer to a flush (or stop's, when stopping). A loop that ended
        otherwise never answers: that is an error (RuntimeError), never a wait without end."""
        task = self._task
        if task is not None and not task.done():
            await asyncio.wait((waiter, task), return_when=asyncio.FIRST_COMPLETED)
        if waiter.done() or self._stopping:
            return await waiter
        waiter.cancel()
        raise RuntimeError("the broadcaster stopped: nothing is sent")

    async def _wait_for_holder(self) -> bool:
        """A standby's flush: True once nothing is due or being sent any more, or when the
        holder has not renewed its lease for a whole lease of real time; False when the
        lease may be taken (look again)."""
        beats, quiet_since = -1, time.monotonic()
        while not self._stopping:
            now = self.clock.now()
            async with self.db.reading() as conn:
                unsent = await outbox.any_unsent(conn, now)
                seen = await lease_rows.current(conn)
            if not unsent:
                return True
            if seen.holder == self.claimer or self.lease.free(seen, now):
                return False
            if seen.beats != beats:
                beats, quiet_since = seen.beats, time.monotonic()
            elif time.monotonic() - quiet_since >= self.lease.seconds:
                return True
            await asyncio.sleep(FLUSH_POLL_S)
        return True

    # -- the loop -------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            if not self.holding:
                try:
                    pause = await self._stand_by()
                except Exception:  # the database may be busy; look again later
                    log.exception("looking at the broadcaster lease failed")
                    pause = 0.5
                await self._nap(pause, poll=False)
                continue
            waiters, self._waiters = self._waiters, []
            try:
                pause = await self._step(waiters)
            except Exception:  # keep delivering whatever one bad row did
                log.exception("broadcaster pass failed")
                self._waiters.extend(waiters)
                pause = 0.5
            # Every pass renews the lease: never rest longer than a renewal period.
            poll = self._idle and not self.db.hears_queued
            await self._nap(min(pause, self.lease.renew_every), poll=poll)

    async def _nap(self, pause: float, *, poll: bool) -> None:
        """Rest until woken or `pause` has passed; with `poll`, end early as soon as rows
        another process queued are due (this process's own rows wake it directly)."""
        end = time.monotonic() + pause
        while not self._stopping:
            left = end - time.monotonic()
            if left <= 0:
                return
            try:
                await asyncio.wait_for(
                    self._wake.wait(), timeout=min(left, OTHERS_POLL_S) if poll else left
                )
                return
            except TimeoutError:
                if poll and await self._due_from_elsewhere():
                    return

    async def _due_from_elsewhere(self) -> bool:
        """Whether rows another process queued are due. A database that cannot say (a
        connection cut, the server restarting) is not an answer: False, and the next pass,
        which the nap ends in anyway, looks again and logs what is wrong. (Raising here
        ended the loop for good: nothing was sent any more, and every flush waited.)"""
        try:
            async with self.db.reading() as conn:
                return await outbox.any_due(conn, self.clock.now())
        except Exception:
            log.debug("looking for rows due failed", exc_info=True)
            return False

    async def _stand_by(self) -> float:
        """Record outcomes of calls made before the lease was lost, and look at the lease
        when it is time; return how long to rest."""
        if time.monotonic() < self._next_look and not self._done:
            return self._next_look - time.monotonic()
        self._next_look = time.monotonic() + self.lease.renew_every
        async with self._recording() as conn:
            if await self._take_lease(conn):
                return 0.0
        return self.lease.renew_every

    async def _step(self, waiters: list[asyncio.Future[bool]]) -> float:
        """Renew the lease, record outcomes, claim what may go now and send it; return how
        long to rest."""
        now = self.clock.now()
        # Claim about a tenth of a second of sending at a time. A crash gives up only rows
        # whose call was already made (see _mark_called); the rest go back to 'pending'.
        rate = self.pace.limits.global_rate
        room = min(self.concurrency - len(self._in_flight), int(rate / 10) + 1 - self._queued)
        room = max(room, 0)
        async with self._recording() as conn:
            # Claims only ever happen in a transaction that has just renewed the lease.
            if not await self.lease.keep(conn, now):
                self._step_down(waiters)
                return 0.0
            if time.monotonic() >= self._next_tick:
                self._next_tick = time.monotonic() + TICK_EVERY_S
                self.pace.forget_idle()
                for tick in self.ticks:
                    await tick(conn, now)
            skip = list(self._busy) + self.pace.not_ready()
            rows = await outbox.due(conn, now, room * 4 + 16, skip) if room > 0 else []
            picked: list[OutboxRow] = []
            chats: set[int] = set()
            for row in rows:
                if len(picked) >= room:
                    break
                if row.chat_id in chats or self.pace.chat_wait(row.chat_id) > 0:
                    continue
                chats.add(row.chat_id)
                picked.append(row)
            claimed = await outbox.mark_sending_many(conn, [row.id for row in picked], self.claimer)
            picked = [row for row in picked if row.id in claimed]
            waiting = bool(rows) or await outbox.any_due(conn, now)
            blocked = [] if rows or not waiting else await outbox.due(conn, now, 200)
        self._idle = not picked and not waiting and not self._in_flight
        if not picked:
            if not waiting and not self._in_flight and not self._done:
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(True)
            else:
                self._waiters.extend(waiters)
            return self._rest(waiting, {row.chat_id for row in blocked})
        self._waiters.extend(waiters)
        for row in picked:
            self.pace.take_chat(row.chat_id)
            self._busy.add(row.chat_id)
            self._queued += 1
            task = asyncio.create_task(self._deliver(row))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        # Claim again shortly before these have all had their turn.
        return 0.8 * len(picked) / rate

    def _rest(self, waiting: bool, chats: set[int]) -> float:
        """How long to wait for a wake-up when nothing could be sent."""
        if not waiting:
            return 1.0
        waits = [self.pace.chat_wait(chat) for chat in chats - self._busy]
        soonest = min((w for w in waits if w > 0), default=0.05)
        return min(max(soonest, 0.002), 1.0)

    async def _deliver(self, row: OutboxRow) -> None:
        """Render and send one row; the outcome is recorded by the next pass."""
        waiting = True
        try:
            screen = await self.render(row)
            target = await self._edit_target(row)
            if screen is None or target is False:
                outcome = SendOutcome(SendStatus.FAILED, error="nothing to show any more")
            else:
                turn = await self._global_turn()
                self._queued -= 1
                waiting = False
                if not turn:  # shutting down: back to 'pending' for the next start
                    outcome = SendOutcome(SendStatus.RETRY, error="shutdown")
                    self._done.append((row, outcome))
                    self._busy.discard(row.chat_id)
                    return
                try:
                    if not await self._mark_called(row):  # another process took it over
                        self._busy.discard(row.chat_id)
                        return
                    if isinstance(target, tuple):
                        outcome = await self.sender.edit(target[0], target[1], screen)
                    elif "edit_message_id" in row.payload:
                        message_id = int(row.payload["edit_message_id"])
                        outcome = await self.sender.edit(row.chat_id, message_id, screen)
                    else:
                        outcome = await self.sender.send(row.chat_id, screen)
                finally:
                    self.pace.answered()
        except Exception as exc:  # the row fails; the loop goes on
            log.exception("sending outbox row %s failed", row.key)
            outcome = SendOutcome(SendStatus.FAILED, error=repr(exc)[:200])
        finally:
            if waiting:
                self._queued -= 1
        self._busy.discard(row.chat_id)
        self._done.append((row, outcome))
        if outcome.status is SendStatus.RETRY:
            self.pace.hold(row.chat_id, outcome.retry_after)
        if len(self._in_flight) <= 1 or outcome.status is not SendStatus.SENT:
            self._wake.set()  # the last one out (flush may be waiting), or news to act on

    @retrying
    async def _mark_called(self, row: OutboxRow) -> bool:
        """Note that the call is being made, so a crash from here on gives the row up
        (it may have reached Telegram) instead of sending it again."""
        # One UPDATE by id: on PostgreSQL no BEGIN/COMMIT trips, on SQLite no hand-off.
        async with self.db.single_write(quick=True) as conn:
            return await outbox.mark_called(conn, row.id, self.claimer, self.clock.now())

    async def _edit_target(self, row: OutboxRow) -> tuple[int, int] | bool:
        """For a row whose payload names `edits` (an earlier row's key, e.g. an offer's
        countdown): the (chat, message) to edit, or False when that was never sent.
        True means the row is an ordinary send."""
        if "edits" not in row.payload:
            return True
        async with self.db.reading() as conn:
            found = await outbox.sent_message(conn, str(row.payload["edits"]))
        return found if found is not None else False

    async def _global_turn(self) -> bool:
        """Wait for the overall budget, right before the call (so sends never bunch up).

        False when the broadcaster is stopping: the call is not to be made.
        """
        async with self._turns:
            while (gap := self.pace.global_wait()) > 0 and not self._stopping:
                await asyncio.sleep(gap)
            if self._stopping:
                return False
            self.pace.take_global()
            return True

    def _take_done(self) -> list[tuple[OutboxRow, SendOutcome]]:
        done, self._done = self._done, []
        return done

    @contextlib.asynccontextmanager
    async def _recording(self) -> AsyncIterator[Conn]:
        """A transaction that first records the calls' outcomes gathered so far. Should it
        fail (the database away), they are kept for the next one: dropped, a message that
        reached Telegram would stay 'sending' without its message id, never to be edited."""
        done = self._take_done()
        try:
            async with self.db.transaction() as conn:
                await self._record(conn, done)
                yield conn
        except BaseException:
            self._done[:0] = done
            raise
        self.sent += sum(result.status is SendStatus.SENT for _, result in done)

    async def _record(self, conn: Conn, done: list[tuple[OutboxRow, SendOutcome]]) -> None:
        now = self.clock.now()
        sent = [(row.id, r.message_id) for row, r in done if r.status is SendStatus.SENT]
        await outbox.mark_sent_many(conn, sent, now)
        for row, result in done:
            if result.status is SendStatus.SENT:
                continue
            elif result.status is SendStatus.RETRY and (
                row.attempts < MAX_ATTEMPTS or result.error == "shutdown"
            ):
                await outbox.retry_later(conn, row.id, now, result.error)
            elif result.status is SendStatus.BLOCKED:
                await outbox.mark_failed(conn, row.id, result.error)
                if row.chat_id > 0:
                    await users.set_active(conn, row.chat_id, False)
                    await outbox.drop_pending_for_chat(conn, row.chat_id, "push")
                else:
                    await channels.deactivate_chat(conn, row.chat_id)
            else:
                await outbox.mark_failed(conn, row.id, result.error or "too many attempts")
