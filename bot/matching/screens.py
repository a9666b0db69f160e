"""Screens of timed offers and the timer concierge."""

from __future__ import annotations

from dataclasses import replace

from bot import callbacks as cb
from bot import texts
from bot.domain import Button, Hit, Screen
from bot.market.marketplace import WorkView
from bot.matching.offers import Dispatch
from bot.work import screens as worker_screens
from bot.work.desk import HitCard


def offer(card: HitCard, time_left: float, reputation: str = "") -> Screen:
    """A timed offer: the push card, the time left in the hold, Accept and Decline."""
    hit = card.hit
    return Screen(
        worker_screens.card_text(card, reputation) + "\n" + texts.offer_hold(time_left),
        (
            (
                Button(texts.BTN_ACCEPT, cb.Accept(hit.id).pack()),
                Button(texts.BTN_DECLINE, cb.Decline(hit.id).pack()),
            ),
        ),
    )


def open_offer(hit: Hit) -> Screen:
    """A lapsed offer when nobody else is in line: the slot is anyone's, Accept stays."""
    return Screen(
        texts.offer_open(hit.title), ((Button(texts.BTN_ACCEPT, cb.Accept(hit.id).pack()),),)
    )


def with_dispatch(screen: Screen, dispatch: Dispatch, hold_s: float) -> Screen:
    """A draft's preview with how it will reach workers."""
    note = texts.dispatch_note(dispatch.mode, hold_s, dispatch.extend_s)
    return replace(screen, text=screen.text + "\n" + note)


def last_reminder(view: WorkView, now: float, extend_s: int | None) -> Screen:
    """The last reminder: back to the task, return without penalty, "+N" if still unused."""
    a = view.assignment
    rows: list[tuple[Button, ...]] = [
        (Button(texts.BTN_OPEN_TASK, cb.OpenTask(a.id).pack()),),
        (Button(texts.BTN_RETURN_FREE, cb.ReturnFree(a.id).pack()),),
    ]
    if extend_s:
        label = texts.BTN_EXTEND.format(time=texts.duration(extend_s))
        rows.append((Button(label, cb.Extend(a.id).pack()),))
    return Screen(texts.last_reminder(view.hit.title, a.deadline_at - now, extend_s), tuple(rows))


def extended(view: WorkView, time_left: float) -> Screen:
    """The last reminder after "+N": the new time left and the way back to the task."""
    return Screen(
        texts.extended(view.hit.title, time_left),
        ((Button(texts.BTN_OPEN_TASK, cb.OpenTask(view.assignment.id).pack()),),),
    )
