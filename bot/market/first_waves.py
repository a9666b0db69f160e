"""First waves sent right after the answer.

A HIT created through the MTurk API is answered as soon as it is stored, open and escrowed
(MTurk, too, returns CreateHIT before any worker sees the HIT); its first wave of pushes goes
out just after, in the background. A script creating HITs sends its next CreateHIT within a
millisecond or two of the answer, and a wave's trip to the database (several hundred
microseconds of SQL on the database thread, which shares the loop's CPU) then sat in front
of it: a wave waits until no other HIT was created for QUIET_S, or MOST_S after the oldest
wave waiting, and the waves of the HITs a burst created go out together, in one transaction.
Each is still the wave its HIT would have had alone (Publishing.send_first_waves).

Waiting waves live in memory only. If the process dies before sending them, nothing is
lost: an open HIT with free slots always wants waves, so the periodic wave job
(Matcher.next_waves, every GIGBOT_WAVE_INTERVAL seconds) sends the first one instead.
"""

from __future__ import annotations

import asyncio
import logging

from bot.market.publishing import Publishing

log = logging.getLogger(__name__)

MAX_PER_TRANSACTION = 50  # a burst of CreateHITs never holds the database for long
# The window is the loop's own (real) time, not the marketplace's clock: it only groups
# requests that come together. Tests send what waits with settle(), at once.
QUIET_S = 0.005
MOST_S = 0.05


class FirstWaves:
    """Sends the first waves of HITs published without one (Publishing.publish_new)."""

    def __init__(
        self,
        publishing: Publishing,
        errors: list[BaseException] | None = None,
        *,
        quiet_s: float = QUIET_S,
        most_s: float = MOST_S,
    ) -> None:
        self.publishing = publishing
        self.errors = errors if errors is not None else []
        self.quiet_s = quiet_s
        self.most_s = most_s
        self.passes = 0  # transactions that sent waves, since start
        self._waiting: list[int] = []
        self._first_at = 0.0  # loop time the oldest wave waiting was wanted
        self._last_at = 0.0  # and the newest
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._running = False

    def start(self) -> None:
        """Send waves from now on (and those asked for before)."""
        self._running = True
        self._arm()

    async def stop(self) -> None:
        """Send what is waiting, then stop."""
        await self.settle()
        self._running = False

    def want(self, hit_id: int) -> None:
        """Send this HIT's first wave soon, after the caller has answered: once no other
        wave was wanted for quiet_s, and at most most_s after the oldest one waiting."""
        now = asyncio.get_running_loop().time()
        if not self._waiting:
            self._first_at = now
        self._last_at = now
        self._waiting.append(hit_id)
        self._arm()

    async def settle(self) -> None:
        """Send every wave asked for so far, now, and wait for them (tests settle with it)."""
        while self._running and (self._waiting or self._task is not None):
            self._kick()
            if self._task is not None:
                await asyncio.shield(self._task)

    def _arm(self) -> None:
        """Time the next pass, unless one is timed or running (it arms again when done)."""
        if self._running and self._waiting and self._timer is None and self._task is None:
            self._timer = asyncio.get_running_loop().call_later(self._wait(), self._due)

    def _wait(self) -> float:
        now = asyncio.get_running_loop().time()
        return max(0.0, min(self._last_at + self.quiet_s, self._first_at + self.most_s) - now)

    def _due(self) -> None:
        self._timer = None
        wait = self._wait()
        if wait > 0:  # wanted again meanwhile
            self._timer = asyncio.get_running_loop().call_later(wait, self._due)
        else:
            self._kick()

    def _kick(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._running and self._waiting and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._send())

    async def _send(self) -> None:
        try:
            while self._waiting:
                hit_ids = self._waiting[:MAX_PER_TRANSACTION]
                del self._waiting[:MAX_PER_TRANSACTION]
                self.passes += 1
                try:
                    await self.publishing.send_first_waves(hit_ids)
                except Exception as exc:  # the periodic wave job sends them instead
                    log.exception("first waves of HITs %s failed", hit_ids)
                    self.errors.append(exc)
        finally:
            self._task = None
            self._arm()  # waves wanted while this pass ran
