"""Answering a button press inside the webhook response (no Telegram imports: handlers and
the webhook server both use it).

Telegram lets a webhook answer an update with one Bot API call in the response body; it
runs the call and reports nothing back. The webhook server (bot/runtime/webhook.py) opens a slot
for the callback query of the update it is handling; the first answer to that query goes
into the slot instead of being a request of its own.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass

Params = dict[str, object]


@dataclass(frozen=True, slots=True)
class ReplySlot:
    """The webhook response of the update being handled, waiting for its one call."""

    query_id: str
    call: asyncio.Future[Params]


CURRENT: ContextVar[ReplySlot | None] = ContextVar("gigbot_webhook_reply", default=None)


def answer_in_response(query_id: str, text: str | None, alert: bool) -> bool:
    """Put answerCallbackQuery for `query_id` into the webhook response if it can still
    carry it; False means the caller makes the call itself."""
    slot = CURRENT.get()
    if slot is None or slot.query_id != query_id or slot.call.done():
        return False
    call: Params = {"method": "answerCallbackQuery", "callback_query_id": query_id}
    if text:
        call["text"] = text
    if alert:
        call["show_alert"] = True
    slot.call.set_result(call)
    return True
