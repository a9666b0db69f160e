"""The requester's tools, wired once per running bot (Services.requesting)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.market.marketplace import Marketplace
from bot.requesting.batches import Batches
from bot.requesting.blocks import Blocks
from bot.requesting.bonuses import Bonuses
from bot.requesting.bulk_review import Reviewing
from bot.requesting.drafts import Drafts
from bot.requesting.export import Results
from bot.requesting.managing import Managing
from bot.requesting.posting import Posting
from bot.requesting.qualify import Qualify


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
