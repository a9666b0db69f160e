"""Updates per second of gigbot's accept -> answer -> submit path against a minimal PTB echo
bot (the floor), both through the same simulated Telegram over HTTP, measured in one run.

Target (issue "Foundation and the core loop"): gigbot >= 0.5 x the echo bot.
Run: .venv/bin/python bench/bench_core_loop.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.matching import FanOut  # noqa: E402
from bot.sandbox import Limits, SimTelegram, SimUser  # noqa: E402
from bot.stage import Actor, Stage  # noqa: E402

TARGET = 0.5
KEYS = InlineKeyboardMarkup([[InlineKeyboardButton("tap", callback_data="tap")]])
CONCURRENCY = 20  # users acting at the same time, as under polling with concurrent updates


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


class Meter:
    """Counts updates and time over several short windows (interleaving cancels drift)."""

    def __init__(self, step: Callable[[], Awaitable[int]]) -> None:
        self.step = step
        self.done = 0
        self.elapsed = 0.0

    async def window(self, seconds: float) -> None:
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            self.done += await self.step()
        self.elapsed += time.perf_counter() - start

    @property
    def rate(self) -> float:
        return self.done / self.elapsed


async def echo_app(sim: SimTelegram) -> tuple[Application, Meter]:  # type: ignore[type-arg]
    """The floor: a PTB bot that answers each text with the same text."""
    app: Application = (  # type: ignore[type-arg]
        ApplicationBuilder()
        .token(sim.token)
        .base_url(sim.base_url)
        .base_file_url(sim.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()

    users = [sim.add_user(f"Echo{n}") for n in range(CONCURRENCY)]

    async def one(who: SimUser) -> None:
        await app.process_update(Update.de_json(sim.message(who, "hello", enqueue=False), app.bot))

    async def step() -> int:
        await asyncio.gather(*(one(who) for who in users))
        return len(users)

    return app, Meter(step)


async def tap_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and redraw its message: the two calls any button tap costs."""
    query = update.callback_query
    assert query is not None and query.message is not None
    text = f"pressed {query.data} at {time.perf_counter()}"
    await asyncio.gather(query.answer(), query.edit_message_text(text, reply_markup=KEYS))


async def tap_app(sim: SimTelegram) -> tuple[Application, Meter]:  # type: ignore[type-arg]
    """A reference, not the floor: a PTB bot that only answers a button press and edits
    the message (no database, no logic) - the Bot API work of one gigbot step."""
    app: Application = (  # type: ignore[type-arg]
        ApplicationBuilder()
        .token(sim.token)
        .base_url(sim.base_url)
        .base_file_url(sim.base_file_url)
        .build()
    )
    app.add_handler(CallbackQueryHandler(tap_back))
    await app.initialize()
    users = [sim.add_user(f"Tap{n}") for n in range(CONCURRENCY)]
    shown = {}
    for who in users:
        sent = await app.bot.send_message(who.id, "start", reply_markup=KEYS)
        shown[who.id] = sent.message_id

    async def one(who: SimUser) -> None:
        update = sim.callback(who, shown[who.id], "tap", enqueue=False)
        await app.process_update(Update.de_json(update, app.bot))

    async def step() -> int:
        await asyncio.gather(*(one(who) for who in users))
        return len(users)

    return app, Meter(step)


async def gigbot_meter(stage: Stage, workers: int) -> Meter:
    admin = stage.admin()
    rita = stage.user("Rita")
    await rita.send("/start")
    await admin.send(f"/fund {rita.tg_id} 10000")
    crowd: list[Actor] = []
    for n in range(workers):
        worker = stage.user(f"W{n}")
        await stage.services.market.register(worker.tg_id, worker.name)
        crowd.append(worker)
    # every worker gets the push at once (matching would send it in waves of 3 x slots)
    stage.services.market.fanout = FanOut(factor=1, max_wave=workers, explore_share=0)
    await rita.send(f"/newpoll Bench? | yes | no ; reward=0.01 n={workers} time=1h life=1d")
    await rita.press("Publish")
    # from here on, measure update handling only: no test-harness settling per update
    stage.settle_each_update = False
    queue = iter(crowd)

    async def one(worker: Actor) -> None:
        await worker.press("Accept")
        await worker.press("yes")
        await worker.press("Submit")
        assert "Submitted" in worker.last_text(), worker.last_text()

    async def step() -> int:
        group = [next(queue) for _ in range(CONCURRENCY)]
        await asyncio.gather(*(one(worker) for worker in group))
        return 3 * len(group)

    return Meter(step)


async def main(seconds: float, workers: int, windows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stage = await Stage.open(
            Path(tmp) / "bench.sqlite3", limits=Limits(enabled=False), send_rate=5000
        )
        app, floor = await echo_app(stage.sim)
        taps_app, taps = await tap_app(stage.sim)
        try:
            gig = await gigbot_meter(stage, workers)
            for _ in range(windows):
                await floor.window(seconds / windows)
                await gig.window(seconds / windows)
                await taps.window(seconds / windows)
            assert not stage.services.errors and not stage.sim.violations
        finally:
            await app.shutdown()
            await taps_app.shutdown()
            await stage.close()
    ratio = gig.rate / floor.rate
    verdict = "OK" if ratio >= TARGET else "BELOW TARGET"
    print(f"echo bot (floor)             {floor.rate:8.1f} updates/s ({floor.done} updates)")
    print(f"gigbot accept/answer/submit  {gig.rate:8.1f} updates/s ({gig.done} updates)")
    print(f"ratio gigbot / echo          {ratio:8.2f}   target >= {TARGET}: {verdict}")
    print(
        f"reference: a bare answer+edit bot {taps.rate:8.1f} updates/s"
        f" = {taps.rate / floor.rate:.2f} x echo; gigbot = {gig.rate / taps.rate:.2f} x it"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--windows", type=int, default=6)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.workers, args.windows))
