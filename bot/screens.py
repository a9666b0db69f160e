"""Screens: text plus buttons for each thing gigbot shows, built from domain views."""

from __future__ import annotations

from bot import callbacks as cb
from bot import texts
from bot.domain import Button, Hit, QuestionKind, Screen
from bot.marketplace import WorkView, answer_label


def push(hit: Hit, requester_alias: str, reputation: str = "") -> Screen:
    """The card a worker gets for a new HIT (with the requester's one-line reputation)."""
    return Screen(
        texts.push_card(hit, requester_alias, reputation),
        (
            (
                Button(texts.BTN_ACCEPT, cb.Accept(hit.id).pack()),
                Button(texts.BTN_SKIP, cb.Skip(hit.id).pack()),
            ),
        ),
    )


def preview(hit: Hit, options: tuple[str, ...]) -> Screen:
    """The requester's draft with Publish / Cancel."""
    return Screen(
        texts.hit_preview(hit, options),
        (
            (
                Button(texts.BTN_PUBLISH, cb.Publish(hit.id).pack()),
                Button(texts.BTN_CANCEL, cb.Discard(hit.id).pack()),
            ),
        ),
    )


def _answers(view: WorkView) -> list[tuple[str, str]]:
    return [
        (q.prompt, answer_label(q, view.answers[q.id]))
        for q in view.questions
        if q.id in view.answers
    ]


def work(view: WorkView, now: float) -> Screen:
    """The assignment's one message: the current question, or the summary with Submit."""
    a = view.assignment
    time_left = a.deadline_at - now
    nav = [Button(texts.BTN_BACK, cb.Back(a.id).pack())] if a.position > 0 else []
    nav.append(Button(texts.BTN_RETURN, cb.Return(a.id).pack()))
    question = view.current
    if question is None:
        return Screen(
            texts.work_summary(view.hit.title, _answers(view), time_left),
            ((Button(texts.BTN_SUBMIT, cb.Submit(a.id).pack()),), tuple(nav)),
        )
    labels = (
        tuple(str(n) for n in range(1, 6))
        if question.kind is QuestionKind.RATING
        else question.options
    )
    # A rating's stored value is the stars ("1".."5"), a choice's is the option index.
    first = 1 if question.kind is QuestionKind.RATING else 0
    choices = tuple(
        (Button(label, cb.Choose(a.id, a.position, index).pack()),)
        for index, label in enumerate(labels, start=first)
    )
    text = texts.work_question(
        view.hit.title, a.position + 1, len(view.questions), question.prompt, time_left
    )
    return Screen(text, (*choices, tuple(nav)))


def submitted(view: WorkView) -> Screen:
    return Screen(texts.submitted(view.hit.title, view.hit.reward_cents))


def review(view: WorkView, alias: str, waiting: int) -> Screen:
    """One submitted assignment with Approve / Reject."""
    a = view.assignment
    seconds = (a.submitted_at or a.accepted_at) - a.accepted_at
    return Screen(
        texts.review_card(view.hit.title, alias, _answers(view), waiting, seconds),
        (
            (
                Button(texts.BTN_APPROVE, cb.Approve(a.id).pack()),
                Button(texts.BTN_REJECT, cb.Reject(a.id).pack()),
            ),
        ),
    )


def reminder(view: WorkView, now: float) -> Screen:
    """A deadline reminder with the time left and a button back to the task."""
    a = view.assignment
    return Screen(
        texts.reminder(view.hit.title, a.deadline_at - now),
        ((Button(texts.BTN_OPEN_TASK, cb.OpenTask(a.id).pack()),),),
    )
