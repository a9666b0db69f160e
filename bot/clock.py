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

    def real_seconds(self, clock_seconds: float) -> float:
        """Real time runs at real speed."""
        return clock_seconds


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

    @classmethod
    def anchored(cls, speed: float, epoch: float) -> ScaledClock:
        """A clock that was at `epoch` when the wall clock was; every process agrees on it.

        Its time is epoch + (wall time - epoch) x speed, so a restarted process (or a test
        driving it) reads the same accelerated time as the one before it.
        """
        return cls(speed, start=epoch + (time.time() - epoch) * speed)


def real_seconds(clock: Clock, clock_seconds: float) -> float | None:
    """How long `clock_seconds` of `clock` last in real time; None if it never moves by itself."""
    convert = getattr(clock, "real_seconds", None)
    return None if convert is None else float(convert(clock_seconds))


def clock_for(speed: float, epoch: float | None) -> Clock:
    """The clock settings ask for: real time at speed 1, otherwise accelerated (test/demo)."""
    if speed == 1 and epoch is None:
        return SystemClock()
    return ScaledClock(speed) if epoch is None else ScaledClock.anchored(speed, epoch)
