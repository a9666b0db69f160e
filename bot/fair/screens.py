"""Screens of fair work: rating buttons, dispute cards, relayed messages, /free lists."""

from __future__ import annotations

from bot import callbacks as cb
from bot.domain import Button, ListedHit, Screen
from bot.fair import texts as fair_texts
from bot.fair.disputes import DisputeView
from bot.fair.relay import RelayedMessage
from bot.fit import clip, fit_pairs
from bot.i18n import Translator
from bot.market import texts as market_texts

RATING_KEYS = (("p", "pay"), ("f", "fairness"), ("c", "communication"))


def verdict_rows(
    t: Translator, assignment_id: int, rejected: bool
) -> tuple[tuple[Button, ...], ...]:
    """Buttons under an approval or rejection notice: dispute (rejected), rate, message."""
    first: tuple[Button, ...] = (
        (Button(t(fair_texts.BTN_DISPUTE), cb.Dispute(assignment_id).pack()),) if rejected else ()
    )
    return (
        (*first, Button(t(fair_texts.BTN_RATE), cb.RateOpen(assignment_id).pack())),
        (Button(t(fair_texts.BTN_MESSAGE_REQUESTER), cb.Relay(assignment_id).pack()),),
    )


def rating(t: Translator, assignment_id: int, title: str, given: dict[str, int]) -> Screen:
    """Three rows of 1–5, the chosen star marked ✓."""
    rows = []
    for key, name in RATING_KEYS:
        chosen = given.get(name)
        rows.append(
            (Button(fair_texts.RATING_NAMES[key], cb.Rate(assignment_id, key, 0).pack()),)
            + tuple(
                Button(
                    f"{'✓' if chosen == stars else ''}{stars}",
                    cb.Rate(assignment_id, key, stars).pack(),
                )
                for stars in range(1, 6)
            )
        )
    return Screen(fair_texts.rating_prompt(t, title, given), tuple(rows))


# UTF-16 units of a dispute card's parts: together under Telegram's 4096 whatever was
# typed; Full answers sends all the answers as a file.
DISPUTE_TITLE = 200
DISPUTE_TEXT = 600  # the worker's message, the requester's reason (each)
DISPUTE_ANSWERS = 1500


def dispute(t: Translator, view: DisputeView, due: str) -> Screen:
    """The dispute as the requester gets it, with Reverse / Uphold (and Full answers when
    the answers are shortened)."""
    d = view.dispute
    said = [(market_texts.question_prompt(t, q), answer) for q, answer in view.answers]
    answers, cut = fit_pairs(said, DISPUTE_ANSWERS)
    text = fair_texts.dispute_for_requester(
        t,
        clip(view.title, DISPUTE_TITLE),
        view.alias,
        clip(d.message, DISPUTE_TEXT),
        answers,
        clip(view.reject_reason, DISPUTE_TEXT),
        due,
    )
    rows: tuple[tuple[Button, ...], ...] = (
        (Button(t(fair_texts.BTN_REVERSE), cb.Reverse(d.id).pack()),),
        (Button(t(fair_texts.BTN_UPHOLD), cb.Uphold(d.id).pack()),),
    )
    if cut:
        text += "\n" + t(market_texts.ANSWERS_SHORTENED)
        rows += (
            (Button(t(market_texts.BTN_FULL_ANSWERS), cb.FullAnswers(d.assignment_id).pack()),),
        )
    return Screen(text, rows)


def dispute_settled(t: Translator, view: DisputeView) -> Screen:
    """The requester's dispute card once settled: who, what, and how it ended; no buttons."""
    d = view.dispute
    return Screen(
        fair_texts.dispute_settled(t, clip(view.title, DISPUTE_TITLE), view.alias, d.status)
    )


def relayed(t: Translator, message: RelayedMessage) -> Screen:
    return Screen(
        fair_texts.relayed(t, message.sender, message.from_worker, message.title, message.body),
        ((Button(t(fair_texts.BTN_REPLY), cb.RelayReply(message.id).pack()),),),
    )


def free(t: Translator, window_s: int, found: list[ListedHit]) -> Screen:
    """HITs that fit the window (a batch once), each with its Accept button."""
    return Screen(
        fair_texts.free_list(t, window_s, found),
        tuple(
            (
                Button(
                    fair_texts.btn_accept_numbered(t, n, item.hit.reward_cents),
                    cb.Accept(item.hit.id).pack(),
                ),
            )
            for n, item in enumerate(found, start=1)
        ),
    )
