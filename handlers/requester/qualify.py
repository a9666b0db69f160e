"""A requester's qualifications: /qualify (define one and its test, step by step, kept
across restarts), /require it on a draft, /grant and /revoke it for a worker."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.domain import Screen, TestQuestion
from bot.matching.qualifications import parse_grant, parse_requirement
from bot.matching.results import RequireResult
from bot.parsing import ParseError
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from bot.requesting.qualify import (
    MAX_TEST_QUESTIONS,
    parse_name,
    parse_pass_percent,
    parse_test_question,
)
from handlers.common import GigContext, begin, drop, reply, sender_of, typed

NAME, QUESTIONS, PASS = range(30, 33)
KEY = "qualify"


def _data(context: GigContext) -> dict[str, Any]:
    assert context.user_data is not None
    data = context.user_data.setdefault(KEY, {"name": "", "questions": []})
    assert isinstance(data, dict)
    return data


def _questions(context: GigContext) -> list[TestQuestion]:
    return [TestQuestion(str(q[0]), tuple(q[1]), int(q[2])) for q in _data(context)["questions"]]


def _ask_question(context: GigContext) -> Screen:
    count = len(_data(context)["questions"])
    return Screen(
        context.t(requesting_texts.QUALIFY_ASK_QUESTION).format(
            count=count, most=MAX_TEST_QUESTIONS
        )
    )


async def new_qualification(update: Update, context: GigContext) -> int:
    """Start defining a qualification: ask its name."""
    data = {"name": "", "questions": []}
    await begin(update, context, KEY, data, Screen(context.t(requesting_texts.QUALIFY_ASK_NAME)))
    return NAME


async def got_name(update: Update, context: GigContext) -> int:
    """Keep the name; ask for the test questions."""
    name = await typed(update, context, parse_name, context.t(requesting_texts.QUALIFY_ASK_NAME))
    if name is None:
        return NAME
    _data(context)["name"] = name
    await reply(update, _ask_question(context))
    return QUESTIONS


async def got_question(update: Update, context: GigContext) -> int:
    """Add one test question (the starred option is right)."""
    q = await typed(update, context, parse_test_question, _ask_question(context).text)
    if q is None:
        return QUESTIONS
    data = _data(context)
    data["questions"] = [*data["questions"], [q.prompt, list(q.options), q.answer]]
    if len(data["questions"]) >= MAX_TEST_QUESTIONS:
        await reply(update, Screen(context.t(requesting_texts.QUALIFY_ASK_PASS)))
        return PASS
    await reply(update, _ask_question(context))
    return QUESTIONS


async def questions_done(update: Update, context: GigContext) -> int:
    """/done: ask the pass mark."""
    if not _data(context)["questions"]:
        await reply(update, Screen(context.t(requesting_texts.QUALIFY_NEEDS_QUESTION)))
        return QUESTIONS
    await reply(update, Screen(context.t(requesting_texts.QUALIFY_ASK_PASS)))
    return PASS


async def got_pass(update: Update, context: GigContext) -> int:
    """Create the qualification and say how workers take the test."""
    percent = await typed(
        update, context, parse_pass_percent, context.t(requesting_texts.QUALIFY_ASK_PASS)
    )
    if percent is None:
        return PASS
    requester = await sender_of(update, context)
    data = _data(context)
    made = await context.requesting.qualify.define(
        requester, str(data["name"]), _questions(context), percent
    )
    if made is None:
        await reply(update, Screen(context.t(requesting_texts.QUALIFY_NAME_TAKEN)))
        return NAME
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    await reply(update, Screen(requesting_texts.qualify_created(context.t, made)))
    return ConversationHandler.END


async def cancel_qualification(update: Update, context: GigContext) -> int:
    return await drop(update, context, KEY, context.t(requesting_texts.QUALIFY_CANCELLED))


async def require_command(update: Update, context: GigContext) -> None:
    """Add a requirement to a draft HIT, or show how."""
    requester = await sender_of(update, context)
    args = context.args or []
    if not args:
        await reply(update, Screen(context.t(requesting_texts.REQUIRE_USAGE)))
        return
    try:
        draft, requirement = parse_requirement(args)
    except ParseError as exc:
        await reply(update, Screen(requesting_texts.require_error(context.t, exc.said(context.t))))
        return
    number = requirement.qualification_id
    qualifications = context.qualifications
    result, requirement = await qualifications.require(requester, draft, requirement)
    text = requesting_texts.required(context.t, result, draft.id, draft.batch, requirement, number)
    if result is not RequireResult.OK:
        await reply(update, Screen(text))
        return
    await reply(update, requester_screens.required(context.t, text, draft.id, draft.batch))


async def grant_command(update: Update, context: GigContext) -> None:
    """Give a worker (by alias) one of the requester's qualifications."""
    await _grant_or_revoke(update, context, grant=True)


async def revoke_command(update: Update, context: GigContext) -> None:
    """Take one of the requester's qualifications away from a worker."""
    await _grant_or_revoke(update, context, grant=False)


async def _grant_or_revoke(update: Update, context: GigContext, grant: bool) -> None:
    """/grant (a level too) or /revoke: its arguments read (else the usage, or what is
    wrong with them), then the outcome."""
    requester = await sender_of(update, context)
    args = context.args or []
    try:
        alias, ref, value = parse_grant(args, levels=grant)
    except ParseError as exc:
        await reply(
            update,
            Screen(
                requesting_texts.grant_error(context.t, exc.said(context.t))
                if args
                else context.t(requesting_texts.GRANT_USAGE)
            ),
        )
        return
    if grant:
        result, name = await context.qualifications.grant(requester, alias, ref, value)
    else:
        result, name = await context.qualifications.revoke(requester, alias, ref)
        value = 0
    await reply(
        update, Screen(requesting_texts.granted(context.t, result, alias, name, value, ref.number))
    )
