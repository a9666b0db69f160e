"""Requests per second of gigbot's MTurk API through boto3 (CreateHIT, ListAssignmentsForHIT)
against a bare endpoint that only verifies the signature and answers a constant (the floor):
gigbot's own answer to the same request, recorded once, so both sides' boto3 does the same
parsing. Same client, same process, measured in one run.

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
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import AsyncExitStack
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
    pool: ProcessPoolExecutor, who: tuple[str, str, str], operation: str, params: dict[str, Any],
    seconds: float,
) -> tuple[int, float]:
    """Calls completed in a window by boto3 in another process (no GIL shared with servers)."""
    run = functools.partial(timed_calls, *who, operation, params, seconds)
    return await asyncio.get_running_loop().run_in_executor(pool, run)


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
    totals: dict[str, list[float]] = {k: [0, 0.0] for k in ("fc", "gc", "fl", "gl")}
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
            probe.start()
            for _ in range(windows):
                for key, who, operation, params in (
                    ("fc", floor, "create_hit", CREATE),
                    ("gc", gig_key, "create_hit", CREATE),
                    ("fl", floor, "list_assignments_for_hit", {"HITId": hit_id}),
                    ("gl", gig_key, "list_assignments_for_hit", {"HITId": hit_id}),
                ):
                    done, took = await rate(pool, who, operation, params, step)
                    totals[key][0] += done
                    totals[key][1] += took
            await probe.stop()
            assert not stage.services.errors and not stage.sim.violations
        finally:
            await stage.close()
            floor_server.stop()
            pool.shutdown()
    per_s = {k: v[0] / v[1] for k, v in totals.items()}
    print(f"database: {'PostgreSQL' if postgres else 'SQLite'}")
    for label, f, g in (("CreateHIT", "fc", "gc"), ("ListAssignmentsForHIT", "fl", "gl")):
        ratio = per_s[g] / per_s[f]
        verdict = "OK" if ratio >= TARGET else "BELOW TARGET"
        print(f"{label:22} floor {per_s[f]:7.1f}/s  gigbot {per_s[g]:7.1f}/s  "
              f"ratio {ratio:5.2f}  target >= {TARGET}: {verdict}")
    print(probe.line())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--windows", type=int, default=4)
    parser.add_argument("--answered", type=int, default=10)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL (bench/pg.py)")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.windows, args.answered, args.postgres))
