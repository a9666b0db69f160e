"""Admin handlers: /fund, /stats."""

from __future__ import annotations

from telegram import Update

from bot import formatting
from bot.domain import Screen
from bot.market import texts as market_texts
from bot.market.stats import market_stats
from bot.parsing import ParseError, parse_fund
from handlers.common import GigContext, reply


async def fund(update: Update, context: GigContext) -> None:
    """Credit a requester's balance (admins only), once per command message."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    if update.effective_user.id not in context.settings.admins:
        await reply(update, Screen(context.t(market_texts.ADMIN_ONLY)))
        return
    try:
        args = parse_fund(list(context.args or []))
    except ParseError as exc:
        await reply(update, Screen(market_texts.fund_error(exc.problem)))  # admin tools: English
        return
    key = f"{message.chat.id}:{message.message_id}"
    result = await context.accounts.fund(args.tg_id, args.amount_cents, key)
    await reply(
        update,
        Screen(
            market_texts.FUND_TEXTS[result].format(
                amount=formatting.money(args.amount_cents), tg_id=args.tg_id
            )
        ),
    )


async def stats(update: Update, context: GigContext) -> None:
    """Show the marketplace at a glance (admins only)."""
    assert update.effective_user is not None
    if update.effective_user.id not in context.settings.admins:
        await reply(update, Screen(context.t(market_texts.ADMIN_ONLY)))
        return
    services = context.services
    await reply(
        update, Screen(market_texts.market_stats(await market_stats(services.db, services.clock)))
    )
