"""Updates per second with 1, 2 and 3 `gigbot run` processes on one database behind one
webhook URL (a round-robin proxy standing in for nginx), against the simulated Telegram
(both in this process; the bots each in their own).

Each round: USERS workers send /start, then BURST messages each (/earnings, /status, /hits
in turn) are posted at once; the rate is updates answered per second, from the first post
to the last answer. The ratios are against one process. On this 2-core machine the
simulator, the proxy, PostgreSQL and the bots share the cores, so more processes mostly
show that nothing serializes them (no process-wide lock), not more throughput than the
cores give.

Run: .venv/bin/python -m bench.bench_processes --postgres postgresql://... [--users 300]
(without --postgres: one SQLite file shared by the processes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from bench.pg import bench_database
from bot.sandbox import Limits, SimTelegram, SimUser

SECRET = "bench-processes-secret"
SCALE = 1000  # Telegram's limits out of the way: this measures the bots, not pacing
TEXTS = ("/earnings", "/status", "/hits")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RoundRobin:
    """Each POST to the next process, as nginx's upstream does."""

    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = upstreams
        self.turn = 0

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hook", self.forward)
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        return f"http://127.0.0.1:{port}/hook"

    async def stop(self) -> None:
        await self.session.close()
        await self.runner.cleanup()

    async def forward(self, request: web.Request) -> web.Response:
        upstream = self.upstreams[self.turn % len(self.upstreams)]
        self.turn += 1
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-")}
        headers["Content-Type"] = "application/json"
        async with self.session.post(upstream, data=await request.read(), headers=headers) as r:
            return web.Response(status=r.status, body=await r.read(), content_type=r.content_type)


async def listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True


def replies(sim: SimTelegram, people: list[SimUser]) -> list[int]:
    return [sum(m.from_bot for m in sim.messages(p.id)) for p in people]


STALL_S = 120.0  # real seconds without a new answer before a round gives up, saying who waits


async def answered(sim: SimTelegram, people: list[SimUser], wanted: list[int]) -> None:
    """Until every person has at least `wanted` messages from the bot; a round where no
    answer came for STALL_S ends with who is still waiting (and the webhook's last
    error), not a silent wait."""
    last, since = -1, time.monotonic()
    while True:
        got = replies(sim, people)
        missing = [(p.id, g, w) for p, g, w in zip(people, got, wanted, strict=True) if g < w]
        if not missing:
            return
        if sum(got) != last:
            last, since = sum(got), time.monotonic()
        elif time.monotonic() - since > STALL_S:
            delivery = sim.delivery
            hook, pushing = delivery.webhook, delivery._worker  # noqa: SLF001 (a diagnosis)
            raise RuntimeError(
                f"no answer for {STALL_S:.0f} s; {len(missing)} waiting (user, got, wanted):"
                f" {missing[:10]}; updates not yet taken: {len(delivery.pending)}, being"
                f" posted: {len(delivery._sending)}; the push loop: {pushing!r};"  # noqa: SLF001
                f" webhook's last error: {hook.last_error_message if hook else None}"
            )
        await asyncio.sleep(0.02)


async def round_of(processes: int, database: str, users: int, burst: int, tmp: Path) -> float:
    """Updates per second with this many processes (a fresh simulator each round)."""
    sim = SimTelegram(limits=Limits(scale=SCALE))
    await sim.start()
    people = [sim.add_user(f"W{n}") for n in range(users)]
    bots: list[asyncio.subprocess.Process] = []
    ports = [free_port() for _ in range(processes)]
    proxy = RoundRobin([f"http://127.0.0.1:{p}/hook" for p in ports])
    url = await proxy.start()
    try:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIGBOT_")},
            "PTB_TIMEDELTA": "true",
            "GIGBOT_TOKEN": sim.token,
            "GIGBOT_API_URL": sim.base_url,
            "GIGBOT_FILE_URL": sim.base_file_url,
            "GIGBOT_DATABASE": database,
            "GIGBOT_WEBHOOK_URL": url,
            "GIGBOT_WEBHOOK_SECRET": SECRET,
            "GIGBOT_SEND_SCALE": str(SCALE),
            "GIGBOT_LOG_LEVEL": "WARNING",
        }
        for port in ports:
            with open(tmp / f"bot{port}.log", "ab") as log:
                bots.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bot", "run",
                        env={**env, "GIGBOT_WEBHOOK_PORT": str(port)},
                        stdout=asyncio.subprocess.DEVNULL, stderr=log,
                    )
                )  # fmt: skip
        for port, bot in zip(ports, bots, strict=True):
            while not await listening(port):
                if bot.returncode is not None:  # it will never listen: say why, not wait
                    said = (tmp / f"bot{port}.log").read_text(errors="replace")
                    raise RuntimeError(f"a bot exited with {bot.returncode} at start:\n{said}")
                await asyncio.sleep(0.05)
        for person in people:
            sim.message(person, "/start")
        await answered(sim, people, [1] * users)
        await asyncio.sleep(1.0)  # the welcome's follow-ups, if any
        before = replies(sim, people)
        started = time.perf_counter()
        for k in range(burst):
            for person in people:
                sim.message(person, TEXTS[k % len(TEXTS)])
        await answered(sim, people, [n + burst for n in before])
        return burst * users / (time.perf_counter() - started)
    finally:
        for bot in bots:
            bot.terminate()
        for bot in bots:
            await bot.wait()
        await proxy.stop()
        await sim.stop()


async def main(postgres: str | None, users: int, burst: int) -> None:
    print(f"database: {'PostgreSQL' if postgres else 'SQLite (one file)'}")
    rates: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for processes in (1, 2, 3):
            async with bench_database(postgres, Path(tmp), f"p{processes}") as database:
                rates[processes] = await round_of(processes, database, users, burst, Path(tmp))
            print(
                f"{processes} process{'es' if processes > 1 else '  '}: {rates[processes]:7.1f}"
                f" updates/s   ratio to one process {rates[processes] / rates[1]:.2f}",
                flush=True,
            )
    print(json.dumps({str(k): round(v, 1) for k, v in rates.items()}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL (bench/pg.py)")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--burst", type=int, default=3, help="messages per user, posted at once")
    args = parser.parse_args()
    asyncio.run(main(args.postgres, args.users, args.burst))
