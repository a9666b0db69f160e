"""What fair-work screens share with the existing requester handlers."""

from __future__ import annotations

from bot.fair import texts as fair_texts
from bot.market import texts as market_texts
from bot.market.results import PublishResult
from handlers.common import GigContext


async def floor_refusal(context: GigContext, hit_id: int) -> str:
    """Why publishing was refused, with the reward that would meet the floor."""
    check = await context.fair.floor_check(hit_id)
    hit = await context.market.hit(hit_id)
    if check is None or hit is None:
        return market_texts.PUBLISH_TEXTS[PublishResult.UNDER_FLOOR]
    return fair_texts.under_floor(check, hit.reward_cents)
