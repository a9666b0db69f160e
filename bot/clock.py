"""Clocks: the one source of 'now' for domain code, so tests and the demo can speed time up."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Gives the current UTC time as unix seconds."""

    def now(self) -> float: ...


class SystemClock:
    """Real time."""

    def now(self) -> float:
        return time.time()


class FakeClock:
    """Time that moves only when told to (tests)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self._now += seconds


class ScaledClock:
    """Real time running `speed` times faster from the moment it is made (the demo)."""

    def __init__(self, speed: float, start: float | None = None) -> None:
        self.speed = speed
        self._origin_real = time.monotonic()
        self._origin = time.time() if start is None else start

    def now(self) -> float:
        return self._origin + (time.monotonic() - self._origin_real) * self.speed

    def real_seconds(self, clock_seconds: float) -> float:
        """How long `clock_seconds` of this clock's time last in real time."""
        return clock_seconds / self.speed
