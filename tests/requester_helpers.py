"""Helpers for the requester stories: restarting the bot, reading ids from texts."""

from __future__ import annotations

import re
from pathlib import Path

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.runtime.app import build_application, services_of, start_app, stop_app


async def restart(stage: Stage, down_for: float = 0.0) -> Stage:
    """Stop the bot and start a fresh one on the same database and simulated Telegram;
    `down_for` seconds pass on the stage's FakeClock while no bot runs."""
    settings = services_of(stage.app).settings
    assert not stage.services.errors, stage.services.errors
    await stop_app(stage.app)
    if down_for:
        assert isinstance(stage.clock, FakeClock), "only a FakeClock can be moved"
        stage.clock.advance(down_for)
    app = build_application(settings, stage.clock)
    await start_app(app)
    return Stage(stage.sim, app, stage.clock)


def number_after(marker: str, text: str) -> int:
    """The number following `marker` in `text` ("batch #" in "batch #3 ..." -> 3)."""
    found = re.search(re.escape(marker) + r"(\d+)", text)
    assert found, f"no {marker!r} number in {text!r}"
    return int(found.group(1))


async def upload(stage: Stage, actor: Actor, filename: str, content: bytes) -> None:
    """The actor sends a file to the bot."""
    await stage.deliver(stage.sim.document(actor.user, filename, content, enqueue=False))


async def published_batch(
    stage: Stage, requester: Actor, csv: bytes, labels: str, title_and_terms: str
) -> int:
    """/newbatch: upload the CSV, give the labels ("cat | dog") and the title with its
    terms, publish; the batch's number."""
    await requester.send("/newbatch")
    await upload(stage, requester, "items.csv", csv)
    await requester.send(labels)
    await requester.send(title_and_terms)
    batch_id = number_after("batch #", requester.last_text())
    await requester.press("Publish")
    assert f"Published batch #{batch_id}" in requester.last_text(), requester.last_text()
    return batch_id


def database_of(stage: Stage) -> Path:
    return stage.services.settings.database
