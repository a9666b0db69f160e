"""What the worker's desk answers: result enums that texts turn into words."""

from __future__ import annotations

from enum import Enum


class LinkResult(Enum):
    """What a deep link (or an Open button) finds."""

    OK = "ok"
    UNKNOWN = "unknown"
    FULL = "full"
    HELD = "held"  # every free slot is held for another worker (timed offers)
    EXPIRED = "expired"
    YOURS = "yours"  # the worker holds an active assignment on it
    DONE = "done"  # the worker did it before
    OWN = "own"
    UNAVAILABLE = "unavailable"  # e.g. blocked by the requester, or not qualified
    BATCH_DONE = "batch_done"


class Period(Enum):
    """A span of /earnings, counted in the worker's time zone."""

    TODAY = "today"
    WEEK = "week"  # today and the 6 days before
    ALL = "all"
