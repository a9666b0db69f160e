"""The longest stall of an event loop: every bench prints it beside its own figures.

A probe task sleeps 1 ms at a time on the loop and records how late it wakes: whatever holds
the loop (a parse, a query's Python side, a render) shows up as lateness. Target (issue 25):
the longest stall <= 100 ms during every bench.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping

TICK = 0.001
TARGET_MS = 100.0


class LagProbe:
    """Sleeps TICK at a time on the running loop; `worst` is the latest wake-up seen."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(TICK)
            self.worst = max(self.worst, time.perf_counter() - start - TICK)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def worst_during(self, step: Callable[[], Awaitable[object]]) -> float:
        """The longest stall (s) while `step` runs."""
        await asyncio.sleep(TICK * 3)  # the probe's current sleep ends before the step
        self.worst = 0.0
        await step()
        await asyncio.sleep(TICK * 3)  # a stall at the very end is seen too
        return self.worst

    def line(self) -> str:
        """The longest stall so far, beside its target."""
        ms = self.worst * 1000
        verdict = "OK" if ms <= TARGET_MS else "ABOVE TARGET"
        return (
            f"longest event-loop stall {ms:6.1f} ms  target <= {TARGET_MS:.0f} ms"
            f"  ratio {ms / TARGET_MS:4.2f}: {verdict}"
        )


def report_stalls(
    worst: Mapping[str, float], errors: list[BaseException], notes: Mapping[str, str] | None = None
) -> None:
    """Print each step's longest stall beside its target (and its note), then handler errors."""
    for label, stall in worst.items():
        ms = stall * 1000
        verdict = "OK" if ms <= TARGET_MS else "ABOVE TARGET"
        note = (notes or {}).get(label, "")
        print(f"{label:44} longest stall {ms:7.1f} ms  ratio to target {ms / TARGET_MS:5.2f}  "
              f"target <= {TARGET_MS:.0f} ms: {verdict}{note}")
    print(f"handler errors: {len(errors)}" + "".join(f"\n  {e!r}"[:120] for e in errors))
