"""Updates per second of gigbot's accept -> answer -> submit path against a minimal PTB echo
bot (the floor), both through the same simulated Telegram over HTTP, measured in one run.

Three ways of getting updates to the bots are measured, each with its own interleaved windows:
* webhook - as in production behind a webhook: the simulated Telegram POSTs every update
  (20 chats at once, each chat in order) to the bot's webhook server: PTB's own for the
  echo bot, gigbot's for gigbot. gigbot answers a button press in the webhook response
  (a Bot API feature), so a tap costs one request (the edit); the echo costs one too.
* long polling - gigbot run's default: each bot's getUpdates loop against its own simulated
  Telegram (a press counts when it is answered and its message redrawn).
* handed over - updates given straight to Application.process_update (long polling without
  the getUpdates requests). Without a webhook a tap costs two requests (answer + edit)
  against the echo's one; a PTB bot that only answers and edits is shown for scale.

The floor is PTB as it comes, on httpx. gigbot makes its Bot API calls through aiohttp
(handlers/ptb/transport.py); the echo bot on that same transport is printed as a reference
under polling and handed over, so the share of the ratio owed to the transport is visible.

Target (issue "Foundation and the core loop"): gigbot >= 0.5 x the echo bot.
Run: .venv/bin/python bench/bench_core_loop.py [--seconds 6]
On PostgreSQL: .venv/bin/python -m bench.bench_core_loop --postgres postgresql://... (a
server the bench may create throwaway databases on; see bench/pg.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

os.environ.setdefault("PTB_TIMEDELTA", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.auxil

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest  # noqa: E402

from bench.pg import bench_database  # noqa: E402
from bot.demo.stage import Actor, Stage
from bot.domain import WorkerPrefs  # noqa: E402
from bot.sandbox import Limits, SimTelegram, SimUser  # noqa: E402
from handlers.ptb.transport import AiohttpRequest
from tests.auxil.gestures import answer_poll  # noqa: E402
from tests.auxil.stages import open_unlimited_stage  # noqa: E402

TARGET = 0.5
KEYS = InlineKeyboardMarkup([[InlineKeyboardButton("tap", callback_data="tap")]])
T = TypeVar("T")
CONCURRENCY = 20  # users acting at the same time, as under polling with concurrent updates
# Polls of `--workers` slots each: a crowd takes them one after the other, so a fast run (SQLite
# behind a webhook: 600 updates/s and more) does not run out of workers (n is at most 1,000).
PASSES = 2
# PTB as ApplicationBuilder() makes it, with its default context and data types.
Builder = ApplicationBuilder[Any, Any, Any, Any, Any, Any]
PlainApp = Application[Any, Any, Any, Any, Any, Any]


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

    @classmethod
    def gathered(
        cls, one: Callable[[T], Awaitable[None]], group: Callable[[], list[T]], updates: int = 1
    ) -> Meter:
        """A step is `one` for everybody in `group()` at once: `updates` updates each."""

        async def step() -> int:
            members = group()
            await asyncio.gather(*(one(member) for member in members))
            return updates * len(members)

        return cls(step)


def builder(sim: SimTelegram, transport: BaseRequest | None) -> Builder:
    """PTB as it comes (httpx), or on the given transport."""
    built = ApplicationBuilder().token(sim.token).base_url(sim.base_url)
    built = built.base_file_url(sim.base_file_url)
    return built if transport is None else built.request(transport)


async def echo_app(
    sim: SimTelegram, transport: BaseRequest | None = None
) -> tuple[PlainApp, Meter]:
    """The floor: a PTB bot that answers each text with the same text."""
    app: PlainApp = builder(sim, transport).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()

    users = [sim.add_user(f"Echo{len(sim.world.users)}-{n}") for n in range(CONCURRENCY)]

    async def one(who: SimUser) -> None:
        await app.process_update(Update.de_json(sim.message(who, "hello", enqueue=False), app.bot))

    return app, Meter.gathered(one, lambda: users)


async def tap_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and redraw its message: the two calls any button tap costs."""
    query = update.callback_query
    assert query is not None and query.message is not None
    text = f"pressed {query.data} at {time.perf_counter()}"
    await asyncio.gather(query.answer(), query.edit_message_text(text, reply_markup=KEYS))


async def tap_app(
    sim: SimTelegram, transport: BaseRequest | None = None
) -> tuple[PlainApp, Meter]:
    """A reference, not the floor: a PTB bot that only answers a button press and edits
    the message (no database, no logic) - the Bot API work of one gigbot step."""
    app: PlainApp = builder(sim, transport).build()
    app.add_handler(CallbackQueryHandler(tap_back))
    await app.initialize()
    users = [sim.add_user(f"Tap{len(sim.world.users)}-{n}") for n in range(CONCURRENCY)]
    shown = {}
    for who in users:
        sent = await app.bot.send_message(who.id, "start", reply_markup=KEYS)
        shown[who.id] = sent.message_id

    async def one(who: SimUser) -> None:
        update = sim.callback(who, shown[who.id], "tap", enqueue=False)
        await app.process_update(Update.de_json(update, app.bot))

    return app, Meter.gathered(one, lambda: users)


def one_wave(workers: int) -> dict[str, object]:
    """Settings under which every worker gets the push at once (matching would send it in
    waves of 3 x slots, with some kept for newcomers): for Stage.open(overrides=...)."""
    return {"fanout_factor": 1.0, "fanout_max_wave": workers, "fanout_explore": 0.0}


async def gigbot_meter(stage: Stage, workers: int) -> Meter:
    """Workers set up and a poll with a slot for each published (the stage was opened with
    one_wave(workers)); a step is a crowd of them taking it: Accept, answer, Submit."""
    admin = stage.admin()
    rita = stage.user("Rita")
    await rita.send("/start")
    await admin.send(f"/fund {rita.tg_id} 10000")
    crowd: list[Actor] = []
    for n in range(workers):
        worker = stage.user(f"W{n}")
        user = await stage.services.market.people.register(worker.tg_id, worker.name)
        await stage.services.desk.save_prefs(user, WorkerPrefs(onboarded=True))  # set up
        crowd.append(worker)
    for n in range(PASSES):  # a worker takes the newest poll whose card has Accept first
        await rita.send(f"/newpoll Bench {n}? | yes | no ; reward=0.01 n={workers} time=1h life=1d")
        await rita.press("Publish")
    # from here on, measure update handling only: no test-harness settling per update
    stage.settle_each_update = False
    queue = iter(crowd * PASSES)

    async def one(worker: Actor) -> None:
        await answer_poll(worker, "yes")
        assert "Submitted" in worker.last_text(), worker.last_text()

    return Meter.gathered(one, lambda: [next(queue) for _ in range(CONCURRENCY)], updates=3)


ECHO_SECRET = "echo-webhook-secret"


async def counted_echo_app(
    sim: SimTelegram, name: str, transport: BaseRequest | None = None
) -> tuple[PlainApp, Meter]:
    """The floor when updates come from the simulated Telegram itself (webhook or polling):
    PTB's echo bot handling updates concurrently as gigbot does (PTB's default would handle
    one at a time); a step queues one message per user and ends when every echo is sent.
    The caller starts its updater, then the app."""
    app: PlainApp = builder(sim, transport).concurrent_updates(64).build()
    echoed: dict[int, asyncio.Future[None]] = {}

    async def echo_and_count(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await echo(update, context)
        assert update.effective_user is not None
        echoed.pop(update.effective_user.id).set_result(None)

    app.add_handler(MessageHandler(filters.TEXT, echo_and_count))
    await app.initialize()
    users = [sim.add_user(f"{name}{n}") for n in range(CONCURRENCY)]

    async def step() -> int:
        loop = asyncio.get_running_loop()
        waits = []
        for who in users:
            echoed[who.id] = loop.create_future()
            waits.append(echoed[who.id])
            sim.message(who, "hello")  # queued: the simulator delivers it
        await asyncio.gather(*waits)
        return len(users)

    return app, Meter(step)


async def echo_webhook_app(sim: SimTelegram) -> tuple[PlainApp, Meter, str]:
    """The floor behind a webhook: PTB's own webhook server."""
    app, meter = await counted_echo_app(sim, "Hook")
    port = free_port()
    url = f"http://127.0.0.1:{port}/echo"
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1", port=port, url_path="echo", webhook_url=url, secret_token=ECHO_SECRET
    )
    await app.start()
    return app, meter, url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Databases:
    """Where each stage keeps its data: a file in the temporary directory, or a throwaway
    PostgreSQL database (dropped at the end) with --postgres."""

    def __init__(self) -> None:
        self.postgres: str | None = None
        self.stack = contextlib.AsyncExitStack()

    async def get(self, tmp: Path, name: str) -> str:
        return await self.stack.enter_async_context(bench_database(self.postgres, tmp, name))


DATABASES = Databases()


def point_webhook(sim: SimTelegram, url: str, secret: str) -> None:
    """Telegram's side of setWebhook: send updates to `url` from now on."""
    sim.delivery.set_webhook(url, secret, None, False, 40, None)


async def handed_over(
    tmp: Path, seconds: float, workers: int, windows: int
) -> tuple[Meter, Meter, Meter, Meter, Meter]:
    """Echo, gigbot, the bare answer+edit bot, and the echo and the bare bot on gigbot's
    transport, updates given to process_update."""
    stage = await open_unlimited_stage(
        await DATABASES.get(tmp, "handed"),
        overrides=one_wave(workers),
    )
    app, floor = await echo_app(stage.sim)
    same_app, same = await echo_app(stage.sim, AiohttpRequest())
    taps_app, taps = await tap_app(stage.sim)
    same_taps_app, same_taps = await tap_app(stage.sim, AiohttpRequest())
    try:
        gig = await gigbot_meter(stage, workers)
        for _ in range(windows):
            for meter in (floor, gig, taps, same, same_taps):
                await meter.window(seconds / windows)
        assert not stage.services.errors and not stage.sim.violations
    finally:
        for each in (app, same_app, taps_app, same_taps_app):
            await each.shutdown()
        await stage.close()
    return floor, gig, taps, same, same_taps


async def behind_webhooks(
    tmp: Path, seconds: float, workers: int, windows: int
) -> tuple[Meter, Meter, Meter]:
    """Echo and gigbot (and gigbot answering presses by request), every update POSTed by
    the simulated Telegram to a webhook."""
    stage = await open_unlimited_stage(
        await DATABASES.get(tmp, "webhook"),
        webhook=True,
        overrides=one_wave(workers),
    )
    assert stage.webhook is not None
    hook = stage.sim.delivery.webhook
    assert hook is not None and hook.secret_token is not None
    gig_url, gig_secret = hook.url, hook.secret_token
    app, floor, echo_url = await echo_webhook_app(stage.sim)
    try:
        point_webhook(stage.sim, gig_url, gig_secret)
        gig = await gigbot_meter(stage, workers)
        # The reference: the same bot behind its own webhook, answering presses by request.
        plain = await open_unlimited_stage(
            await DATABASES.get(tmp, "plain"),
            webhook=True,
            overrides=one_wave(workers),
        )
        assert plain.webhook is not None
        plain.webhook.answers_in_response = False
        try:
            by_request = await gigbot_meter(plain, workers)
            for _ in range(windows):
                point_webhook(stage.sim, echo_url, ECHO_SECRET)
                await floor.window(seconds / windows)
                point_webhook(stage.sim, gig_url, gig_secret)
                await gig.window(seconds / windows)
                await by_request.window(seconds / windows)
            assert not plain.services.errors and not plain.sim.violations
            assert not plain.sim.webhook_calls
        finally:
            await plain.close()
        assert not stage.services.errors and not stage.sim.violations
        assert stage.sim.webhook_calls, "gigbot answered presses in its webhook responses"
    finally:
        await app.stop()
        assert app.updater is not None
        await app.updater.stop()
        await app.shutdown()
        await stage.close()
    return floor, gig, by_request


async def echo_polling_app(
    transport: BaseRequest | None = None,
) -> tuple[PlainApp, Meter, SimTelegram]:
    """The floor under long polling: PTB's own getUpdates loop, on a simulated Telegram of
    its own (two getUpdates loops on one would take each other's updates)."""
    sim = SimTelegram(limits=Limits(enabled=False))
    await sim.start()
    app, meter = await counted_echo_app(sim, "Poll", transport)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    await app.start()
    return app, meter, sim


async def stop_polling(app: PlainApp, sim: SimTelegram) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    await sim.stop()


async def gigbot_polling_meter(stage: Stage, workers: int) -> Meter:
    """gigbot's path with every press queued for its getUpdates loop; a press is done when
    it is answered and its message redrawn."""
    setup = await gigbot_meter(stage, workers)  # registers, publishes; its queue is unused
    del setup
    sim = stage.sim
    assert stage.app.updater is not None
    await stage.app.updater.start_polling(poll_interval=0.0, timeout=1)
    crowd = iter(
        [Actor(stage, u) for u in list(sim.world.users.values()) if u.first_name[:1] == "W"]
        * PASSES
    )

    async def press(worker: Actor, label: str) -> None:
        message = worker._message_with(label, None)
        data = next(d for row in message.buttons() for t, d, _ in row if label in t and d)
        before = message.edits
        update = sim.callback(worker.user, message.message_id, data)  # queued
        query = sim.world.callbacks[update["callback_query"]["id"]]
        await sim.until(lambda: query.answered and message.edits > before)

    async def one(worker: Actor) -> None:
        for label in ("Accept", "yes", "Submit"):
            await press(worker, label)
        assert "Submitted" in worker.last_text(), worker.last_text()

    return Meter.gathered(one, lambda: [next(crowd) for _ in range(CONCURRENCY)], updates=3)


async def long_polling(
    tmp: Path, seconds: float, workers: int, windows: int
) -> tuple[Meter, Meter, Meter]:
    """Echo (PTB as it comes, and on gigbot's transport) and gigbot, each long-polling its
    simulated Telegram (getUpdates over HTTP)."""
    stage = await open_unlimited_stage(
        await DATABASES.get(tmp, "polling"),
        overrides=one_wave(workers),
    )
    app, floor, echo_sim = await echo_polling_app()
    same_app, same, same_sim = await echo_polling_app(AiohttpRequest())
    try:
        gig = await gigbot_polling_meter(stage, workers)
        for _ in range(windows):
            for meter in (floor, gig, same):
                await meter.window(seconds / windows)
        assert not stage.services.errors and not stage.sim.violations
    finally:
        await stop_polling(app, echo_sim)
        await stop_polling(same_app, same_sim)
        assert stage.app.updater is not None
        await stage.app.updater.stop()
        await stage.close()
    return floor, gig, same


def verdict(ratio: float) -> str:
    return "OK" if ratio >= TARGET else "BELOW TARGET"


def report(title: str, floor: Meter, gig: Meter) -> None:
    ratio = gig.rate / floor.rate
    print(title)
    print(f"  echo bot (floor)             {floor.rate:8.1f} updates/s ({floor.done})")
    print(f"  gigbot accept/answer/submit  {gig.rate:8.1f} updates/s ({gig.done})")
    print(f"  ratio gigbot / echo          {ratio:8.2f}   target >= {TARGET}: {verdict(ratio)}")


def reference(what: str, meter: Meter, floor: Meter, gig: Meter) -> None:
    print(
        f"  reference: {what} {meter.rate:8.1f} updates/s = {meter.rate / floor.rate:.2f} x echo;"
        f" gigbot = {gig.rate / meter.rate:.2f} x it"
    )


async def main(seconds: float, workers: int, windows: int) -> None:
    print(f"database: {'PostgreSQL' if DATABASES.postgres else 'SQLite'}")
    with tempfile.TemporaryDirectory() as tmp:
        async with DATABASES.stack:
            await _measure(Path(tmp), seconds, workers, windows)


async def _measure(tmp: Path, seconds: float, workers: int, windows: int) -> None:
    hooked_floor, hooked_gig, hooked_plain = await behind_webhooks(tmp, seconds, workers, windows)
    floor, gig, taps, same, same_taps = await handed_over(tmp, seconds, workers, windows)
    polled_floor, polled_gig, polled_same = await long_polling(tmp, seconds, workers, windows)
    webhook = "webhook (the simulated Telegram POSTs each update, as in production):"
    report(webhook, hooked_floor, hooked_gig)
    reference("gigbot answering presses by request", hooked_plain, hooked_floor, hooked_gig)
    report("long polling (getUpdates over HTTP, gigbot run's default):", polled_floor, polled_gig)
    reference("the echo bot on gigbot's transport (aiohttp)", polled_same, polled_floor, polled_gig)
    report("handed over (process_update, as after long polling's getUpdates):", floor, gig)
    reference("a bare answer+edit bot", taps, floor, gig)
    reference("the echo bot on gigbot's transport (aiohttp)", same, floor, gig)
    reference("the bare answer+edit bot on gigbot's transport", same_taps, floor, gig)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--windows", type=int, default=6)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL (bench/pg.py)")
    args = parser.parse_args()
    DATABASES.postgres = args.postgres
    asyncio.run(main(args.seconds, args.workers, args.windows))
