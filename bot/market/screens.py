"""Screens: text plus buttons for each thing gigbot shows, built from domain views."""

from __future__ import annotations

from bot import callbacks as cb
from bot import texts
from bot.domain import Button, Screen
from bot.fit import clip, fit_pairs
from bot.market.marketplace import WorkView, answer_label
from bot.work import screens as worker_screens

# Units of answers on a review card: with the title and the lines around them it stays
# under Telegram's 4096 whatever the worker typed; Full answers sends the rest as a file.
REVIEW_ANSWERS = 3000
REVIEW_TITLE = 300


def _answers(view: WorkView) -> list[tuple[str, str]]:
    return [
        (q.prompt, answer_label(q, view.answers[q.id]))
        for q in view.questions
        if q.id in view.answers
    ]


def work(view: WorkView, now: float) -> Screen:
    """The assignment's one message: the current question, or the summary with Submit."""
    return worker_screens.work(view, now)  # every question kind is drawn there


def submitted(view: WorkView) -> Screen:
    return Screen(texts.submitted(view.hit.title, view.hit.reward_cents))


def review(view: WorkView, alias: str, waiting: int) -> Screen:
    """One submitted assignment with Approve / Reject; long answers are shortened, with
    Full answers to get them all."""
    a = view.assignment
    seconds = (a.submitted_at or a.accepted_at) - a.accepted_at
    answers, cut = fit_pairs(_answers(view), REVIEW_ANSWERS)
    title = clip(view.hit.title, REVIEW_TITLE)
    text = texts.review_card(title, (view.hit.id, a.id), alias, answers, waiting, seconds)
    rows: tuple[tuple[Button, ...], ...] = (
        (
            Button(texts.BTN_APPROVE, cb.Approve(a.id).pack()),
            Button(texts.BTN_REJECT, cb.Reject(a.id).pack()),
        ),
    )
    if cut:
        text += "\n" + texts.ANSWERS_SHORTENED
        rows += ((Button(texts.BTN_FULL_ANSWERS, cb.FullAnswers(a.id).pack()),),)
    return Screen(text, rows)


def full_answers(view: WorkView, alias: str) -> tuple[str, bytes]:
    """An assignment's answers in full, as a .txt file: (file name, content)."""
    a = view.assignment
    content = texts.full_answers_file(view.hit.title, (view.hit.id, a.id), alias, _answers(view))
    return f"answers-{view.hit.id}-{a.id}.txt", content.encode("utf-8")


def reminder(view: WorkView, now: float) -> Screen:
    """A deadline reminder with the time left and a button back to the task."""
    a = view.assignment
    return Screen(
        texts.reminder(view.hit.title, a.deadline_at - now),
        ((Button(texts.BTN_OPEN_TASK, cb.OpenTask(a.id).pack()),),),
    )
