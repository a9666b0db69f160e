"""First waves sent right after the answer.

A HIT created through the MTurk API is answered as soon as it is stored, open and escrowed
(MTurk, too, returns CreateHIT before any worker sees the HIT); its first wave of pushes goes
out just after, in the background, several HITs' waves in one transaction when requests come
quickly.

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


class FirstWaves:
    """Sends the first waves of HITs published without one (Publishing.publish_new)."""

    def __init__(self, publishing: Publishing, errors: list[BaseException] | None = None) -> None:
        self.publishing = publishing
        self.errors = errors if errors is not None else []
        self._waiting: list[int] = []
        self._task: asyncio.Task[None] | None = None
        self._running = False

    def start(self) -> None:
        """Send waves from now on (and those asked for before)."""
        self._running = True
        self._kick()

    async def stop(self) -> None:
        """Send what is waiting, then stop."""
        await self.settle()
        self._running = False

    def want(self, hit_id: int) -> None:
        """Send this HIT's first wave soon, after the caller has answered."""
        self._waiting.append(hit_id)
        self._kick()

    async def settle(self) -> None:
        """Wait until every wave asked for so far is sent (tests settle with it)."""
        while self._running and (self._waiting or self._task is not None):
            self._kick()
            if self._task is not None:
                await asyncio.shield(self._task)

    def _kick(self) -> None:
        if self._running and self._waiting and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._send())

    async def _send(self) -> None:
        try:
            while self._waiting:
                hit_ids = self._waiting[:MAX_PER_TRANSACTION]
                del self._waiting[:MAX_PER_TRANSACTION]
                try:
                    await self.publishing.send_first_waves(hit_ids)
                except Exception as exc:  # the periodic wave job sends them instead
                    log.exception("first waves of HITs %s failed", hit_ids)
                    self.errors.append(exc)
        finally:
            self._task = None
