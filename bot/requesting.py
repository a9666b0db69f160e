"""The requester's tools, wired once per running bot (Services.requesting)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.batches import Batches
from bot.blocks import Blocks
from bot.bonuses import Bonuses
from bot.drafts import Drafts
from bot.managing import Managing
from bot.marketplace import Marketplace
from bot.posting import Posting
from bot.qualify import Qualify
from bot.results_export import Results
from bot.reviewing import Reviewing


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
    def build(cls, market: Marketplace) -> Requesting:
        """Every tool on the marketplace's database and clock."""
        db, clock = market.db, market.clock

        def wake() -> None:
            market.on_outbox()

        return cls(
            posting=Posting(db, clock),
            batches=Batches(
                db, clock, on_outbox=wake, market=market, min_hourly_cents=market.min_hourly_cents
            ),
            managing=Managing(db, clock, on_outbox=wake),
            reviewing=Reviewing(db, clock, market),
            results=Results(db),
            bonuses=Bonuses(db, clock, on_outbox=wake),
            blocks=Blocks(db, clock),
            qualify=Qualify(db, clock),
            drafts=Drafts(db, clock, floor_cents=market.min_hourly_cents),
        )
