"""How hourly rates and counts read, and the few sentences every feature says. The kernel
of the texts: each feature's texts.py builds on it and on the user's Translator (bot/i18n.py:
money, numbers, durations, plural forms per language). HTML parse mode."""

from __future__ import annotations

import json
from html import escape

from bot.domain import Estimate, EstimateSource
from bot.i18n import EN, N_, Translator

__all__ = ["EN", "N_", "Translator"]  # texts modules take them from here with the helpers


def money(cents: int) -> str:
    """English money, for what stays English (logs, CSV, admin): 5 -> "$0.05"."""
    return EN.money(cents)


def duration(seconds: float) -> str:
    """An English duration, for what stays English: 90 -> "1m 30s"."""
    return EN.duration(seconds)


def plural(count: int, one: str, many: str | None = None) -> str:
    """An English count, for what stays English (admin tools): (1, "item") -> "1 item",
    (3, "item") -> "3 items"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def rate(t: Translator, reward_cents: int, e: Estimate) -> str:
    """The hourly rate of an estimate, marked as what it is: "≈$9.00/h", or "≥$1.50/h"
    when only the time allotted is known (the least it pays)."""
    mark = "≥" if e.source is EstimateSource.ALLOTTED else "≈"
    return mark + t.hourly(reward_cents, e.seconds)


RATE_LEGEND = N_(
    "≈/h: from the median time of finished work (5 or more), else the requester's "
    "estimate; ≥/h: only the time allotted is known."
)


# -- a parser's problem, shown with the right form -------------------------------------------------


_COMPARED = {"ge": "≥ {}", "gt": "> {}", "le": "≤ {}", "lt": "< {}", "eq": "= {}", "ne": "≠ {}"}


def compared(t: Translator, comparator: str, value: str) -> str:
    """How a requirement's comparison reads (MTurk's comparators): ("lt", "3") -> "< 3",
    ("in", '[1, 2]') -> "one of 1, 2", ("", "95") -> "≥ 95"."""
    if comparator in ("in", "not_in"):
        try:
            listed = ", ".join(str(v) for v in json.loads(value))
        except ValueError:
            listed = value
        if comparator == "in":
            return t("one of {values}", values=listed)
        return t("none of {values}", values=listed)
    return _COMPARED.get(comparator or "ge", "≥ {}").format(value)


def sentence(problem: str) -> str:
    """A parser's problem as the start of a sentence: "the reward is missing" -> "The …"."""
    return problem[:1].upper() + problem[1:]


def try_again(t: Translator, problem: str, form: str) -> str:
    """The problem (said already in the user's language), escaped, then the form that
    works: "⚠️ The reward is missing.\n<form>"."""
    return t("⚠️ {problem}.\n{form}", problem=escape(sentence(problem)), form=form)


# -- said by every feature: the handlers' gates, the tick on a chosen button -----------------------

NOT_REGISTERED = N_("Please send /start first.")
STALE_BUTTON = N_("This button is out of date. Send /help to start again.")
SOMETHING_WRONG = N_("Sorry, something went wrong. Please try again.")
UNKNOWN_COMMAND = N_("I don't know that command. /help")
TICK = "✓ "  # before a chosen option on a button
