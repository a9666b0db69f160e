"""Durable time on python-telegram-bot: the JobQueue holds only what is due soon.

Every job carries its domain name (`deadline:12`, `remind:12:0`, `autoapprove:12`,
`expire:7`) as its APScheduler id, so scheduling it again replaces it, and runs with
`misfire_grace_time=None`: a loop stalled past the due time runs the job late instead of
APScheduler's default of silently skipping it after one second.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import JobQueue

from bot.clock import Clock, real_seconds
from bot.services import Services
from handlers.common import GigContext

HORIZON_JOB = "timers:horizon"
# max_instances: a job re-added while its previous run is still going must not be skipped
# ("maximum number of running instances reached"); Timers.fire() coalesces the overlap.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1000}


class JobQueueScheduler:
    """Timers' scheduler on PTB's JobQueue, converting clock time to real time."""

    def __init__(self, job_queue: JobQueue[GigContext], clock: Clock) -> None:
        self.job_queue = job_queue
        self.clock = clock

    def at(self, name: str, due_at: float) -> None:
        """Run the timers at `due_at` (clock time) under `name`, replacing a job of that name."""
        delay = real_seconds(self.clock, due_at - self.clock.now())
        if delay is None:
            return
        callback = _horizon if name == HORIZON_JOB else _fire
        self.job_queue.run_once(
            callback,
            when=max(delay, 0.0),
            name=name,
            job_kwargs={"id": name, "replace_existing": True, **JOB_KWARGS},
        )


async def _fire(context: GigContext) -> None:
    """A deadline fell due: apply everything that is due."""
    await context.services.timers.fire()


async def _horizon(context: GigContext) -> None:
    """Load the next window of deadlines (and apply anything due)."""
    await context.services.timers.fire()
    await context.services.timers.horizon()


def install(job_queue: JobQueue[GigContext] | None, services: Services) -> bool:
    """Attach the JobQueue to the timers if the clock runs by itself; True if attached."""
    period = services.settings.timer_horizon_s
    window = real_seconds(services.clock, 1.0)
    if job_queue is None or window is None:
        return False  # a FakeClock: tests advance it and await timers.run_due()
    window_s = 2 * period / window  # clock seconds covered by two horizon periods
    services.timers.attach(JobQueueScheduler(job_queue, services.clock), window_s)
    job_queue.run_repeating(
        _horizon,
        interval=period,
        first=period,
        name=HORIZON_JOB + ":repeat",
        job_kwargs={"id": HORIZON_JOB + ":repeat", "replace_existing": True, **JOB_KWARGS},
    )
    return True
