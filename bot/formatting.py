"""How money, durations, hourly rates and counts read, and the few sentences every feature
says. The kernel of the texts: each feature's texts.py builds on it. HTML parse mode."""

from __future__ import annotations

import json
from html import escape

from bot.domain import Estimate, EstimateSource


def money(cents: int) -> str:
    """5 -> "$0.05", 1234 -> "$12.34", -50 -> "-$0.50"."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}${cents // 100}.{cents % 100:02d}"


def duration(seconds: float) -> str:
    """90 -> "1m 30s", 3600 -> "1h", 45 -> "45s", 93784 -> "1d 2h"."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    shown = [f"{n}{unit}" for n, unit in parts if n][:2]
    return " ".join(shown) or "0s"


def plural(count: int, one: str, many: str | None = None) -> str:
    """A count with its noun: (1, "item") -> "1 item", (3, "item") -> "3 items",
    (2, "match", "matches") -> "2 matches"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def hourly(reward_cents: int, seconds: float) -> str:
    """Reward for `seconds` of work as an hourly rate: (5, 60) -> "$3.00/h"."""
    if seconds <= 0:
        return "—"
    return money(round(reward_cents * 3600 / seconds)) + "/h"


def rate(reward_cents: int, e: Estimate) -> str:
    """The hourly rate of an estimate, marked as what it is: "≈$9.00/h", or "≥$1.50/h"
    when only the time allotted is known (the least it pays)."""
    mark = "≥" if e.source is EstimateSource.ALLOTTED else "≈"
    return mark + hourly(reward_cents, e.seconds)


RATE_LEGEND = (
    "≈/h: from the median time of finished work (5 or more), else the requester's "
    "estimate; ≥/h: only the time allotted is known."
)


# -- a parser's problem, shown with the right form -------------------------------------------------


_COMPARED = {
    "ge": "≥ {}", "gt": "> {}", "le": "≤ {}", "lt": "< {}", "eq": "= {}", "ne": "≠ {}",
    "in": "one of {}", "not_in": "none of {}",
}  # fmt: skip


def compared(comparator: str, value: str) -> str:
    """How a requirement's comparison reads (MTurk's comparators): ("lt", "3") -> "< 3",
    ("in", '[1, 2]') -> "one of 1, 2", ("", "95") -> "≥ 95"."""
    if comparator in ("in", "not_in"):
        try:
            listed = ", ".join(str(v) for v in json.loads(value))
        except ValueError:
            listed = value
        return _COMPARED[comparator].format(listed)
    return _COMPARED.get(comparator or "ge", "≥ {}").format(value)


def sentence(problem: str) -> str:
    """A parser's problem as the start of a sentence: "the reward is missing" -> "The …"."""
    return problem[:1].upper() + problem[1:]


def try_again(problem: str, form: str) -> str:
    """The problem, escaped, then the form that works: "⚠️ The reward is missing.\n<form>"."""
    return f"⚠️ {escape(sentence(problem))}.\n{form}"


# -- said by every feature: the handlers' gates, the tick on a chosen button -----------------------

NOT_REGISTERED = "Please send /start first."
STALE_BUTTON = "This button is out of date. Send /help to start again."
SOMETHING_WRONG = "Sorry, something went wrong. Please try again."
UNKNOWN_COMMAND = "I don't know that command. /help"
TICK = "✓ "  # before a chosen option on a button
