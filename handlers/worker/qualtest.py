"""/qualtest: a worker takes a requester's qualification test, answering inline; passing
grants the qualification."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot import callbacks as cb
from bot.domain import Screen
from bot.i18n import Translator
from bot.parsing import whole_number
from bot.requesting import screens as requester_screens
from bot.requesting import texts as requesting_texts
from bot.requesting.qualify import (
    TestStep,
)
from bot.requesting.results import TestResult
from handlers.buttons import Tap, button
from handlers.common import GigContext, reply, sender_of


def _step_text(t: Translator, step: TestStep) -> str:
    test = step.test
    text = t(requesting_texts.TEST_TEXTS[step.result]).format(
        name=escape(test.name) if test else "",  # only in PASSED, shown as HTML
        score=step.score_percent,
        need=test.pass_percent if test else 0,
        time=t.duration(step.seconds or 0),  # TIME_UP, RETRY_LATER
    )
    if step.result is TestResult.TIME_UP and step.retry_in is not None:
        text += "\n" + t(requesting_texts.TEST_RETRY, time=t.duration(step.retry_in))
    return text


async def take_test(update: Update, context: GigContext) -> None:
    """`/qualtest 3`: show the first unanswered question of the test."""
    worker = await sender_of(update, context)
    number = whole_number((context.args or [""])[0])
    if number is None:
        await reply(update, Screen(context.t(requesting_texts.QUALTEST_USAGE)))
        return
    step = await context.requesting.qualify.start(worker, number)
    if step.result is TestResult.NEXT and step.test is not None:
        screen = requester_screens.test_question(context.t, step.test, step.position, step.seconds)
        await reply(update, screen)
        return
    await reply(update, Screen(_step_text(context.t, step)))


@button(cb.QualAnswer)
async def answer_test(tap: Tap[cb.QualAnswer], context: GigContext) -> None:
    """Record the answer; show the next question or the verdict."""
    data = tap.data
    step = await context.requesting.qualify.answer(
        tap.user, data.qualification_id, data.position, data.option
    )
    if step.result is TestResult.NEXT and step.test is not None:
        await tap.answer()
        await tap.edit(
            requester_screens.test_question(context.t, step.test, step.position, step.seconds)
        )
        return
    if step.result in (TestResult.PASSED, TestResult.FAILED, TestResult.TIME_UP):
        await tap.answer()
        await tap.edit(Screen(_step_text(context.t, step)))
        return
    await tap.answer(_step_text(context.t, step), alert=True)
