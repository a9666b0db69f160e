"""`gigbot run` as a real process: webhook with its secret, start-up errors, clean stops.

The bot runs as `python -m bot run` in a subprocess; the simulated Telegram runs in the
test process, so what it records is what the real bot did over HTTP.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import shutil
import signal
import socket
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram import Update

from bot.clock import SystemClock
from bot.delivery.pacing import Pace, SendLimits
from bot.demo.stage import Stage
from bot.domain import WorkerPrefs
from bot.market.accounts import Accounts
from bot.market.market import Market
from bot.requesting import texts as requesting_texts
from bot.runtime.logs import Redactor
from bot.sandbox import SimTelegram, SimUser
from bot.work.desk import WorkerDesk
from handlers import ADMIN_COMMANDS, REQUESTER_COMMANDS, WORKER_COMMANDS
from storage.db import Database
from tests.auxil.people import funded_requester, set_up
from tests.auxil.processes import gigbot_run

# `gigbot run` processes on a SQLite file (backups with sqlite3, file errors).
pytestmark = pytest.mark.sqlite_only

ADMIN = 900_000_001
SECRET = "s3cret-Token_for-tests"
WAIT = 15.0  # seconds before a wait gives up (it normally ends within a second)


def free_port() -> int:
    """A port nobody listens on (bound, read and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gigbot:
    """`python -m bot run` in a subprocess, its stderr collected line by line."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._more = asyncio.Event()  # set (and replaced) at each line and at the end
        assert proc.stderr is not None
        self._reader = asyncio.create_task(self._read(proc.stderr))

    @classmethod
    async def start(cls, cwd: Path, **env: str) -> Gigbot:
        return cls(await gigbot_run(cwd, **env))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        try:
            async for line in stream:
                self.lines.append(line.decode())
                self._more.set()
                self._more = asyncio.Event()
        finally:
            self._more.set()

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    async def saw(self, text: str) -> None:
        """Wait for `text` on stderr; fail once WAIT seconds pass or stderr ends without it."""
        async with asyncio.timeout(WAIT):
            while text not in self.stderr:
                if self._reader.done():
                    raise AssertionError(f"stderr ended without {text!r}:\n{self.stderr}")
                await self._more.wait()

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    async def exit_code(self) -> int:
        code = await asyncio.wait_for(self.proc.wait(), WAIT)
        await self._reader
        return code

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        await self._reader


@pytest.fixture
async def sim() -> AsyncIterator[SimTelegram]:
    async with SimTelegram() as started:
        yield started


def env_for(sim: SimTelegram, database: Path, **more: str) -> dict[str, str]:
    return {
        "GIGBOT_TOKEN": sim.token,
        "GIGBOT_API_URL": sim.base_url,
        "GIGBOT_FILE_URL": sim.base_file_url,
        "GIGBOT_DATABASE": str(database),
        "GIGBOT_ADMINS": str(ADMIN),
        # These stories post tiny polls; the fair-pay floor has its own tests.
        "GIGBOT_MIN_HOURLY": "0",
        **more,
    }


def replies(sim: SimTelegram, user: SimUser) -> list[str]:
    return [m.text or "" for m in sim.bot_messages(user)]


def registered(database: Path, tg_id: int) -> bool:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT 1 FROM users WHERE tg_id = ?", (tg_id,)).fetchone() is not None


async def online_backup(database: Path, backup: Path) -> None:
    """`sqlite3 db ".backup file"`, or the same online backup API from Python without the CLI."""
    if shutil.which("sqlite3") is None:
        with sqlite3.connect(database) as source, sqlite3.connect(backup) as target:
            source.backup(target)
        return
    done = await asyncio.create_subprocess_exec("sqlite3", str(database), f".backup {backup}")
    assert await done.wait() == 0


# -- webhook ---------------------------------------------------------------------------------


async def test_webhook_takes_updates_with_the_secret_and_refuses_them_without(
    sim: SimTelegram, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/gigbot-hook"
    database = tmp_path / "gigbot.sqlite3"
    env = env_for(
        sim,
        database,
        GIGBOT_WEBHOOK_URL=url,
        GIGBOT_WEBHOOK_SECRET=SECRET,
        GIGBOT_WEBHOOK_PORT=str(port),
        GIGBOT_LOG_LEVEL="DEBUG",
    )
    bot = await Gigbot.start(tmp_path, **env)
    try:
        await bot.saw("running: webhook")
        hook = sim.delivery.webhook
        assert hook is not None and hook.url == url and hook.secret_token == SECRET

        # Telegram (the sim) posts with the secret header: handled.
        wanda = sim.add_user("Wanda")
        sim.message(wanda, "/start")
        await sim.until(lambda: len(replies(sim, wanda)) == 1, WAIT, what="Wanda's welcome")

        # Someone else posts straight to the webhook without it, or with a wrong one.
        mallory = sim.add_user("Mallory")
        forged = sim.message(mallory, "/start", enqueue=False)
        async with httpx.AsyncClient() as client:
            missing = await client.post(url, json=forged)
            wrong = await client.post(
                url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            right_path_wrong_secret_for_wanda = await client.post(
                url,
                json=sim.message(wanda, "/earnings", enqueue=False),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"},
            )
        assert missing.status_code == 403
        assert wrong.status_code == 403
        assert right_path_wrong_secret_for_wanda.status_code == 403

        # The README's backup, taken while the bot runs, holds what was committed so far.
        backup = tmp_path / "backup.sqlite3"
        await online_backup(database, backup)
        assert registered(backup, wanda.id)

        # A real update after the forged ones is handled; the forged ones never were.
        sim.message(wanda, "my private diary entry")
        sim.message(wanda, "/help")
        await sim.until(lambda: len(replies(sim, wanda)) == 3, WAIT, what="Wanda's help")
        # Her poll's question is stored (SQL parameters) and echoed back; never logged.
        sim.message(
            wanda, "/newpoll Is my diary private? | Yes | No ; reward=0.05 n=2 dispatch=race"
        )
        await sim.until(lambda: len(replies(sim, wanda)) == 4, WAIT, what="Wanda's poll preview")
    finally:
        bot.signal(signal.SIGTERM)
        code = await bot.exit_code()
    assert code == 0, bot.stderr
    assert "stopped cleanly" in bot.stderr
    assert replies(sim, mallory) == []
    assert not registered(database, mallory.id) and registered(database, wanda.id)
    # welcome, the stray-text hint, help, preview: no forged /earnings
    assert len(replies(sim, wanda)) == 4
    assert not any("Your earnings" in t for t in replies(sim, wanda))
    assert "Is my diary private?" in replies(sim, wanda)[-1]
    assert sim.violations == []
    # One line per update and per call at DEBUG, and never the token or the secret.
    assert "update 1: message from" in bot.stderr and ": /start" in bot.stderr
    assert "call sendMessage -> 200" in bot.stderr
    assert "text (22 chars)" in bot.stderr and "private diary" not in bot.stderr
    assert ": /newpoll" in bot.stderr and "my diary" not in bot.stderr
    assert sim.token not in bot.stderr and SECRET not in bot.stderr


async def test_a_webhook_url_without_a_secret_is_a_config_error(tmp_path: Path) -> None:
    bot = await Gigbot.start(
        tmp_path,
        GIGBOT_TOKEN="123456:TEST-TOKEN",
        GIGBOT_WEBHOOK_URL="https://bot.example.com/hook",
        GIGBOT_API_URL=f"http://127.0.0.1:{free_port()}/bot",
    )
    assert await bot.exit_code() == 2
    assert bot.stderr.count("\n") == 1 and "GIGBOT_WEBHOOK_SECRET" in bot.stderr


# -- start-up errors -------------------------------------------------------------------------


async def test_a_wrong_token_is_one_clear_line(sim: SimTelegram, tmp_path: Path) -> None:
    env = env_for(sim, tmp_path / "gigbot.sqlite3", GIGBOT_TOKEN="123456:WRONG-TOKEN")
    bot = await Gigbot.start(tmp_path, **env)
    assert await bot.exit_code() == 3
    assert bot.stderr.count("\n") == 1, bot.stderr
    assert "refused GIGBOT_TOKEN (401 Unauthorized)" in bot.stderr
    assert "Traceback" not in bot.stderr and "WRONG-TOKEN" not in bot.stderr
    assert [c.error_code for c in sim.calls_to("getMe")] == [401]


async def test_an_unreachable_api_is_one_clear_line(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/bot"
    bot = await Gigbot.start(
        tmp_path,
        GIGBOT_TOKEN="123456:TEST-TOKEN",
        GIGBOT_API_URL=closed,
        GIGBOT_DATABASE=str(tmp_path / "gigbot.sqlite3"),
    )
    assert await bot.exit_code() == 4
    assert bot.stderr.count("\n") == 1, bot.stderr
    assert f"cannot reach the Bot API at {closed}" in bot.stderr
    assert "Traceback" not in bot.stderr and "TEST-TOKEN" not in bot.stderr


async def test_a_port_in_use_or_a_bad_database_is_one_clear_line(
    sim: SimTelegram, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = env_for(
            sim,
            tmp_path / "gigbot.sqlite3",
            GIGBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
            GIGBOT_WEBHOOK_SECRET=SECRET,
            GIGBOT_WEBHOOK_PORT=str(port),
        )
        bot = await Gigbot.start(tmp_path, **env)
        assert await bot.exit_code() == 5
    assert bot.stderr.count("\n") == 1 and f"cannot listen on 127.0.0.1:{port}" in bot.stderr

    bot = await Gigbot.start(tmp_path, **env_for(sim, tmp_path))  # a directory, not a file
    assert await bot.exit_code() == 6
    assert bot.stderr.count("\n") == 1 and "cannot open the database" in bot.stderr


# -- stopping --------------------------------------------------------------------------------


async def seed(database: Path, sim: SimTelegram, workers: int) -> tuple[SimUser, list[SimUser]]:
    """A funded requester and some workers who finished the setup, known to the sim and the
    database."""
    db = Database(database)
    await db.open()
    try:
        market = Market.build(db, SystemClock(), max_active=3, auto_approve_s=3600)
        rita = sim.add_user("Rita")
        await market.people.register(rita.id, "Rita")
        await Accounts(db, SystemClock()).fund(rita.id, 10_000, "seed")
        crew = [sim.add_user(f"Worker{i}") for i in range(workers)]
        desk = WorkerDesk(db, SystemClock())
        for worker in crew:
            user = await market.people.register(worker.id, worker.first_name)
            await desk.save_prefs(user, WorkerPrefs(onboarded=True))
    finally:
        await db.close()
    return rita, crew


def outbox_rows(database: Path) -> list[tuple[str, int, str, str | None]]:
    with sqlite3.connect(database) as conn:
        return conn.execute(
            "SELECT key, chat_id, status, error FROM outbox WHERE kind = 'push' ORDER BY id"
        ).fetchall()


async def test_sigterm_while_publishing_loses_and_repeats_nothing(
    sim: SimTelegram, tmp_path: Path
) -> None:
    database = tmp_path / "gigbot.sqlite3"
    rita, crew = await seed(database, sim, workers=5)
    env = env_for(sim, database)
    bot = await Gigbot.start(tmp_path, **env)
    await bot.saw("running: long polling")
    sim.message(
        rita, "/newpoll Which logo is clearer? | A | B ; reward=0.10 n=5 time=2m dispatch=race"
    )
    await sim.until(
        lambda: any(m.buttons() for m in sim.bot_messages(rita)), WAIT, what="the poll preview"
    )
    preview = next(m for m in sim.bot_messages(rita) if m.buttons())

    # Telegram stalls: the Publish handler hangs on its edit, the pushes on their sends.
    sim.hold("editMessageText", "sendMessage")
    sim.press(rita, preview.message_id, requesting_texts.BTN_PUBLISH)
    await sim.until(lambda: sim.held >= 2, WAIT, what="the publish edit and a push to be in flight")
    bot.signal(signal.SIGTERM)
    await bot.saw("SIGTERM: finishing work in flight")
    sim.release()
    assert await bot.exit_code() == 0, bot.stderr
    assert "Published poll #" in replies(sim, rita)[-1]  # the handler in flight finished
    rows = outbox_rows(database)
    assert len(rows) == 5 and {status for _, _, status, _ in rows} <= {"sent", "pending"}
    sent_first = sum(status == "sent" for _, _, status, _ in rows)

    # After a restart the rest goes out: every worker gets the HIT exactly once.
    bot = await Gigbot.start(tmp_path, **env)
    try:
        await sim.until(
            lambda: all(len(sim.bot_messages(w)) == 1 for w in crew),
            WAIT,
            what="a push to every worker",
        )
    finally:
        bot.signal(signal.SIGTERM)
        assert await bot.exit_code() == 0, bot.stderr
    assert all(len(sim.bot_messages(w)) == 1 for w in crew)
    assert all("Which logo is clearer?" in (sim.bot_messages(w)[0].text or "") for w in crew)
    rows = outbox_rows(database)
    assert [status for _, _, status, _ in rows] == ["sent"] * 5
    assert sorted(chat for _, chat, _, _ in rows) == sorted(w.id for w in crew)
    assert sent_first >= 1
    with sqlite3.connect(database) as conn:
        (status,) = conn.execute("SELECT status FROM hits").fetchone()
        (escrow,) = conn.execute(
            "SELECT COALESCE(SUM(amount_cents), 0) FROM ledger WHERE to_account LIKE 'escrow:%'"
        ).fetchone()
    assert status == "open" and escrow == 5 * 10
    assert sim.violations == []


async def test_a_second_sigint_exits_at_once(sim: SimTelegram, tmp_path: Path) -> None:
    database = tmp_path / "gigbot.sqlite3"
    bot = await Gigbot.start(tmp_path, **env_for(sim, database))
    try:
        await bot.saw("running: long polling")
        wanda = sim.add_user("Wanda")
        sim.hold("sendMessage")  # the /start reply never comes back: a handler stuck in flight
        sim.message(wanda, "/start")
        await sim.until(lambda: sim.held == 1, WAIT, what="the /start reply to be in flight")
        bot.signal(signal.SIGINT)
        await bot.saw("SIGINT: finishing work in flight")
        bot.signal(signal.SIGINT)
        assert await bot.exit_code() == 128 + signal.SIGINT
        assert "second SIGINT: exiting now" in bot.stderr
    finally:
        sim.release()
        await bot.kill()


# -- command menus ---------------------------------------------------------------------------


def menu(sim: SimTelegram, chat_id: int | None = None) -> list[str]:
    scope = {"type": "default"} if chat_id is None else {"chat_id": chat_id, "type": "chat"}
    key = json.dumps(scope, sort_keys=True)
    return [str(c["command"]) for c in sim.commands.get(key, [])]


async def test_menus_by_scope_and_new_requesters_get_theirs(
    sim: SimTelegram, tmp_path: Path
) -> None:
    database = tmp_path / "gigbot.sqlite3"
    rita, _ = await seed(database, sim, workers=0)
    bot = await Gigbot.start(tmp_path, **env_for(sim, database))
    try:
        await bot.saw("running: long polling")
        workers = [name for name, _ in WORKER_COMMANDS]
        requesters = [name for name, _ in REQUESTER_COMMANDS]
        assert menu(sim) == workers
        assert menu(sim, rita.id) == workers + requesters
        assert menu(sim, ADMIN) == workers + requesters + [name for name, _ in ADMIN_COMMANDS]
        for command in sim.commands.values():
            assert all(1 <= len(str(c["description"])) <= 40 for c in command)

        # A worker the admin funds becomes a requester and gets the requester menu.
        admin = sim.add_user("Admin", id=ADMIN)
        sam = sim.add_user("Sam")
        sim.message(sam, "/start")
        await sim.until(lambda: len(replies(sim, sam)) == 1, WAIT, what="Sam's welcome")
        assert menu(sim, sam.id) == []
        sim.message(admin, f"/fund {sam.id} 5")
        await sim.until(lambda: menu(sim, sam.id) != [], WAIT, what="Sam's requester menu")
        assert "newpoll" in menu(sim, sam.id)
    finally:
        bot.signal(signal.SIGTERM)
        assert await bot.exit_code() == 0, bot.stderr


async def test_stopping_the_broadcaster_mid_pass_keeps_unsent_pushes(tmp_path: Path) -> None:
    stage = await Stage.open(tmp_path / "gigbot.sqlite3")
    try:
        rita = await funded_requester(stage, stage.admin())
        crew = [stage.user(name) for name in ("Ann", "Bob", "Cy")]
        for worker in crew:
            await worker.send("/start")
            await set_up(worker)
        await rita.send("/newpoll Which logo is clearer? | A | B ; reward=0.05 n=3 dispatch=race")
        broadcaster = stage.services.broadcaster
        broadcaster.pace = Pace(SendLimits(global_per_sec=1.0))  # one push a second from now on
        stage.sim.hold("sendMessage")
        publish = stage.sim.press(
            rita.user, rita.last().message_id, requesting_texts.BTN_PUBLISH, enqueue=False
        )
        await stage.app.process_update(Update.de_json(publish, stage.app.bot))
        # The background broadcaster has sent the first push (stalled); the next two wait
        # for their send slots (one a second) when shutdown begins.
        await stage.sim.until(
            lambda: stage.sim.held == 1, WAIT, what="the first push to be in flight"
        )
        stopping = asyncio.create_task(broadcaster.stop())
        await asyncio.sleep(0)
        stage.sim.release()
        await stopping
        states = [status for _, _, status, _ in outbox_rows(stage.services.db.path)]
        assert states == ["sent", "pending", "pending"]

        broadcaster.pace = Pace(SendLimits())  # the restart, at full speed
        broadcaster.start()
        await broadcaster.flush()
        assert [s for _, _, s, _ in outbox_rows(stage.services.db.path)] == ["sent"] * 3
        for worker in crew:
            assert sum("Which logo" in text for text in worker.texts()) == 1
        assert stage.services.errors == [] and stage.sim.violations == []
    finally:
        await stage.close()


def test_logs_redact_the_token_in_messages_and_tracebacks() -> None:
    token = "123456:TEST-TOKEN"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redactor([token, None]))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("HTTP Request: POST %s", f"https://api.telegram.org/bot{token}/getMe")
        logger.warning("someone else's: 987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1")
        try:
            raise RuntimeError(f"failed: http://127.0.0.1/bot{token}/sendMessage")
        except RuntimeError:
            logger.exception("call failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "TEST-TOKEN" not in written and "AAHdqTcvCH1v" not in written
    assert written.count("<redacted>") == 3 and "RuntimeError" in written
