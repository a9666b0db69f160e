"""Hostile uploads and bodies: every parse of a user's file or body is bounded and never
holds up the other users (issue 19, item 2)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.requesting.parsing import MAX_BATCH_BYTES, MAX_BATCH_ROWS
from tests.auxil.database import database_at
from tests.auxil.hostile import json_nested, post_signed, post_update
from tests.auxil.mturk import new_api_key
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import published_poll, upload
from tests.auxil.stages import api_stage, failing_on_errors


def _many_tiny_items() -> bytes:
    """The largest JSON upload allowed, made of as many items as fit: '[1,\\n1,\\n...]'."""
    count = (MAX_BATCH_BYTES - 2) // 3
    return ("[" + ",\n".join("1" for _ in range(count)) + "]").encode()


def _sent_to(stage: Stage, actor: Actor) -> list[int]:
    """Positions, among all the bot's sendMessage calls, of those to `actor`."""
    calls = stage.sim.calls_to("sendMessage")
    return [n for n, call in enumerate(calls) if call.params.get("chat_id") == actor.tg_id]


async def test_a_big_upload_does_not_hold_up_other_users(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    await rita.send("/newbatch")
    content = _many_tiny_items()
    assert len(content) <= MAX_BATCH_BYTES
    before_rita, before_ann = len(_sent_to(stage, rita)), len(_sent_to(stage, ann))
    await stage.deliver_many(
        [
            stage.sim.document(rita.user, "items.json", content, enqueue=False),
            stage.sim.message(ann.user, "/help", enqueue=False),
        ]
    )
    assert f"has {(MAX_BATCH_BYTES - 2) // 3} items; at most {MAX_BATCH_ROWS}" in rita.last_text()
    (to_rita,) = _sent_to(stage, rita)[before_rita:]
    (to_ann,) = _sent_to(stage, ann)[before_ann:]
    assert to_ann < to_rita, "Ann was answered while Rita's file was being read"


async def test_deeply_nested_json_is_refused_clearly(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newbatch")
    await upload(stage, rita, "items.json", b"[" * 100_000)
    assert "line 1: not valid JSON (nested too deeply)" in rita.last_text()
    nested = '[{"text": "a cat"},\n{"text": ' + "[" * 50_000 + "]" * 50_000 + "}]"
    await upload(stage, rita, "items.json", nested.encode())
    assert "line 2: not valid JSON (nested too deeply)" in rita.last_text()
    await upload(stage, rita, "items.json", json.dumps([{"text": "a cat"}]).encode())
    assert "1 items read" in rita.last_text() or "1 item read" in rita.last_text()


async def test_api_bodies_nested_too_deep_are_refused(tmp_path: Path, clock: FakeClock) -> None:
    async with api_stage(tmp_path, clock) as stage:
        rita = await funded_requester(stage, stage.admin())
        key = await new_api_key(rita)
        for depth in (11, 100_000):
            body = '{"HITId": ' + json_nested(depth) + "}"
            found = await post_signed(stage, key, "GetHIT", body.encode())
            assert found.status_code == 400, found.text
            assert "nests lists and objects over 10 deep" in found.json()["Message"]
        listed = await post_signed(stage, key, "ListHITs", b'{"MaxResults": 10}')
        assert listed.status_code == 200 and listed.json()["NumResults"] == 0


async def test_webhook_bodies_nested_too_deep_are_refused(
    tmp_path: Path, clock: FakeClock
) -> None:
    opened = await Stage.open(await database_at(tmp_path, "gigbot"), clock=clock, webhook=True)
    async with failing_on_errors(opened):
        ann = opened.user("Ann")
        deep = '{"update_id": 1, "message": ' + json_nested(200_000) + "}"
        assert (await post_update(opened, deep.encode())).status_code == 400
        await ann.send("/start")
        assert ann.last_text(), "the bot still answers"


async def test_a_forged_press_on_a_file_the_bot_sent(stage: Stage, admin: Actor) -> None:
    """A modified client can send any callback data for any message (Telegram says so):
    pressed on the exported CSV, Publish or Skip cannot redraw a file, and that is no error."""
    rita = await funded_requester(stage, admin)
    hit_id = await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=2")
    await rita.send(f"/results {hit_id}")
    await rita.press("Export CSV")
    exported = rita.last()
    assert exported.document is not None
    for data in (f"pub:{hit_id}", f"skp:{hit_id}", "akn"):
        forged = stage.sim.callback(
            rita.user, exported.message_id, data, enqueue=False, check_button=False
        )
        await stage.deliver(forged)
