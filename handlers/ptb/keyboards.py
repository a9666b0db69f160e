"""Telegram keyboards from domain screens."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import Button, Screen


def button(b: Button) -> InlineKeyboardButton:
    if b.url is not None:
        return InlineKeyboardButton(b.text, url=b.url)
    return InlineKeyboardButton(b.text, callback_data=b.data)


def markup(screen: Screen) -> InlineKeyboardMarkup | None:
    """The inline keyboard for a screen, or None when it has no buttons."""
    if not screen.rows:
        return None
    return InlineKeyboardMarkup([[button(b) for b in row] for row in screen.rows if row])
