"""The requester's tools, wired once per running bot (Services.requesting)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.market.reviewing import Reviewing as Verdicts
from bot.matching.waves import Waves
from bot.requesting.batches import Batches
from bot.requesting.blocks import Blocks
from bot.requesting.bonuses import Bonuses
from bot.requesting.bulk_review import Reviewing
from bot.requesting.drafts import Drafts
from bot.requesting.export import Results
from bot.requesting.managing import Managing
from bot.requesting.posting import Posting
from bot.requesting.qualify import Qualify
from storage.db import Database


@dataclass
class Requesting:
    posting: Posting
    batches: Batches
    managing: Managing
    reviewing: Reviewing
    results: Results
    bonuses: Bonuses
    blocks: Blocks
    qualify: Qualify
    drafts: Drafts

    @classmethod
    def build(
        cls,
        db: Database,
        clock: Clock,
        waves: Waves,
        verdicts: Verdicts,
        *,
        min_hourly_cents: int = 0,
        fee_bp: int = 0,
        on_outbox: Callable[[], None] = lambda: None,
        on_timer: Callable[[str, float], None] = lambda name, due_at: None,
    ) -> Requesting:
        """Every tool on one database; `verdicts` is the market's one-at-a-time review,
        `waves` its push policy, `min_hourly_cents` the fair-pay floor (0 = off)."""
        return cls(
            posting=Posting(db, clock, fee_bp),
            batches=Batches(
                db,
                clock,
                waves,
                on_outbox=on_outbox,
                on_timer=on_timer,
                min_hourly_cents=min_hourly_cents,
                fee_bp=fee_bp,
            ),
            managing=Managing(db, clock, on_outbox=on_outbox, on_timer=on_timer),
            reviewing=Reviewing(db, clock, verdicts),
            results=Results(db),
            bonuses=Bonuses(db, clock, fee_bp=fee_bp, on_outbox=on_outbox),
            blocks=Blocks(db, clock),
            qualify=Qualify(db, clock),
            drafts=Drafts(db, clock, floor_cents=min_hourly_cents),
        )
