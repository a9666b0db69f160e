"""Reading what a chat shows: button labels, push cards, numbers in texts."""

from __future__ import annotations

import re

from bot.demo.stage import Actor


def labels(actor: Actor, message_id: int | None = None) -> list[str]:
    """Button labels of the latest (or given) message."""
    message = actor.stage.sim.message_by_id(actor.tg_id, message_id) if message_id else actor.last()
    return [text for row in message.buttons() for text, _, _ in row]


def got(actor: Actor, title: str) -> bool:
    """Whether a push card for the HIT titled `title` reached this worker."""
    return any(title in text and "left" in text for text in actor.texts())


def number_after(marker: str, text: str) -> int:
    """The number following `marker` in `text` ("batch #" in "batch #3 ..." -> 3)."""
    found = re.search(re.escape(marker) + r"(\d+)", text)
    assert found, f"no {marker!r} number in {text!r}"
    return int(found.group(1))
