"""One DEBUG line per update received and per Bot API call made; warnings for 429 and 403.

Never a user's message text: an update is described by its kind, ids and command name.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from telegram import Update
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from handlers.common import GigContext
from handlers.ptb.transport import AiohttpRequest

log = logging.getLogger("gigbot.trace")


def describe(update: Update) -> str:
    """`message from 42 in 42: /newpoll` — kind, who, where, and the command if any."""
    kind = next((k for k in update.to_dict() if k != "update_id"), "unknown")
    user = update.effective_user
    chat = update.effective_chat
    parts = [kind]
    if user is not None:
        parts.append(f"from {user.id}")
    if chat is not None:
        parts.append(f"in {chat.id}")
    line = " ".join(parts)
    message = update.effective_message
    text = message.text if message is not None else None
    if text and text.startswith("/"):
        line += ": " + text.split()[0].split("@")[0]
    elif text:
        line += f": text ({len(text)} chars)"
    query = update.callback_query
    if query is not None and query.data:
        line += ": button " + query.data.split(":")[0]
    return line


async def log_update(update: Update, context: GigContext) -> None:
    """Say at DEBUG that an update arrived (runs before every other handler)."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("update %s: %s", update.update_id, describe(update))


class LoggedRequest(AiohttpRequest):
    """AiohttpRequest that logs each call's method, status and time, never its URL."""

    def __init__(self, *args: Any, warn: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warn = warn

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        started = time.monotonic()
        try:
            code, payload = await super().do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except Exception as exc:
            log.debug("call %s failed: %s", endpoint, type(exc).__name__)
            raise
        log.debug("call %s -> %s (%.0f ms)", endpoint, code, (time.monotonic() - started) * 1000)
        if self.warn and code in (403, 429):
            chat = request_data.parameters.get("chat_id") if request_data else None
            log.warning("%s to chat %s: %s %s", endpoint, chat, code, _description(payload))
        return code, payload


def _description(payload: bytes) -> str:
    try:
        body = json.loads(payload)
    except ValueError:
        return ""
    return str(body.get("description", "")) if isinstance(body, dict) else ""
