"""Requests per second of gigbot's MTurk API through boto3 (CreateHIT, ListAssignmentsForHIT)
against a bare endpoint that only verifies the signature and answers a constant (the floor):
gigbot's own answer to the same request, recorded once, so both sides' boto3 does the same
parsing. Same client, same process, measured in one run: short windows, each gigbot window
beside a floor window (floor first, then gigbot first, in turn); the ratio printed is the
median of the pairs' ratios, so a window another process slowed moves it little. Beside each
rate, the CPU this process spent per call (both servers answer on its loop): what gigbot's
work costs over the floor's, whatever the client's share of the machine.

Target (issue "Coming from MTurk"): gigbot >= 0.5 x the floor.

The workers who answered the listed HIT are marked inactive before timing, so CreateHIT
measures the API path (validation, QuestionForm parsing, the HIT with its questions, escrow;
its first wave of pushes follows the answer) and not Telegram sends.
Run: .venv/bin/python bench/bench_mturk_api.py [--seconds 6]
On PostgreSQL: ... bench/bench_mturk_api.py --postgres postgresql://... (a throwaway
database on that server, bench/pg.py).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.auxil

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from tornado.httpserver import HTTPServer  # noqa: E402
from tornado.netutil import bind_sockets  # noqa: E402
from tornado.web import Application, RequestHandler  # noqa: E402

from bench.lagprobe import LagProbe  # noqa: E402
from bench.pg import bench_database  # noqa: E402
from bot.mturk import _sigv4 as sigv4  # noqa: E402
from tests.auxil.mturk import new_api_key, one_cent_hit, question_form  # noqa: E402
from tests.auxil.people import funded_requester  # noqa: E402
from tests.auxil.stages import open_unlimited_stage  # noqa: E402

TARGET = 0.5
FLOOR_KEY, FLOOR_SECRET = "GBAKFLOOR00000000000", "floor-secret"
CREATE = one_cent_hit(question_form())


# What gigbot answered to each operation, byte for byte, recorded before the timing: the
# floor answers the same constant, so both sides' boto3 parses the same response and the
# ratio measures gigbot's work, not the size of its answer (ten assignments with their
# QuestionFormAnswers take boto3 far longer to parse than a two-field HIT).
ANSWERS: dict[str, bytes] = {}


def record_answer(http_response: Any, model: Any, **_: Any) -> None:
    """botocore's after-call hook: keep the raw body gigbot sent."""
    ANSWERS[model.name] = http_response.content


class Floor(RequestHandler):
    """Verify the signature, answer a constant: all the HTTP and auth, none of the work."""

    def post(self) -> None:
        auth = sigv4.parse_authorization(self.request.headers.get("Authorization", ""))
        sigv4.verify(
            auth,
            FLOOR_SECRET,
            method="POST",
            path=self.request.path,
            query=self.request.query,
            header=self.request.headers.get,
            body=self.request.body,
            now=time.time(),
        )
        operation = self.request.headers.get("X-Amz-Target", "").rpartition(".")[2]
        self.set_header("Content-Type", "application/x-amz-json-1.1")
        self.finish(ANSWERS[operation])


def client(url: str, key: str, secret: str) -> Any:
    return boto3.session.Session().client(
        "mturk",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


_clients: dict[tuple[str, str], Any] = {}


def timed_calls(
    url: str, key: str, secret: str, operation: str, params: dict[str, Any], seconds: float
) -> tuple[int, float]:
    """In the client process: call `operation` for `seconds`; (calls, elapsed)."""
    found = _clients.get((url, key))
    if found is None:
        found = _clients[(url, key)] = client(url, key, secret)
    call = getattr(found, operation)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        call(**params)
        done += 1
    return done, time.perf_counter() - start


async def rate(
    pool: ProcessPoolExecutor,
    who: tuple[str, str, str],
    operation: str,
    params: dict[str, Any],
    seconds: float,
) -> tuple[int, float]:
    """Calls completed in a window by boto3 in another process (no GIL shared with servers)."""
    run = functools.partial(timed_calls, *who, operation, params, seconds)
    return await asyncio.get_running_loop().run_in_executor(pool, run)


@dataclass
class Side:
    """One server's windows for one operation: calls, their time, and the CPU this process
    (the server's loop, its SQLite thread and the checkpointer) spent meanwhile."""

    calls: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    rates: list[float] = field(default_factory=list)

    async def window(
        self,
        pool: ProcessPoolExecutor,
        who: tuple[str, str, str],
        operation: str,
        params: dict[str, Any],
        seconds: float,
        after: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        """One window; `after`: what the window's calls left to do (gigbot's first waves of
        its last 50 ms of HITs), done and timed as part of it, not in the next window."""
        cpu = time.process_time()
        done, took = await rate(pool, who, operation, params, seconds)
        if after is not None:
            start = time.perf_counter()
            await after()
            took += time.perf_counter() - start
        self.cpu += time.process_time() - cpu
        self.calls += done
        self.seconds += took
        self.rates.append(done / took)

    @property
    def per_s(self) -> float:
        return self.calls / self.seconds

    @property
    def cpu_ms(self) -> float:
        """The server process's CPU per call, in ms."""
        return self.cpu / self.calls * 1000


def verdict(label: str, floor: Side, gig: Side) -> str:
    """The median of the windows' ratios (each gigbot window against the floor window beside
    it: the machine's mood drifts between windows, less within a pair), with the middle half
    of them, the pooled ratio and both servers' CPU per call."""
    ratios = sorted(g / f for f, g in zip(floor.rates, gig.rates, strict=True))
    ratio = statistics.median(ratios)
    quarter = len(ratios) // 4
    return (
        f"{label:22} floor {floor.per_s:7.1f}/s cpu {floor.cpu_ms:4.2f} ms/call  "
        f"gigbot {gig.per_s:7.1f}/s cpu {gig.cpu_ms:4.2f} ms/call  ratio {ratio:5.2f} "
        f"(median of {len(ratios)} windows; middle half {ratios[quarter]:.2f}-"
        f"{ratios[-1 - quarter]:.2f}; pooled {gig.per_s / floor.per_s:.2f})  "
        f"target >= {TARGET}: {'OK' if ratio >= TARGET else 'BELOW TARGET'}"
    )


async def main(seconds: float, windows: int, answered: int, postgres: str | None) -> None:
    app = Application([(r"/", Floor)], log_function=lambda handler: None)
    sockets = bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
    floor_server = HTTPServer(app)
    floor_server.add_sockets(sockets)
    floor = (f"http://127.0.0.1:{sockets[0].getsockname()[1]}", FLOOR_KEY, FLOOR_SECRET)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    # Start the client process now: gigbot pins its own threads to one CPU (GIGBOT_SAME_CPU)
    # and a process started from the pinned loop thread would inherit that CPU.
    pool.submit(int).result()
    probe = LagProbe()  # the loop gigbot (and the floor) answer on
    sides = {k: Side() for k in ("fc", "gc", "fl", "gl")}
    async with AsyncExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        target = await stack.enter_async_context(bench_database(postgres, Path(tmp), "mturk"))
        stage = await open_unlimited_stage(target, mturk_listen="127.0.0.1:0")
        try:
            rita = await funded_requester(stage, stage.admin(), cents=10_000_000)
            gig_key = (stage.mturk_url, *await new_api_key(rita))
            gig = client(*gig_key)
            hit = {**CREATE, "MaxAssignments": answered}
            gig.meta.events.register("after-call.mturk.*", record_answer)
            made = await asyncio.to_thread(lambda: gig.create_hit(**hit))
            await asyncio.to_thread(lambda: gig.create_hit(**CREATE))  # the floor's answer
            hit_id = made["HIT"]["HITId"]
            await stage.settle()
            crowd = []
            for n in range(answered):  # a HIT with `answered` submitted assignments to list
                worker = stage.user(f"W{n}")
                crowd.append(worker)
                await worker.send(f"/start hit_{int(hit_id[3:])}")
                await worker.press("Accept")
                await worker.press("Blue")
                await worker.press("Submit")
            for worker in crowd:  # measure the API, not the push fan-out (see docstring)
                await stage.services.market.people.set_active(worker.tg_id, False)
            listed = await asyncio.to_thread(lambda: gig.list_assignments_for_hit(HITId=hit_id))
            assert listed["NumResults"] == min(answered, 10), listed["NumResults"]
            step = seconds / windows / 4
            calls = (
                ("fc", "gc", "create_hit", CREATE),
                ("fl", "gl", "list_assignments_for_hit", {"HITId": hit_id}),
            )
            load = os.getloadavg()[0]
            probe.start()
            for n in range(windows):
                for f, g, operation, params in calls:
                    # In turn floor first and gigbot first: a drift across the pair cancels.
                    pair = ((f, floor, None), (g, gig_key, stage.services.first_waves.settle))
                    for key, who, after in pair[:: 1 if n % 2 else -1]:
                        await sides[key].window(pool, who, operation, params, step, after)
            await probe.stop()
            assert not stage.services.errors and not stage.sim.violations
        finally:
            await stage.close()
            floor_server.stop()
            pool.shutdown()
    print(
        f"database: {'PostgreSQL' if postgres else 'SQLite'}  "
        f"load (1 min) {load:.2f} at start, {os.getloadavg()[0]:.2f} at end"
    )
    print(verdict("CreateHIT", sides["fc"], sides["gc"]))
    print(verdict("ListAssignmentsForHIT", sides["fl"], sides["gl"]))
    print(probe.line())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--answered", type=int, default=10)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL (bench/pg.py)")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.windows, args.answered, args.postgres))
