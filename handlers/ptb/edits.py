"""Redrawing a message without reading back Telegram's copy of it.

editMessageText answers with the edited Message, and python-telegram-bot makes it into
objects (the message, its chat and sender, its entities, every button) on each call:
~27 % of an edit's CPU, 5 % of the core loop's (bench/bench_core_loop.py, py-spy), for a
result gigbot never reads. `edit_text` sends the request Bot.edit_message_text sends,
through the same path (defaults, ExtBot's rate limiter, the transport, errors raised as
TelegramError), and leaves the answer as it came.

The one use of PTB internals here (python-telegram-bot 22): `Bot._post`, the request
every Bot method makes.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode


async def edit_text(
    bot: Bot, chat_id: int, message_id: int, text: str, reply_markup: InlineKeyboardMarkup | None
) -> None:
    """Replace the text (HTML) and buttons of the bot's message at (chat_id, message_id)."""
    data: dict[str, Any] = {
        "chat_id": chat_id,
        "message_id": message_id,
        "text": text,
        "parse_mode": ParseMode.HTML,
        "reply_markup": reply_markup,
    }
    await bot._post("editMessageText", data)
