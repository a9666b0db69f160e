"""The simulated Telegram in its own process, so the bot under load has a CPU to itself.

Run: `python -m bench.simproc --scale 10 --users 2000 --channels 3`. It prints one line
`READY <port> <first user id> <channel id,...>` and then answers lines on stdin:
`report` prints one JSON line (calls per method, sendMessage per chat, 429s, violations,
timestamps of sends), `block <id>` / `drain <chat id>` change the world, `quit` stops.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bot.sandbox import Limits, SimTelegram

FIRST_USER = 1_000_001


_SENDS = ("sendMessage", "editMessageText")


def _max_window(stamps: list[float]) -> int:
    """Most messages within any one second."""
    best, lo = 0, 0
    for hi, at in enumerate(stamps):
        while stamps[lo] <= at - 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def report(sim: SimTelegram) -> dict[str, Any]:
    """What the bot did to this Telegram, in numbers."""
    sends = [c for c in sim.calls if c.method == "sendMessage"]
    edits = [c for c in sim.calls if c.method == "editMessageText"]
    ok_sends = [c for c in sends if c.ok]
    per_chat = Counter(str(c.params.get("chat_id")) for c in ok_sends)
    return {
        "calls": len(sim.calls),
        "send_ok": len(ok_sends),
        "edit_ok": sum(c.ok for c in edits),
        "too_many": sum(c.error_code == 429 for c in sim.calls),
        "forbidden": sum(c.error_code == 403 for c in sim.calls),
        "per_chat": dict(per_chat),
        "violations": list(sim.violations),
        "first": min((c.at for c in ok_sends), default=0.0),
        "last": max((c.at for c in ok_sends), default=0.0),
        "max_window": _max_window([c.at for c in sim.calls if c.ok and c.method in _SENDS]),
        "now": time.monotonic(),
        "cpu": time.process_time(),
    }


async def serve(scale: float, users: int, channels: int, port: int) -> None:
    sim = SimTelegram(limits=Limits(scale=scale))
    for n in range(users):
        sim.add_user(f"W{n}", id=FIRST_USER + n)
    chats = [
        sim.add_chat(f"Channel {n}", type="channel", username=f"chan{n}") for n in range(channels)
    ]
    await sim.start(port)
    ids = ",".join(str(c.id) for c in chats) or "-"
    print(f"READY {sim.port} {FIRST_USER} {ids}", flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().strip():
        word, _, arg = line.partition(" ")
        if word == "report":
            print(json.dumps(report(sim)), flush=True)
        elif word == "block":
            sim.block(int(arg))
            print("OK", flush=True)
        elif word == "quit":
            break
    await sim.stop()


@dataclass
class SimProcess:
    """A handle on `python -m bench.simproc` from the test or benchmark side."""

    proc: asyncio.subprocess.Process
    port: int
    first_user: int
    channels: list[int]

    @classmethod
    async def start(cls, scale: float, users: int, channels: int = 0) -> SimProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.simproc",
            "--scale",
            str(scale),
            "--users",
            str(users),
            "--channels",
            str(channels),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert proc.stdout is not None
        words = (await proc.stdout.readline()).decode().split()
        if not words or words[0] != "READY":
            raise RuntimeError(f"simproc did not start: {words}")
        chans = [] if words[3] == "-" else [int(x) for x in words[3].split(",")]
        return cls(proc, int(words[1]), int(words[2]), chans)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def ask(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()
        return (await self.proc.stdout.readline()).decode()

    async def report(self) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(await self.ask("report"))
        return answer

    async def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"quit\n")
        await self.proc.stdin.drain()
        await self.proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=0)
    parser.add_argument("--channels", type=int, default=0)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(serve(args.scale, args.users, args.channels, args.port))


if __name__ == "__main__":
    main()
