"""`gigbot run` with a loop-lag probe (bench/lagprobe.py) on its event loop.

bench_timers runs the bot as its own process, as production does; this runs the same
command line with the probe started on the bot's loop. Every 100 ms a line is added to the
file named by GIGBOT_BENCH_STALL_FILE: the wall time and the longest stall (s) of those
100 ms, so the bench finds the longest stall of any span (start-up, the deadlines).

    python -m bench.probed_run run
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from bench.lagprobe import LagProbe


async def _report(probe: LagProbe, path: Path) -> None:
    with path.open("a", encoding="ascii") as out:
        while True:
            await asyncio.sleep(0.1)
            worst, probe.worst = probe.worst, 0.0
            out.write(f"{time.time():.3f} {worst:.6f}\n")
            out.flush()


def _run_probed(main: Coroutine[Any, Any, Any], **kwargs: Any) -> Any:
    async def probed() -> Any:
        probe = LagProbe()
        probe.start()
        report = asyncio.create_task(_report(probe, Path(os.environ["GIGBOT_BENCH_STALL_FILE"])))
        try:
            return await main
        finally:
            report.cancel()
            await probe.stop()

    return _real_run(probed(), **kwargs)


_real_run = asyncio.run

if __name__ == "__main__":
    asyncio.run = _run_probed
    from bot.cli import main as cli

    sys.argv[0] = "gigbot"
    cli()
