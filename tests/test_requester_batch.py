"""/newbatch: upload, labels, terms, preview with total cost, publish; bad files and limits."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.requesting.parsing import MAX_BATCH_BYTES, MAX_BATCH_ROWS
from tests.auxil.database import connect, database_of, set_record
from tests.auxil.gestures import forge
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import upload
from tests.auxil.screens import number_after
from tests.auxil.stages import roomy_stage

GOOD_CSV = (
    b"text,gold\n"
    b"A purring kitten on a sofa,cat\n"
    b"A puppy chasing a ball,\n"
    b"A tabby cat asleep,\n"
    b"A retriever fetching a stick,dog\n"
)


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """As in conftest, with room for a worker tagging several items within a second:
    Telegram's send budgets are not what these stories are about."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


def _counts(stage: Stage) -> tuple[int, int]:
    with connect(database_of(stage)) as db:
        hits = db.execute("SELECT COUNT(*) FROM hits").fetchone()[0]
        batches = db.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
    return int(hits), int(batches)


async def _batch_preview(rita: Actor, stage: Stage, content: bytes = GOOD_CSV, n: int = 3) -> int:
    await rita.send("/newbatch")
    assert "Send a CSV or JSON file" in rita.last_text()
    await upload(stage, rita, "animals.csv", content)
    assert "items read" in rita.last_text(), rita.last_text()
    await rita.send("cat | dog")
    assert "a title and the terms" in rita.last_text()
    await rita.send(f"Which animal? ; reward=0.02 n={n} time=2m")
    assert "Preview" in rita.last_text()
    return number_after("batch #", rita.last_text())


async def test_batch_from_upload_to_published(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=1000)
    (ann,) = await workers(stage, "Ann")
    batch_id = await _batch_preview(rita, stage)
    preview = rita.last_text()
    assert "4 items (2 gold)" in preview and "Labels: cat, dog" in preview
    assert "$0.02 × 3 answers × 4 items = $0.24" in preview
    await rita.press("Publish")
    assert f"Published batch #{batch_id}" in rita.last_text() and "$0.24" in rita.last_text()
    await rita.send("/balance")
    assert "Available: $9.76" in rita.last_text() and "In escrow: $0.24" in rita.last_text()
    assert _counts(stage) == (4, 1)
    pushes = [t for t in ann.texts() if "Which animal?" in t]
    assert len(pushes) == 1, "one push for the batch, not one per item"
    assert "12 of 12 left · 4 items" in pushes[0], "the batch's slots, as its channel card says"
    await ann.press("Accept")
    assert ann.last_text().count("A purring kitten") == 1, "the item, shown once"


async def test_publishing_a_batch_refuses_when_short(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=20)
    await _batch_preview(rita, stage)
    alert = await rita.press("Publish")
    assert alert is not None and "needs $0.24" in alert and "you have $0.20" in alert
    with connect(database_of(stage)) as db:
        assert db.execute("SELECT COUNT(*) FROM hits WHERE status != 'draft'").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM ledger WHERE memo = 'publish'").fetchone()[0] == 0


async def test_double_publish_escrows_once(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=1000)
    batch_id = await _batch_preview(rita, stage)
    preview = rita.last()
    data = next(d for row in preview.buttons() for text, d, _ in row if "Publish" in text)
    assert data is not None
    await rita.tap(preview.message_id, data)
    await forge(stage, rita, data, preview.message_id)
    assert "already published" in rita.last_text()
    await rita.send("/balance")
    assert "Available: $9.76" in rita.last_text() and "In escrow: $0.24" in rita.last_text()
    with connect(database_of(stage)) as db:
        publishes = db.execute("SELECT COUNT(*) FROM ledger WHERE memo = 'publish'").fetchone()[0]
    assert publishes == 4 and batch_id == 1


async def test_bad_csv_rows_are_reported_by_line(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newbatch")
    bad = (
        b"text,image_url,gold\n"
        b"A cat,,cat\n"
        b",,\n"
        b",ftp://example.com/x.png,\n"
        b"A dog,https://example.com/d.png,dog\n"
        b"too,many,cells,here\n"
        b",,dog\n"
    )
    await upload(stage, rita, "items.csv", bad)
    text = rita.last_text()
    assert "nothing was created" in text
    assert "line 4: image_url must start with http:// or https://" in text
    assert "line 5: give either text or image_url" in text
    assert "line 6: 4 cells, the header has 3" in text
    assert "line 7: give either text or image_url" in text
    assert "line 2" not in text and "line 3" not in text, "good and blank lines are fine"
    assert _counts(stage) == (0, 0)


async def test_bad_header_and_encoding(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newbatch")
    await upload(stage, rita, "items.csv", b"name,answer\nx,y\n")
    assert "line 1: the header must name columns text or image_url" in rita.last_text()
    await upload(stage, rita, "items.csv", "text\ncaf\xe9\n".encode("latin-1"))
    assert "file: the file is not UTF-8 text" in rita.last_text()
    await upload(stage, rita, "items.xlsx", b"text\nx\n")
    assert "send a .csv or .json file" in rita.last_text()
    await rita.send("just text")
    assert "as a file" in rita.last_text()
    assert _counts(stage) == (0, 0)


async def test_wrong_json_is_reported_by_line(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newbatch")
    await upload(stage, rita, "items.json", b'{"text": "not a list"}')
    assert "line 1: a JSON file must be a list" in rita.last_text()
    broken = b'[\n  {"text": "a cat"},\n  {"text": "a dog",}\n]'
    await upload(stage, rita, "items.json", broken)
    assert "line 3: not valid JSON" in rita.last_text()
    shapes = (
        b'[\n  {"text": "a cat", "gold": "cat"},\n  "just a string",\n'
        b'  {"text": 5},\n  {"txt": "typo"},\n  {"image_url": "https://e.com/a.png"}\n]'
    )
    await upload(stage, rita, "items.json", shapes)
    text = rita.last_text()
    assert "line 3: each item must be an object" in text
    assert "line 4: text must be text" in text
    assert "line 5: unknown field 'txt'" in text
    assert "line 2" not in text and "line 6" not in text
    assert _counts(stage) == (0, 0)
    good = json.dumps([{"text": "a cat", "gold": "cat"}, {"image_url": "https://e.com/a.png"}])
    await upload(stage, rita, "items.json", good.encode())
    assert "2 items read (1 gold)" in rita.last_text()


async def test_limits_on_size_rows_and_labels(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newbatch")
    huge = b"text\n" + b"x" * (MAX_BATCH_BYTES + 1) + b"\n"
    await upload(stage, rita, "items.csv", huge)
    assert "larger than 256 KB" in rita.last_text()
    many = "text\n" + "".join(f"item {n}\n" for n in range(MAX_BATCH_ROWS + 1))
    await upload(stage, rita, "items.csv", many.encode())
    assert f"has {MAX_BATCH_ROWS + 1} items; at most {MAX_BATCH_ROWS}" in rita.last_text()
    long_item = "text\n" + "y" * 1001 + "\n"
    await upload(stage, rita, "items.csv", long_item.encode())
    assert "line 2: the item is longer than 1000 characters" in rita.last_text()
    await upload(stage, rita, "items.csv", GOOD_CSV)
    await rita.send("cat")
    assert "between 2 and 8 options" in rita.last_text()
    await rita.send(" | ".join(f"label{n}" for n in range(9)))
    assert "between 2 and 8 options" in rita.last_text()
    await rita.send("cat | " + "d" * 31)
    assert "longer than 30 characters" in rita.last_text()
    await rita.send("cat | bird")
    assert "line 5: gold 'dog' is not one of the labels" in rita.last_text()
    await rita.send("cat | dog")
    await rita.send("Which? ; reward=500")
    assert "⚠️ Reward must be 0.01 to 100.00" in rita.last_text()
    await rita.send("/cancel")
    assert "Nothing was created" in rita.last_text()
    assert _counts(stage) == (0, 0)


def _rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for spreadsheets"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.sqlite_only  # counts the statements SQLite runs (its trace callback)
async def test_results_of_a_batch_read_it_in_the_same_few_queries_however_many_items(
    stage: Stage, admin: Actor
) -> None:
    """/results and Export CSV of a batch read its items' questions in one query, not one
    per item: a 5,000-item batch (built past the upload limit) held the database for 5,000
    queries, and counting answered per item over every answer held the loop for seconds
    (bench/bench_results.py prints the stall)."""
    rita = await funded_requester(stage, admin, cents=10_000)
    statements: dict[int, int] = {}
    for items in (4, 12):
        content = b"text\n" + b"".join(b"item %d\n" % n for n in range(items))
        batch_id = await _batch_preview(rita, stage, content, n=1)
        await rita.press("Publish")
        traced: list[str] = []
        await stage.services.db.conn.set_trace_callback(traced.append)
        await rita.send(f"/results b{batch_id}")
        assert f"batch #{batch_id}" in rita.last_text(), rita.last_text()
        await rita.press("Export CSV")
        await stage.services.db.conn.set_trace_callback(None)
        items_csv = stage.sim.sent_documents(rita.tg_id)[-1]
        assert items_csv[0] == f"batch{batch_id}-items.csv"
        assert items_csv[1].count(b"\n") == items + 1, "a row per item, below the header"
        statements[items] = sum("questions" in sql for sql in traced)
    assert statements[4] == statements[12] <= 8, statements


async def test_results_majority_gold_and_csv(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob, cy = await workers(stage, "Ann", "Bob", "Cy")
    batch_id = await _batch_preview(rita, stage)
    await rita.press("Publish")
    items = [line.split(",")[0] for line in GOOD_CSV.decode().splitlines()[1:]]
    # Ann and Bob tag well; Cy gets both gold items wrong (labels in the file's order).
    answers = {
        ann: ["cat", "dog", "cat", "dog"],
        bob: ["cat", "dog", "dog", "dog"],
        cy: ["dog", "cat", "cat", "cat"],
    }
    for worker, labels in answers.items():
        given = dict(zip(items, labels, strict=True))
        await worker.send(f"/start batch_{batch_id}")
        await worker.press("Accept")
        for _ in items:  # each tap hands the item in; the next one follows in its place
            item = next(text for text in items if text in worker.last_text())
            await worker.press(given[item])
        assert "Submitted" in worker.last_text() and "4 of 4 items done" in worker.last_text()

    await rita.send(f"/results b{batch_id}")
    text = rita.last_text()
    assert "A purring kitten on a sofa → <b>cat</b> 67% agree [3] (gold: cat)" not in text
    assert "A purring kitten on a sofa → cat 67% agree [3] (gold: cat)" in text
    assert "A puppy chasing a ball → dog 67% agree [3]" in text
    assert "A tabby cat asleep → cat 67% agree [3]" in text
    cy_alias = (await stage.services.market.people.user(cy.tg_id)).alias  # type: ignore[union-attr]
    assert f"{cy_alias} 0% (0/2)" in text and f"Below 70% on gold items: {cy_alias}" in text
    for worker in (ann, bob, cy):
        assert str(worker.tg_id) not in text, "no Telegram ids, only aliases"

    await rita.press("Export CSV")
    docs = stage.sim.sent_documents(rita.tg_id)
    assert [name for name, _ in docs] == [
        f"batch{batch_id}-assignments.csv",
        f"batch{batch_id}-items.csv",
    ]
    per_assignment = _rows(docs[0][1])
    assert len(per_assignment) == 12
    cy_rows = [r for r in per_assignment if r["worker"] == cy_alias]
    assert [r["gold_correct"] for r in cy_rows] == ["no", "", "", "no"]
    assert {r["status"] for r in per_assignment} == {"submitted"}
    per_item = _rows(docs[1][1])
    assert [r["majority_label"] for r in per_item] == ["cat", "dog", "cat", "dog"]
    assert per_item[0]["agreement_percent"] == "67" and per_item[0]["cat"] == "2"
    for name, content in docs:
        for worker in (ann, bob, cy):
            assert str(worker.tg_id).encode() not in content, name

    await rita.send("/review")
    ann_alias = (await stage.services.market.people.user(ann.tg_id)).alias  # type: ignore[union-attr]
    assert f"{ann_alias} gold accuracy in this batch: 100% (2/2)" in rita.last_text()
    assert "Approve all" in str(rita.last().buttons())
    await rita.press(f"Reject all by {cy_alias}")
    await rita.press(f"Block {cy_alias}")
    with connect(database_of(stage)) as db:
        statuses = db.execute(
            "SELECT a.status FROM assignments a JOIN users u ON u.id = a.worker_id"
            " WHERE u.alias = ?",
            (cy_alias,),
        ).fetchall()
        assert {s for (s,) in statuses} == {"rejected"}
        assert db.execute("SELECT COUNT(*) FROM blocks").fetchone()[0] == 1
    assert "attention-check" in cy.last_text()


async def test_later_waves_push_a_batch_as_one_card(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin, cents=1000)
    crowd = await workers(stage, *(f"W{n}" for n in range(12)))
    await _batch_preview(rita, stage, n=3)
    await rita.press("Publish")
    for _ in range(4):  # pushes go unanswered: the periodic wave job widens, several times
        clock.advance(stage.services.matcher.waves.policy.wait_s + 1)
        await stage.services.matcher.next_waves()
        await stage.settle()
    for worker in crowd:
        cards = [t for t in worker.texts() if "Which animal?" in t]
        assert len(cards) <= 1, f"{worker.name} got {len(cards)} cards for one batch"
    assert sum(any("Which animal?" in t for t in w.texts()) for w in crowd) > 3, "waves widened"
    # The first item fills up: the batch's next item is pushed, to workers not yet asked.
    pushed = [w for w in crowd if any("Which animal?" in t for t in w.texts())]
    for worker in pushed[:3]:
        await worker.press("Accept")
    clock.advance(stage.services.matcher.waves.policy.wait_s + 1)
    await stage.services.matcher.next_waves()
    await stage.settle()
    for worker in crowd:
        cards = [t for t in worker.texts() if "Which animal?" in t and "left" in t]
        assert len(cards) <= 1, f"{worker.name} was pushed a second item of the batch"


async def test_a_batch_can_require_an_approval_rate_on_every_item(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin, cents=1000)
    ann, ben = await workers(stage, "Ann", "Ben")
    await set_record(stage, ben, approved=8, rejected=2)  # 80 %
    batch_id = await _batch_preview(rita, stage)
    assert f"/require b{batch_id} approval 95" in rita.last_text(), "the preview says how"
    await rita.send(f"/require b{batch_id} approval 95")
    assert f"Batch #{batch_id} now requires" in rita.last_text()
    with connect(database_of(stage)) as db:
        required = db.execute("SELECT COUNT(DISTINCT hit_id) FROM hit_requirements").fetchone()
    assert required[0] == 4, "every item of the batch"

    required_reply = rita.last()
    await rita.press("Publish")  # on the /require reply: the preview is further up
    assert rita.last().message_id == required_reply.message_id
    assert f"Published batch #{batch_id}" in rita.last_text()
    assert "Which animal?" in " ".join(ann.texts())
    assert "Which animal?" not in " ".join(ben.texts()), "80 % is under 95 %"
    await ben.send(f"/start batch_{batch_id}")
    assert "isn't open to you" in ben.last_text()
    await rita.send(f"/require b{batch_id} approved 3")
    assert "already published" in rita.last_text()


async def test_a_batch_push_says_filled_only_when_every_item_is(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin, cents=1000)
    crew = await workers(stage, "Ann", "Bob", "Cy", "Dee", "Eve", "Fay")
    await _batch_preview(rita, stage, n=1)  # 4 items, one answer each
    await rita.press("Publish")
    pushed = [w for w in crew if "Which animal?" in w.last_text()]
    assert len(pushed) >= 2, [w.last_text() for w in crew]
    first, second, *_ = pushed
    card = second.last()
    await first.press("Accept")  # the pushed item is now full
    assert "Filled" not in (card.text or ""), "three items are still free"
    await second.press("Accept", card.message_id)
    assert "Item 1 of 4" in second.last_text(), "the next free item"
