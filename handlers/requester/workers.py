"""What a requester does to one worker: /bonus, /block and /unblock (and Block on a card)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update

from bot import callbacks as cb
from bot import formatting
from bot.domain import Button, Screen, User
from bot.money import texts as money_texts
from bot.parsing import ParseError
from bot.requesting import texts as requesting_texts
from bot.requesting.parsing import parse_alias, parse_bonus
from bot.requesting.results import BlockResult, BonusResult
from handlers.buttons import Tap, button
from handlers.common import GigContext, reply, sender_of


async def bonus(update: Update, context: GigContext) -> None:
    """`/bonus W-7F3K 0.50 reason`: pay a worker extra, once per command message."""
    requester = await sender_of(update, context)
    message = update.effective_message
    assert message is not None and message.text is not None
    _, _, args = message.text.partition(" ")
    try:
        parsed = parse_bonus(args)
    except ParseError as exc:
        usage = (
            formatting.try_again(
                context.t, exc.said(context.t), context.t(requesting_texts.BONUS_USAGE)
            )
            if args.strip()
            else context.t(requesting_texts.BONUS_USAGE)
        )
        await reply(update, Screen(usage))
        return
    key = f"{message.chat.id}:{message.message_id}"
    result, alias = await context.requesting.bonuses.pay(requester, parsed, key)
    fee = context.requesting.bonuses.fee(parsed.amount_cents)
    text = context.t(requesting_texts.BONUS_TEXTS[result]).format(
        amount=requesting_texts.with_fee(context.t, parsed.amount_cents, fee),
        alias=alias or parsed.alias or "?",
    )
    rows: tuple[tuple[Button, ...], ...] = ()
    if result is BonusResult.INSUFFICIENT_FUNDS:
        rows = ((Button(context.t(money_texts.BTN_DEPOSIT), cb.DepositMenu().pack()),),)
    await reply(update, Screen(text, rows))


async def block(update: Update, context: GigContext) -> None:
    """`/block W-7F3K`: the worker never sees or takes this requester's HITs again."""
    blocks = context.requesting.blocks
    await _on_alias(
        update, context, requesting_texts.BLOCK_USAGE, blocks.block, requesting_texts.BLOCK_TEXTS
    )


async def unblock(update: Update, context: GigContext) -> None:
    """`/unblock W-7F3K`: lift a block; the worker can see and take the HITs again."""
    blocks = context.requesting.blocks
    await _on_alias(
        update,
        context,
        requesting_texts.UNBLOCK_USAGE,
        blocks.unblock,
        requesting_texts.UNBLOCK_TEXTS,
    )


async def _on_alias(
    update: Update,
    context: GigContext,
    usage: str,
    act: Callable[[User, str], Awaitable[BlockResult]],
    texts: Mapping[BlockResult, str],
) -> None:
    """Do `act` (block, unblock) to the worker the command names and say how it went; else
    the usage (with what is wrong)."""
    alias = await _alias_or_usage(update, context, context.t(usage))
    if alias is not None:
        requester = await sender_of(update, context)
        result = await act(requester, alias)
        await reply(update, Screen(context.t(texts[result]).format(alias=alias)))


async def _alias_or_usage(update: Update, context: GigContext, usage: str) -> str | None:
    """The alias the command names; else the usage (with what is wrong) and None."""
    if not context.args:
        await reply(update, Screen(usage))
        return None
    try:
        return parse_alias(context.args[0])
    except ParseError as exc:
        await reply(update, Screen(formatting.try_again(context.t, exc.said(context.t), usage)))
        return None


@button(cb.BlockWorker)
async def block_worker(tap: Tap[cb.BlockWorker], context: GigContext) -> None:
    """Block the worker named on the button."""
    alias = tap.data.alias
    result = await context.requesting.blocks.block(tap.user, alias)
    await tap.answer(
        context.t(requesting_texts.BLOCK_ALERTS[result]).format(alias=alias), alert=True
    )
