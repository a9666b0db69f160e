"""/qualify (a requester defines a qualification and its test) and /qualtest (a worker
takes it, answering inline; passing grants the qualification)."""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot import callbacks as cb
from bot import formatting
from bot.domain import Screen, TestQuestion
from bot.parsing import ParseError, whole_number
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from bot.requesting.qualify import (
    MAX_TEST_QUESTIONS,
    TestStep,
    parse_name,
    parse_pass_percent,
    parse_test_question,
)
from bot.requesting.results import TestResult
from handlers.buttons import Tap, button
from handlers.common import GigContext, reply, sender_of

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
        requesting_texts.QUALIFY_ASK_QUESTION.format(count=count, most=MAX_TEST_QUESTIONS)
    )


async def new_qualification(update: Update, context: GigContext) -> int:
    """Start defining a qualification: ask its name."""
    await sender_of(update, context)
    assert context.user_data is not None
    context.user_data[KEY] = {"name": "", "questions": []}
    await reply(update, Screen(requesting_texts.QUALIFY_ASK_NAME))
    return NAME


async def got_name(update: Update, context: GigContext) -> int:
    """Keep the name; ask for the test questions."""
    message = update.effective_message
    assert message is not None
    try:
        _data(context)["name"] = parse_name(message.text or "")
    except ParseError as exc:
        await reply(
            update, Screen(formatting.try_again(exc.problem, requesting_texts.QUALIFY_ASK_NAME))
        )
        return NAME
    await reply(update, _ask_question(context))
    return QUESTIONS


async def got_question(update: Update, context: GigContext) -> int:
    """Add one test question (the starred option is right)."""
    message = update.effective_message
    assert message is not None
    try:
        q = parse_test_question(message.text or "")
    except ParseError as exc:
        await reply(update, Screen(formatting.try_again(exc.problem, _ask_question(context).text)))
        return QUESTIONS
    data = _data(context)
    data["questions"] = [*data["questions"], [q.prompt, list(q.options), q.answer]]
    if len(data["questions"]) >= MAX_TEST_QUESTIONS:
        await reply(update, Screen(requesting_texts.QUALIFY_ASK_PASS))
        return PASS
    await reply(update, _ask_question(context))
    return QUESTIONS


async def questions_done(update: Update, context: GigContext) -> int:
    """/done: ask the pass mark."""
    if not _data(context)["questions"]:
        await reply(update, Screen(requesting_texts.QUALIFY_NEEDS_QUESTION))
        return QUESTIONS
    await reply(update, Screen(requesting_texts.QUALIFY_ASK_PASS))
    return PASS


async def got_pass(update: Update, context: GigContext) -> int:
    """Create the qualification and say how workers take the test."""
    message = update.effective_message
    assert message is not None
    try:
        percent = parse_pass_percent(message.text or "")
    except ParseError as exc:
        await reply(
            update, Screen(formatting.try_again(exc.problem, requesting_texts.QUALIFY_ASK_PASS))
        )
        return PASS
    requester = await sender_of(update, context)
    data = _data(context)
    made = await context.requesting.qualify.define(
        requester, str(data["name"]), _questions(context), percent
    )
    if made is None:
        await reply(update, Screen(requesting_texts.QUALIFY_NAME_TAKEN))
        return NAME
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    await reply(update, Screen(requesting_texts.qualify_created(made)))
    return ConversationHandler.END


async def cancel_qualification(update: Update, context: GigContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    await reply(update, Screen(requesting_texts.QUALIFY_CANCELLED))
    return ConversationHandler.END


def _step_text(step: TestStep) -> str:
    test = step.test
    return requesting_texts.TEST_TEXTS[step.result].format(
        name=escape(test.name) if test else "",  # only in PASSED, shown as HTML
        score=step.score_percent,
        need=test.pass_percent if test else 0,
    )


async def take_test(update: Update, context: GigContext) -> None:
    """`/qualtest 3`: show the first unanswered question of the test."""
    worker = await sender_of(update, context)
    number = whole_number((context.args or [""])[0])
    if number is None:
        await reply(update, Screen(requesting_texts.QUALTEST_USAGE))
        return
    step = await context.requesting.qualify.start(worker, number)
    if step.result is TestResult.NEXT and step.test is not None:
        await reply(update, requester_screens.test_question(step.test, step.position))
        return
    await reply(update, Screen(_step_text(step)))


@button(cb.QualAnswer)
async def answer_test(tap: Tap[cb.QualAnswer], context: GigContext) -> None:
    """Record the answer; show the next question or the verdict."""
    data = tap.data
    step = await context.requesting.qualify.answer(
        tap.user, data.qualification_id, data.position, data.option
    )
    if step.result is TestResult.NEXT and step.test is not None:
        await tap.answer()
        await tap.edit(requester_screens.test_question(step.test, step.position))
        return
    if step.result in (TestResult.PASSED, TestResult.FAILED):
        await tap.answer()
        await tap.edit(Screen(_step_text(step)))
        return
    await tap.answer(_step_text(step), alert=True)
