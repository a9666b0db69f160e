"""Three `gigbot run` processes on one database behind one webhook URL, as on several
machines behind nginx: the simulated Telegram posts every update to a round-robin proxy
that hands it to the next process (and to the one after it when a process is gone).

On PostgreSQL in the suite's PostgreSQL half; on one SQLite file in its SQLite half. The
story: 300 workers race for 5 slots (never over-filled), the poll's whole loop (answers,
review, money), a tagging batch's loop, a deadline that runs out, and in the middle of it
the process that holds the broadcaster lease is killed with SIGKILL while the others carry
on: its sends, its deadlines and the updates it was handling are taken over. Afterwards
the ledger sums to zero, no push reached a worker twice, and Telegram never said 429.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.sandbox import Limits, SimTelegram, SimUser
from tests.auxil.database import database_at, rows

SCALE = 20  # Telegram's limits x20: 300 sign-ups are about concurrency, not pacing
SPEED = 60.0  # one real second is a minute of HIT time (the processes share the epoch)
WORKERS = 300
SLOTS = 5
ADMIN = 900_000_001
SECRET = "several-processes-secret"
WAIT = 90.0  # real seconds before a wait gives up (a loaded CI machine)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RoundRobin:
    """nginx's `upstream` with `proxy_next_upstream error`: each POST goes to the next
    process; one that cannot be reached is skipped; a connection that breaks mid-call is
    a 502 to Telegram, which delivers the update again."""

    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = upstreams
        self.turn = 0
        self.handed: Counter[str] = Counter()
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.forward)
        self.session = aiohttp.ClientSession()
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/hook"

    async def stop(self) -> None:
        await self.session.close()
        if self.runner is not None:
            await self.runner.cleanup()

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-")}
        headers["Content-Type"] = request.headers.get("Content-Type", "application/json")
        for _ in range(len(self.upstreams)):
            upstream = self.upstreams[self.turn % len(self.upstreams)]
            self.turn += 1
            try:
                async with self.session.post(upstream, data=body, headers=headers) as reply:
                    data = await reply.read()
                    self.handed[upstream] += 1
                    return web.Response(
                        status=reply.status,
                        body=data,
                        content_type=reply.content_type,
                    )
            except aiohttp.ClientConnectorError:
                continue  # nobody listens there (killed): the next one
            except (TimeoutError, aiohttp.ClientError):
                return web.Response(status=502)
        return web.Response(status=502)


class Process:
    """One `python -m bot run` behind the proxy."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env = {**env, "GIGBOT_WEBHOOK_PORT": str(port)}
        self.port = port
        self.url = f"http://127.0.0.1:{port}/hook"
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, stdout=out, stderr=out
            )

    async def listening(self) -> bool:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return False
        writer.close()
        return True

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return int(self.proc.returncode or 0)


async def until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        await asyncio.sleep(0.05)


def texts(sim: SimTelegram, user: SimUser) -> list[str]:
    return [m.text or "" for m in sim.messages(user.id) if m.from_bot]


def count(sim: SimTelegram, user: SimUser, fragment: str) -> int:
    return sum(fragment in text for text in texts(sim, user))


def tap(sim: SimTelegram, user: SimUser, label: str, exact: bool = False) -> None:
    """Press the newest button whose text contains (or, `exact`, is) `label`."""
    for message in reversed([m for m in sim.messages(user.id) if m.from_bot]):
        for row in message.buttons():
            for text, data, _url in row:
                if (text == label if exact else label in text) and data is not None:
                    sim.callback(user, message.message_id, data)
                    return
    raise AssertionError(f"{user.first_name}: no {label!r} button in {texts(sim, user)[-3:]}")


def _has(sim: SimTelegram, user: SimUser, label: str) -> bool:
    return any(
        label in text
        for m in sim.messages(user.id)
        if m.from_bot
        for row in m.buttons()
        for text, _, _ in row
    )


def _has_after(sim: SimTelegram, user: SimUser, after: int, label: str) -> bool:
    """A button containing `label` on one of the user's messages after the first `after`."""
    mine = [m for m in sim.messages(user.id) if m.from_bot][after:]
    return any(label in text for m in mine for row in m.buttons() for text, _, _ in row)


def number_after(marker: str, text: str) -> int:
    return int(text.split(marker, 1)[1].split()[0].strip(".#,"))


@pytest.fixture
async def sim() -> AsyncIterator[SimTelegram]:
    async with SimTelegram(limits=Limits(scale=SCALE)) as running:
        yield running


async def test_three_processes_share_the_work_and_survive_a_kill(
    sim: SimTelegram, tmp_path: Path
) -> None:
    database = await database_at(tmp_path, "shared")
    epoch = time.time()

    def clock() -> float:
        return epoch + (time.time() - epoch) * SPEED

    proxy = RoundRobin([])
    await proxy.start()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIGBOT_")},
        "PTB_TIMEDELTA": "true",
        "GIGBOT_TOKEN": sim.token,
        "GIGBOT_API_URL": sim.base_url,
        "GIGBOT_FILE_URL": sim.base_file_url,
        "GIGBOT_DATABASE": str(database),
        "GIGBOT_ADMINS": str(ADMIN),
        "GIGBOT_WEBHOOK_URL": proxy.url,
        "GIGBOT_WEBHOOK_SECRET": SECRET,
        "GIGBOT_WEBHOOK_LISTEN": "127.0.0.1",
        "GIGBOT_SEND_SCALE": str(SCALE),
        "GIGBOT_SEND_LEASE_S": "3",
        "GIGBOT_CLOCK_SPEED": str(SPEED),
        "GIGBOT_CLOCK_EPOCH": str(epoch),
        "GIGBOT_TIMER_HORIZON_S": "1",
        "GIGBOT_OFFER_UP_TO": "0",  # first tap wins: the race
        "GIGBOT_MIN_HOURLY": "0",  # tiny rewards; the pay floor has its own tests
        "GIGBOT_LOG_LEVEL": "WARNING",
    }
    bots = [Process(env, free_port(), tmp_path / f"bot{n}.log") for n in range(3)]
    proxy.upstreams = [bot.url for bot in bots]
    admin = sim.add_user("Admin", id=ADMIN)
    rita = sim.add_user("Rita")
    workers = [sim.add_user(f"W{n}") for n in range(WORKERS)]
    killed: Process | None = None
    try:
        for bot in bots:
            await bot.start()
            started = time.monotonic()
            while not await bot.listening():
                assert time.monotonic() - started < WAIT, bot.log.read_text()[-2000:]
                await asyncio.sleep(0.05)

        # -- everyone signs up; the requester is funded --------------------------------
        sim.message(rita, "/start")
        for worker in workers:
            sim.message(worker, "/start")
        await until(lambda: all(count(sim, w, "Welcome") for w in workers), "300 welcomes")
        # The workers finished the setup (as its own stories show) and take pushes.
        rows(
            database, "INSERT INTO worker_prefs (user_id, onboarded) SELECT id, 1 FROM users"
            " WHERE is_worker = 1 ON CONFLICT (user_id) DO UPDATE SET onboarded = 1",
        )  # fmt: skip
        sim.message(admin, f"/fund {rita.id} 100.00")
        await until(lambda: count(sim, rita, "was added") == 1, "Rita funded")
        assert all(proxy.handed[bot.url] > 50 for bot in bots), proxy.handed

        # -- a poll with 5 slots; 300 workers tap Accept at once ----------------------
        sim.message(rita, f"/newpoll Which logo? | A | B ; reward=0.05 n={SLOTS} time=2h")
        await until(lambda: count(sim, rita, "Preview") == 1, "the preview")
        tap(sim, rita, "Publish")
        await until(lambda: count(sim, rita, "Published poll #") == 1, "published")
        hit_id = number_after("Published poll #", texts(sim, rita)[-1])
        seen = {w.id: len(sim.alerts(w)) for w in workers}
        for worker in workers:  # the push's button, or its data replayed by a script
            last = [m for m in sim.messages(worker.id) if m.from_bot][-1]
            sim.callback(worker, last.message_id, f"acc:{hit_id}", check_button=False)

        # The lease holder dies in the middle of the race: its in-flight updates are
        # posted again (to the others), its sends and deadlines are theirs from now on.
        await until(lambda: sum(len(sim.alerts(w)) > seen[w.id] for w in workers) >= 60, "60")
        holder = str(rows(database, "SELECT holder FROM broadcast_lease")[0][0])
        killed = next(b for b in bots if b.proc is not None and f":{b.proc.pid}:" in holder)
        await killed.kill()
        await until(
            lambda: all(len(sim.alerts(w)) > seen[w.id] for w in workers), "every tap answered"
        )
        taken = rows(database, "SELECT slots_used FROM hits WHERE id = ?", (hit_id,))[0][0]
        holders = rows(
            database, "SELECT u.tg_id FROM assignments a JOIN users u ON u.id = a.worker_id"
            " WHERE a.hit_id = ?", (hit_id,),
        )  # fmt: skip
        assert taken == SLOTS and len(holders) == SLOTS, "never over-filled"
        winners = [w for w in workers if (w.id,) in holders]
        for worker in workers:
            answers = [str(a.get("text")) for a in sim.alerts(worker)[seen[worker.id] :]]
            if worker not in winners:
                assert not any("Accepted" in a for a in answers), (worker.id, answers)

        # -- the poll's loop: answers, submissions, review, money ----------------------
        for worker in winners:
            await until(lambda w=worker: count(sim, w, "1/1") >= 1, "the task")
            tap(sim, worker, "A", exact=True)
            await until(
                lambda w=worker: count(sim, w, "Your answers") >= 1,
                f"the answer: {texts(sim, worker)[-2:]}",
            )
            tap(sim, worker, "Submit")
        await until(lambda: all(count(sim, w, "Submitted") for w in winners), "5 submitted")
        sim.message(rita, "/review")
        await until(lambda: count(sim, rita, f"{SLOTS} waiting") >= 1, "the review")
        tap(sim, rita, "Approve all")
        await until(
            lambda: _has(sim, rita, "Yes, approve"),
            "asked once more",
        )
        tap(sim, rita, "Yes, approve")
        await until(lambda: all(count(sim, w, "Approved") for w in winners), "approved")

        # -- a tagging batch's loop: upload, publish, items tagged, reviewed -------------
        said = len(texts(sim, rita))
        sim.message(rita, "/newbatch")
        await until(lambda: len(texts(sim, rita)) > said, "asked for the file")
        said = len(texts(sim, rita))
        sim.document(rita, "items.csv", b"text\nA tabby cat\nA sleepy dog\nA parrot\n")
        await until(lambda: len(texts(sim, rita)) > said, "asked for the labels")
        said = len(texts(sim, rita))
        sim.message(rita, "cat | dog | bird")
        await until(lambda: len(texts(sim, rita)) > said, "asked for the title and terms")
        said = len(texts(sim, rita))
        sim.message(rita, "Which animal? ; reward=0.03 n=1 time=2h")
        await until(lambda: "batch #" in " ".join(texts(sim, rita)[said:]), "the batch preview")
        tap(sim, rita, "Publish")
        await until(lambda: count(sim, rita, "Published batch #") == 1, "batch published")
        items = [
            int(str(r[0]))
            for r in rows(database, "SELECT id FROM hits WHERE batch_id IS NOT NULL ORDER BY id")
        ]
        assert len(items) == 3
        tagger = winners[0]  # item after item, as a worker on a batch does
        for item, label in zip(items, ("cat", "dog", "bird"), strict=True):
            shown = len(texts(sim, tagger))
            sim.message(tagger, f"/start hit_{item}")  # its card, or the item in hand again
            await until(lambda n=shown: len(texts(sim, tagger)) > n, "the item")
            if _has_after(sim, tagger, shown, "Accept"):
                tap(sim, tagger, "Accept")
            await until(lambda x=label: _has(sim, tagger, x), "the item's labels")
            tap(sim, tagger, label, exact=True)
            await until(
                lambda i=item: rows(
                    database, "SELECT status FROM assignments WHERE hit_id = ?", (i,)
                ) == [("submitted",)],
                f"item {item} handed in",
            )
        await until(
            lambda: rows(
                database, "SELECT COUNT(*) FROM assignments a JOIN hits h ON h.id = a.hit_id"
                " WHERE h.batch_id IS NOT NULL AND a.status = 'submitted'",
            ) == [(3,)],
            "three items handed in",
        )  # fmt: skip
        sim.message(rita, "/review")
        await until(lambda: count(sim, rita, "3 waiting") >= 1, "the batch's review")
        tap(sim, rita, "Approve all")
        await until(lambda: _has(sim, rita, "Yes, approve 3"), "asked once more")
        tap(sim, rita, "Yes, approve 3")
        await until(
            lambda: rows(
                database, "SELECT COUNT(*) FROM assignments a JOIN hits h ON h.id = a.hit_id"
                " WHERE h.batch_id IS NOT NULL AND a.status = 'approved'",
            ) == [(3,)],
            "the batch approved",
        )  # fmt: skip

        # -- a deadline that runs out, applied once by whichever process sees it --------
        late = next(w for w in workers if w not in winners)
        sim.message(rita, "/newpoll Quick one? | yes | no ; reward=0.02 n=1 time=1m")
        await until(lambda: _has(sim, rita, "Publish"), "the second preview")
        tap(sim, rita, "Publish")
        await until(lambda: count(sim, rita, "Published poll #") == 2, "second published")
        quick = number_after("Published poll #", texts(sim, rita)[-1])
        last = [m for m in sim.messages(late.id) if m.from_bot][-1]
        sim.callback(late, last.message_id, f"acc:{quick}", check_button=False)
        await until(lambda: count(sim, late, "Time's up") == 1, "the deadline applied")
        await asyncio.sleep(2)  # every process had its chance to apply it again
    finally:
        codes = [await bot.stop() for bot in bots if bot is not killed]
        await proxy.stop()

    assert codes == [0, 0], [b.log.read_text()[-2000:] for b in bots]
    assert count(sim, late, "Time's up") == 1
    assert rows(database, "SELECT status FROM assignments WHERE hit_id = ?", (quick,)) == [
        ("abandoned",)
    ]
    balances = dict(
        rows(
            database,
            "SELECT account, SUM(amount) FROM (SELECT to_account AS account, amount_cents"
            " AS amount FROM ledger UNION ALL SELECT from_account, -amount_cents FROM ledger)"
            " AS moves GROUP BY account",
        )
    )
    assert sum(int(str(v)) for v in balances.values()) == 0
    earned = rows(
        database, "SELECT a.worker_id, SUM(h.reward_cents) FROM assignments a"
        " JOIN hits h ON h.id = a.hit_id WHERE a.status = 'approved' GROUP BY a.worker_id",
    )  # fmt: skip
    assert len(earned) == SLOTS and sum(int(str(c)) for _, c in earned) == SLOTS * 5 + 3 * 3
    assert all(int(str(balances[f"wrk:{uid}"])) == int(str(cents)) for uid, cents in earned)
    pushes = Counter(  # messages offering the HIT (its Accept button), per chat
        c.params.get("chat_id")
        for c in sim.calls
        if c.method == "sendMessage" and c.ok and f"acc:{hit_id}" in str(c.params)
    )
    assert pushes and max(pushes.values()) == 1, "no worker got the push twice"
    assert sum(c.error_code == 429 for c in sim.calls) == 0, "Telegram never said 429"
    assert sim.violations == []
