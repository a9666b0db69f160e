"""Matching handlers: /why on a push, /require on a draft, /grant and /revoke."""

from __future__ import annotations

from telegram import Update

from bot.domain import Screen
from bot.market.results import RequireResult
from bot.matching import texts as matching_texts
from bot.matching.qualifications import parse_grant, parse_requirement
from bot.parsing import ParseError
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from handlers.common import GigContext, reply, sender_of


async def why_command(update: Update, context: GigContext) -> None:
    """Say why the worker got the push they replied to (or their latest push)."""
    worker = await sender_of(update, context)
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    view = await context.matcher.why(
        worker, replied.message_id if replied is not None else None
    )
    await reply(
        update, Screen(matching_texts.why(view) if view is not None else matching_texts.WHY_NOTHING)
    )


async def require_command(update: Update, context: GigContext) -> None:
    """Add a requirement to a draft HIT, or show how."""
    requester = await sender_of(update, context)
    args = context.args or []
    if not args:
        await reply(update, Screen(requesting_texts.REQUIRE_USAGE))
        return
    try:
        draft, requirement = parse_requirement(args)
    except ParseError as exc:
        await reply(update, Screen(requesting_texts.require_error(exc.problem)))
        return
    number = requirement.qualification_id
    qualifications = context.qualifications
    result, requirement = await qualifications.require(requester, draft, requirement)
    text = requesting_texts.required(result, draft.id, draft.batch, requirement, number)
    if result is not RequireResult.OK:
        await reply(update, Screen(text))
        return
    await reply(update, requester_screens.required(text, draft.id, draft.batch))


async def grant_command(update: Update, context: GigContext) -> None:
    """Give a worker (by alias) one of the requester's qualifications."""
    requester = await sender_of(update, context)
    args = context.args or []
    try:
        alias, ref, value = parse_grant(args, levels=True)
    except ParseError as exc:
        await reply(
            update,
            Screen(
                requesting_texts.grant_error(exc.problem) if args else requesting_texts.GRANT_USAGE
            ),
        )
        return
    result, name = await context.qualifications.grant(requester, alias, ref, value)
    await reply(update, Screen(requesting_texts.granted(result, alias, name, value, ref.number)))


async def revoke_command(update: Update, context: GigContext) -> None:
    """Take one of the requester's qualifications away from a worker."""
    requester = await sender_of(update, context)
    args = context.args or []
    try:
        alias, ref, _ = parse_grant(args, levels=False)
    except ParseError as exc:
        await reply(
            update,
            Screen(
                requesting_texts.grant_error(exc.problem) if args else requesting_texts.GRANT_USAGE
            ),
        )
        return
    result, name = await context.qualifications.revoke(requester, alias, ref)
    await reply(update, Screen(requesting_texts.granted(result, alias, name, 0, ref.number)))
