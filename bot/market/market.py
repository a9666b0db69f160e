"""The market's use-cases, built together on one database (Services.market, context.market)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.market.accepting import Accepting
from bot.market.people import People, new_alias
from bot.market.publishing import Publishing
from bot.market.reading import Reading
from bot.market.reviewing import Reviewing
from bot.market.settling import Settling
from bot.market.working import Working
from bot.matching.fanout import FanOut
from bot.matching.waves import Waves
from storage.db import Database


@dataclass(frozen=True, slots=True)
class Market:
    """The HIT lifecycle, split by what it does: context.market.accepting.accept(...)."""

    people: People  # register, users, aliases, blocked or not
    reading: Reading  # a HIT, its questions, an assignment as a WorkView
    publishing: Publishing  # drafts, escrow, first waves
    accepting: Accepting  # a worker takes a slot
    working: Working  # answers, submit, return
    reviewing: Reviewing  # approve, reject, auto-approve
    settling: Settling  # pause, resume, more assignments, expiry, disposal

    @classmethod
    def build(
        cls,
        db: Database,
        clock: Clock,
        *,
        max_active: int,
        auto_approve_s: int,
        waves: Waves | None = None,
        reminders: tuple[float, ...] = (0.5, 0.2),
        min_hourly_cents: int = 0,
        fee_bp: int = 0,
        on_outbox: Callable[[], None] = lambda: None,
        on_timer: Callable[[str, float], None] = lambda name, due_at: None,
        new_alias: Callable[[], str] = new_alias,
    ) -> Market:
        """Every use-case on `db`, sharing one read side.

        `on_outbox` is rung after a commit that queued messages; `on_timer` is told of
        each new deadline (job name, due time); `waves` pushes HITs to workers (by default
        the default fan-out, telling `on_timer` of timed offers' deadlines).
        """
        waves = waves or Waves(FanOut(), max_active, on_timer)
        reading = Reading(db)
        return cls(
            people=People(db, clock, new_alias),
            reading=reading,
            publishing=Publishing(
                db,
                clock,
                waves,
                auto_approve_s=auto_approve_s,
                min_hourly_cents=min_hourly_cents,
                fee_bp=fee_bp,
                on_outbox=on_outbox,
                on_timer=on_timer,
            ),
            accepting=Accepting(
                db,
                clock,
                reading,
                max_active=max_active,
                reminders=reminders,
                on_outbox=on_outbox,
                on_timer=on_timer,
            ),
            working=Working(
                db,
                clock,
                reading,
                waves,
                min_hourly_cents=min_hourly_cents,
                on_outbox=on_outbox,
                on_timer=on_timer,
            ),
            reviewing=Reviewing(db, clock, reading, on_outbox=on_outbox),
            settling=Settling(db, clock, waves, on_outbox=on_outbox, on_timer=on_timer),
        )
