"""`gigbot sandbox`: the real bot, long polling the simulated Telegram, plus a web chat on
127.0.0.1 where one person plays the requester and several workers side by side.

Unlike the Stage (which feeds updates in one at a time for scripted stories), the bot here
runs as it does in production: `getUpdates` long polling, its own outbox, the real clock
(or a faster one). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from pathlib import Path

from bot.clock import Clock, ScaledClock, SystemClock
from bot.config import Settings
from bot.runtime.app import build_application, services_of, start_app, stop_app
from bot.sandbox import SimMessage, SimTelegram
from bot.sandbox.webchat import Person, WebChat
from bot.services import Services
from bot.work import texts as work_texts
from handlers.common import GigApp

DEFAULT_DATABASE = Path("gigbot-sandbox.sqlite3")
DEFAULT_PORT = 8580
DEFAULT_WORKERS = ("Ann", "Bob", "Cy")
STARTING_FUNDS_CENTS = 100_00
_READY_SECONDS = 10.0

log = logging.getLogger(__name__)


class Sandbox:
    """The simulated Telegram, the polling bot on a real database, and the web chat."""

    def __init__(self, sim: SimTelegram, app: GigApp, web: WebChat, requester: Person) -> None:
        self.sim = sim
        self.app = app
        self.web = web
        self.requester = requester

    @classmethod
    async def open(
        cls,
        database: Path = DEFAULT_DATABASE,
        *,
        port: int = DEFAULT_PORT,
        workers: tuple[str, ...] = DEFAULT_WORKERS,
        clock: Clock | None = None,
        funds_cents: int = STARTING_FUNDS_CENTS,
        mturk_listen: str | None = None,
    ) -> Sandbox:
        """Start everything; the requester (also the admin) is funded and everyone started.
        With `mturk_listen` (host:port; else GIGBOT_MTURK_LISTEN) the MTurk API listens too."""
        sim = SimTelegram()
        await sim.start()
        web = WebChat(sim)
        try:
            web.start(port)  # first, so a taken port stops everything before the bot starts
        except OSError:
            await sim.stop()
            raise
        requester = web.add(sim.add_user("Rita", username="rita_requester"), "requester · admin")
        people = [web.add(sim.add_user(name), "worker") for name in workers]
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            token=sim.token,
            api_url=sim.base_url,
            file_url=sim.base_file_url,
            database=str(database),
            admins=frozenset({requester.user.id}),
            log_level="WARNING",
        )
        if mturk_listen:
            settings = settings.model_copy(update={"mturk_listen": mturk_listen})
        if isinstance(clock, ScaledClock):
            # The wave job's interval is real time: keep it the same in sandbox time.
            interval = max(0.5, settings.wave_interval / clock.speed)
            settings = settings.model_copy(update={"wave_interval": interval})
        app = build_application(settings, clock or SystemClock())
        await start_app(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=10)
        sandbox = cls(sim, app, web, requester)
        try:
            for person in (requester, *people):
                sim.message(person.user, "/start")
            await sandbox._until(lambda: all(sim.bot_messages(p.user.id) for p in web.people))
            # Once per database: the key names the user, so a restart does not pay again.
            await sandbox.services.accounts.fund(
                requester.user.id, funds_cents, f"sandbox:{requester.user.id}"
            )
            await sandbox._set_up(people)
        except BaseException:
            await sandbox.close()
            raise
        return sandbox

    async def _set_up(self, people: list[Person]) -> None:
        """The workers the sandbox starts with tap "I want to work", then take the setup's
        defaults, so the requester's first HIT reaches them (someone added later meets the
        welcome's choice). Workers set up on an earlier run have no such buttons."""
        taps = [p for p in people if self._tap(p, work_texts.BTN_ROLE_WORK)]
        await self._until(lambda: all(self._button(p, work_texts.BTN_SETUP_SKIP) for p in taps))
        for person in taps:
            self._tap(person, work_texts.BTN_SETUP_SKIP)
        await self._until(lambda: not any(self._button(p, work_texts.BTN_SETUP_SKIP) for p in taps))

    def _button(self, person: Person, label: str) -> SimMessage | None:
        """The person's newest message from the bot with a button labelled `label`."""
        for message in reversed(self.sim.bot_messages(person.user.id)):
            if any(text == label for row in message.buttons() for text, _, _ in row):
                return message
        return None

    def _tap(self, person: Person, label: str) -> bool:
        """Press that button, as the person would; False if there is none."""
        message = self._button(person, label)
        if message is not None:
            self.sim.press(person.user, message.message_id, label)
        return message is not None

    async def _until(self, done: Callable[[], bool]) -> None:
        for _ in range(int(_READY_SECONDS / 0.02)):
            if done():
                return
            await asyncio.sleep(0.02)
        raise RuntimeError("the bot did not answer /start in time")

    @property
    def services(self) -> Services:
        return services_of(self.app)

    @property
    def url(self) -> str:
        """The web chat's address."""
        return self.web.url

    @property
    def mturk_url(self) -> str | None:
        """Where the MTurk requester API listens, or None when it is off."""
        server = self.app.bot_data.get("mturk_server")
        return str(server.url) if server is not None else None

    async def close(self) -> None:
        """Stop the page, the polling, the bot and the simulator, in that order."""
        await self.web.stop()
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        await stop_app(self.app)
        await self.sim.stop()


async def run_sandbox(
    database: str | None = None,
    port: int = DEFAULT_PORT,
    speed: float = 1.0,
    workers: int = len(DEFAULT_WORKERS),
    mturk_listen: str | None = None,
) -> int:
    """Serve the sandbox until Ctrl+C or SIGTERM; return the exit code."""
    names = tuple(_worker_names(workers))
    clock: Clock = ScaledClock(speed) if speed != 1.0 else SystemClock()
    path = Path(database) if database else DEFAULT_DATABASE
    try:
        sandbox = await Sandbox.open(
            path, port=port, workers=names, clock=clock, mturk_listen=mturk_listen
        )
    except OSError as exc:
        where = f"127.0.0.1:{port}" + (f" (or {mturk_listen})" if mturk_listen else "")
        print(f"gigbot: cannot serve the sandbox on {where}: {exc.strerror}", flush=True)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        print(f"gigbot sandbox: open {sandbox.url} in a browser (Ctrl+C stops)", flush=True)
        print(
            f"  database {path} · clock x{speed:g} · requester {sandbox.requester.user.first_name}"
            f" (admin, id {sandbox.requester.user.id}) · workers {', '.join(names) or 'none'}",
            flush=True,
        )
        print(_mturk_line(sandbox), flush=True)
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError):
                loop.remove_signal_handler(sig)
        errors = len(sandbox.services.errors)
        await sandbox.close()
    print(f"gigbot sandbox: stopped ({errors} handler errors)", flush=True)
    return 0


def _mturk_line(sandbox: Sandbox) -> str:
    """The banner's line about the MTurk requester API: where it listens, or how to turn
    it on."""
    if sandbox.mturk_url is None:
        return "  MTurk API: off (--mturk 127.0.0.1:8765 turns it on)"
    return (
        f"  MTurk API: {sandbox.mturk_url} (boto3 endpoint_url; a key from /apikey in"
        f" {sandbox.requester.user.first_name}'s pane)"
    )


def _worker_names(count: int) -> list[str]:
    extra = ("Dee", "Eve", "Fay", "Gus", "Hal")
    pool = [*DEFAULT_WORKERS, *extra]
    return [pool[i] if i < len(pool) else f"Worker {i + 1}" for i in range(count)]
