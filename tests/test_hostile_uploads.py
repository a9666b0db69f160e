"""Hostile uploads and bodies: every parse of a user's file or body is bounded and never
holds up the other users (issue 19, item 2)."""

from __future__ import annotations

import json

from bot.requester_parsing import MAX_BATCH_BYTES, MAX_BATCH_ROWS
from bot.stage import Actor, Stage
from tests.conftest import funded_requester, worker
from tests.requester_helpers import upload


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
