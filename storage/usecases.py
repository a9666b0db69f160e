"""What every feature's use-case class is built on: one database, the clock, and two hooks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

from bot.clock import Clock
from storage.db import Database


def _nothing() -> None:
    return None


def _no_timer(name: str, due_at: float) -> None:
    return None


class Hooks(TypedDict, total=False):
    """The hooks a use-case class takes by name (`**hooks: Unpack[Hooks]` passes them on)."""

    on_outbox: Callable[[], None]
    on_timer: Callable[[str, float], None]


class UseCases:
    """Use-cases on one database and clock. `on_outbox` is rung after a commit that queued
    messages (the broadcaster sends them); `on_timer` is told of each new deadline (job name,
    due time) so a scheduler can hold it (bot/deadlines/timers.py). Both do nothing unless
    the composition root (bot/services.py) hands them over."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        on_outbox: Callable[[], None] = _nothing,
        on_timer: Callable[[str, float], None] = _no_timer,
    ) -> None:
        self.db = db
        self.clock = clock
        self.on_outbox = on_outbox
        self.on_timer = on_timer
