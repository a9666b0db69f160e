"""The simulated Telegram: a fake Bot API server and users, for tests and `gigbot demo`."""

from __future__ import annotations

from bot.sandbox.limits import Limits
from bot.sandbox.sim import SimTelegram, UpdateSchemaError
from bot.sandbox.state import Call, SimChat, SimMessage, SimUser

__all__ = [
    "Call",
    "Limits",
    "SimChat",
    "SimMessage",
    "SimTelegram",
    "SimUser",
    "UpdateSchemaError",
]
