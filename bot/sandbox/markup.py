"""Reply-markup rules Telegram applies beyond the schema: sizes and button kinds."""

from __future__ import annotations

from typing import Any

from bot.sandbox.limits import Limits

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def check_markup(markup: dict[str, Any], limits: Limits) -> str | None:
    """Return Telegram's error description for an unacceptable markup, else None."""
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        inline = True
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        inline = False
    else:
        return None  # ReplyKeyboardRemove, ForceReply
    if sum(len(row) for row in rows) > limits.buttons_max:
        return "reply markup is too long"
    for row in rows:
        if len(row) > limits.buttons_per_row_max:
            return "too many buttons in a row"
        for button in row:
            text = button["text"] if isinstance(button, dict) else button
            if not str(text).strip():
                return "BUTTON_TEXT_INVALID"
            if not inline or not isinstance(button, dict):
                continue
            actions = [a for a in _INLINE_ACTIONS if a in button]
            if len(actions) != 1:
                return (
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= limits.callback_data_max:
                    return "BUTTON_DATA_INVALID"
            if "url" in button and not str(button["url"]).strip():
                return "BUTTON_URL_INVALID"
    return None


def buttons(markup: dict[str, Any] | None) -> list[list[tuple[str, str | None, str | None]]]:
    """List the inline buttons row by row as (text, callback_data, url)."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        [(b["text"], b.get("callback_data"), b.get("url")) for b in row]
        for row in markup["inline_keyboard"]
    ]
