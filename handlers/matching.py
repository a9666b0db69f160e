"""Matching handlers: /why on a push, /require on a draft, /grant and /revoke."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot import texts
from bot.domain import Screen
from bot.parsing import ParseError
from bot.qualifications import parse_qualification_name, parse_requirement
from bot.results import GrantResult, RequireResult
from handlers.common import GigContext, reply, sender_of


async def why_command(update: Update, context: GigContext) -> None:
    """Say why the worker got the push they replied to (or their latest push)."""
    worker = await sender_of(update, context)
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    view = await context.services.matcher.why(
        worker, replied.message_id if replied is not None else None
    )
    await reply(update, Screen(texts.why(view) if view is not None else texts.WHY_NOTHING))


async def require_command(update: Update, context: GigContext) -> None:
    """Add a requirement to a draft HIT, or show how."""
    requester = await sender_of(update, context)
    args = context.args or []
    if not args:
        await reply(update, Screen(texts.REQUIRE_USAGE))
        return
    try:
        draft, requirement = parse_requirement(args)
    except ParseError as exc:
        await reply(update, Screen(texts.require_error(exc.problem)))
        return
    result = await context.services.qualifications.require(requester, draft, requirement)
    text = texts.REQUIRE_TEXTS[result].format(
        what=texts.draft_name(draft.id, draft.batch),
        requirement=texts.requirement_label(requirement),
        name=requirement.qualification_name,
    )
    await reply(update, Screen(text if result is RequireResult.OK else "⚠️ " + text))


async def grant_command(update: Update, context: GigContext) -> None:
    """Give a worker (by alias) one of the requester's qualifications."""
    requester = await sender_of(update, context)
    args = context.args or []
    try:
        if len(args) not in (2, 3) or (len(args) == 3 and not args[2].isdigit()):
            raise ParseError("give a worker alias, a qualification name and maybe a level")
        name, value = parse_qualification_name(args[1]), int(args[2]) if len(args) == 3 else 1
    except ParseError as exc:
        await reply(update, Screen(texts.grant_error(exc.problem) if args else texts.GRANT_USAGE))
        return
    alias = args[0].upper()
    result = await context.services.qualifications.grant(requester, alias, name, value)
    text = texts.GRANT_TEXTS[result].format(alias=escape(alias), name=name, value=value)
    await reply(update, Screen(text))


async def revoke_command(update: Update, context: GigContext) -> None:
    """Take one of the requester's qualifications away from a worker."""
    requester = await sender_of(update, context)
    args = context.args or []
    if len(args) != 2:
        await reply(update, Screen(texts.GRANT_USAGE))
        return
    alias, name = args[0].upper(), args[1]
    result = await context.services.qualifications.revoke(requester, alias, name)
    shown = texts.GRANT_TEXTS[result].format(alias=escape(alias), name=escape(name), value="")
    await reply(update, Screen(shown if result is GrantResult.REVOKED else "⚠️ " + shown))
