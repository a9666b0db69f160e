"""The bot's longest event-loop stall while it takes the largest uploads and bodies allowed.

A probe task sleeps 1 ms at a time on the bot's event loop and records how late it wakes:
whatever holds the loop (a parse, a query's Python side, a render) shows up as lateness.
Each step below is measured on its own: the largest valid /newbatch upload through to
publishing its 500 HITs, the hostile files a requester could send instead (as many tiny
JSON items as fit, nesting as deep as fits), and the largest MTurk API bodies. The idle
loop's lateness is printed first as the floor; each step prints its worst lateness and the
ratio to the target.

Target (issue 19 "Hostile input"): the longest stall <= 100 ms.
Run: .venv/bin/python bench/bench_upload_stall.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.*

from bench.lagprobe import LagProbe, report_stalls
from bot.demo.stage import Actor, Stage
from bot.requesting.parsing import MAX_BATCH_BYTES, MAX_BATCH_ROWS
from tests.auxil.hostile import handle_signed  # noqa: E402
from tests.auxil.mturk import FORM_NS, new_api_key, one_cent_hit  # noqa: E402
from tests.auxil.people import funded_requester  # noqa: E402
from tests.auxil.stages import open_unlimited_stage  # noqa: E402

MAX_QUESTION = 131_072  # CreateHIT's Question (bot/mturk/ops.py)


def largest_json() -> bytes:
    """MAX_BATCH_ROWS items with text as long as the size limit allows, gold on every 10th."""
    shell = len(json.dumps([{"text": "", "gold": "cat"}] * MAX_BATCH_ROWS, indent=0))
    length = (MAX_BATCH_BYTES - shell) // MAX_BATCH_ROWS - 1
    rows = [
        {"text": f"{n:04d} " + "a purring cat on a sofa " * (length // 24 + 1)}
        for n in range(MAX_BATCH_ROWS)
    ]
    for row in rows:
        row["text"] = row["text"][:length]
    for row in rows[::10]:
        row["gold"] = "cat"
    body = json.dumps(rows, indent=0).encode()
    assert len(body) <= MAX_BATCH_BYTES, len(body)
    return body


def largest_csv() -> bytes:
    line_len = MAX_BATCH_BYTES // (MAX_BATCH_ROWS + 1) - 1
    rows = ["text"] + [f"{n:04d} " + "x" * (line_len - 5) for n in range(MAX_BATCH_ROWS)]
    body = ("\n".join(rows) + "\n").encode()
    assert len(body) <= MAX_BATCH_BYTES, len(body)
    return body


def tiny_items() -> bytes:
    """As many one-character JSON items as fit: the file that took seconds before."""
    return ("[" + ",\n".join("1" for _ in range((MAX_BATCH_BYTES - 2) // 3)) + "]").encode()


def big_question_form() -> str:
    """A QuestionForm as long as CreateHIT takes: a long overview, then one question."""
    head = f'<QuestionForm xmlns="{FORM_NS}QuestionForm.xsd"><Overview>'
    tail = (
        "</Overview><Question><QuestionIdentifier>q</QuestionIdentifier>"
        "<QuestionContent><Text>Anything to add?</Text></QuestionContent>"
        "<AnswerSpecification><FreeTextAnswer/></AnswerSpecification></Question></QuestionForm>"
    )
    paragraph = "<Text>One paragraph of the overview.</Text>"
    return head + paragraph * ((MAX_QUESTION - len(head) - len(tail)) // len(paragraph)) + tail


async def upload(stage: Stage, actor: Actor, filename: str, content: bytes) -> None:
    await stage.deliver(stage.sim.document(actor.user, filename, content, enqueue=False))


async def main(rounds: int) -> None:
    worst: dict[str, float] = {}
    statuses: dict[str, set[int]] = {}  # HTTP statuses the API answered, by step

    def keep(label: str, stall: float) -> None:
        worst[label] = max(worst.get(label, 0.0), stall)

    with tempfile.TemporaryDirectory() as tmp:
        stage = await open_unlimited_stage(
            Path(tmp) / "bench.sqlite3",
            mturk_listen="127.0.0.1:0",
        )
        probe = LagProbe()
        try:
            rita = await funded_requester(stage, stage.admin(), cents=10_000_000)
            key = await new_api_key(rita)
            files = {
                "json": largest_json(),
                "csv": largest_csv(),
                "tiny": tiny_items(),
                "deep": b"[" * MAX_BATCH_BYTES,
            }
            create = json.dumps(one_cent_hit(big_question_form())).encode()
            nested = b'{"HITId": ' + b"[" * (1024 * 1024 - 12) + b"}"
            probe.start()
            keep("idle loop (the floor)", await probe.worst_during(lambda: asyncio.sleep(0.3)))
            for _ in range(rounds):
                for label, name, content in (
                    (f"largest JSON upload ({MAX_BATCH_ROWS} items)", "items.json", files["json"]),
                    (f"largest CSV upload ({MAX_BATCH_ROWS} items)", "items.csv", files["csv"]),
                    ("256 KB of tiny JSON items (refused)", "items.json", files["tiny"]),
                    ("256 KB of nested JSON (refused)", "items.json", files["deep"]),
                ):
                    await rita.send("/newbatch")  # a file read moves on to the labels
                    step = functools.partial(upload, stage, rita, name, content)
                    keep(label, await probe.worst_during(step))
                await rita.send("/newbatch")
                await upload(stage, rita, "items.json", files["json"])
                assert "items read" in rita.last_text(), rita.last_text()
                keep("labels checked against 50 golds",
                     await probe.worst_during(lambda: rita.send("cat | dog")))
                keep(f"title and terms: {MAX_BATCH_ROWS} draft HITs", await probe.worst_during(
                    lambda: rita.send("Which animal? ; reward=0.01 n=1 time=2m")))
                assert "Preview" in rita.last_text(), rita.last_text()
                keep(f"Publish: escrow for {MAX_BATCH_ROWS} HITs",
                     await probe.worst_during(lambda: rita.press("Publish")))
                assert "Published batch" in rita.last_text(), rita.last_text()
                for label, operation, body in (
                    ("MTurk CreateHIT, 128 KB QuestionForm", "CreateHIT", create),
                    ("MTurk body of 1 MB nested JSON (refused)", "GetHIT", nested),
                ):
                    answers: list[int] = []

                    async def call(
                        o: str = operation, b: bytes = body, seen: list[int] = answers
                    ) -> None:
                        seen.append((await handle_signed(stage, key, o, b)).status)

                    keep(f"{label}", await probe.worst_during(call))
                    statuses.setdefault(label, set()).update(answers)
            errors = list(stage.services.errors)
        finally:
            await probe.stop()
            await stage.close()
    http = {label: ",".join(str(n) for n in sorted(seen)) for label, seen in statuses.items()}
    report_stalls(worst, errors, {label: f"  (HTTP {c})" for label, c in http.items() if c})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.rounds))
