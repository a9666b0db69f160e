"""Matching handlers: /why on a push, /require on a draft, /grant and /revoke."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.domain import Screen
from bot.market.results import GrantResult, RequireResult
from bot.matching import texts as matching_texts
from bot.matching.qualifications import QualificationRef, parse_qualification_ref, parse_requirement
from bot.parsing import ParseError
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from handlers.common import GigContext, reply, sender_of


async def why_command(update: Update, context: GigContext) -> None:
    """Say why the worker got the push they replied to (or their latest push)."""
    worker = await sender_of(update, context)
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    view = await context.services.matcher.why(
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
    qualifications = context.services.qualifications
    result, requirement = await qualifications.require(requester, draft, requirement)
    text = requesting_texts.REQUIRE_TEXTS[result].format(
        what=requesting_texts.draft_name(draft.id, draft.batch),
        requirement=requesting_texts.requirement_label(requirement),
        name=escape(requirement.qualification_name),
    )
    if result is RequireResult.UNKNOWN_QUALIFICATION and number is not None:
        text = requesting_texts.no_qualification_number(number)
    if result is not RequireResult.OK:
        await reply(update, Screen("⚠️ " + text))
        return
    await reply(update, requester_screens.required(text, draft.id, draft.batch))


def _alias_and_qualification(
    args: list[str], levels: bool
) -> tuple[str, QualificationRef, int]:
    """["W-7F3K", "Bird", "expert", "3"] -> ("W-7F3K", QualificationRef("Bird expert"), 3)."""
    if len(args) < 2:
        raise ParseError("give a worker alias and a qualification (its name or #number)")
    ref, level = parse_qualification_ref(args[1:])
    if level is not None and not levels:
        raise ParseError("/revoke takes a qualification's name or #number, no level")
    return args[0].upper(), ref, 1 if level is None else level


def _grant_text(
    result: GrantResult, alias: str, ref: QualificationRef, name: str, value: int
) -> str:
    if result is GrantResult.UNKNOWN_QUALIFICATION and ref.number is not None:
        return "⚠️ " + requesting_texts.no_qualification_number(ref.number)
    text = requesting_texts.GRANT_TEXTS[result].format(
        alias=escape(alias), name=escape(name), value=value
    )
    plain = (GrantResult.OK, GrantResult.UNCHANGED, GrantResult.REVOKED)
    return text if result in plain else "⚠️ " + text


async def grant_command(update: Update, context: GigContext) -> None:
    """Give a worker (by alias) one of the requester's qualifications."""
    requester = await sender_of(update, context)
    args = context.args or []
    try:
        alias, ref, value = _alias_and_qualification(args, levels=True)
    except ParseError as exc:
        await reply(
            update,
            Screen(
                requesting_texts.grant_error(exc.problem) if args else requesting_texts.GRANT_USAGE
            ),
        )
        return
    result, name = await context.services.qualifications.grant(requester, alias, ref, value)
    await reply(update, Screen(_grant_text(result, alias, ref, name, value)))


async def revoke_command(update: Update, context: GigContext) -> None:
    """Take one of the requester's qualifications away from a worker."""
    requester = await sender_of(update, context)
    args = context.args or []
    try:
        alias, ref, _ = _alias_and_qualification(args, levels=False)
    except ParseError as exc:
        await reply(
            update,
            Screen(
                requesting_texts.grant_error(exc.problem) if args else requesting_texts.GRANT_USAGE
            ),
        )
        return
    result, name = await context.services.qualifications.revoke(requester, alias, ref)
    await reply(update, Screen(_grant_text(result, alias, ref, name, 0)))
