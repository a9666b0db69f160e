"""`gigbot run`: long polling against Telegram (or whatever GIGBOT_API_URL points at)."""

from __future__ import annotations

import logging
import sys

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import build_application
from bot.config import Settings

log = logging.getLogger(__name__)


def run(settings: Settings) -> int:
    """Run until stopped; return the process exit code."""
    if not settings.token:
        print("gigbot: GIGBOT_TOKEN is not set (get one from @BotFather)", file=sys.stderr)
        return 2
    app = build_application(settings)
    try:
        app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    except InvalidToken:
        print("gigbot: Telegram refused GIGBOT_TOKEN (401 Unauthorized)", file=sys.stderr)
        return 3
    except NetworkError as exc:
        print(f"gigbot: cannot reach the Bot API at {settings.api_url}: {exc}", file=sys.stderr)
        return 4
    return 0
