"""What matching answers: result enums and views that texts turn into sentences."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.domain import Hit, MatchPrefs, PushRecord, Requirement, WorkerStats


class RequireResult(Enum):
    """Outcome of adding a requirement to a draft HIT."""

    OK = "ok"
    NOT_FOUND = "not_found"
    NOT_DRAFT = "not_draft"
    UNKNOWN_QUALIFICATION = "unknown_qualification"


class GrantResult(Enum):
    OK = "ok"
    UNCHANGED = "unchanged"
    UNKNOWN_WORKER = "unknown_worker"
    REVOKED = "revoked"
    NOT_HELD = "not_held"
    UNKNOWN_QUALIFICATION = "unknown_qualification"  # a number that is not theirs


@dataclass(frozen=True, slots=True)
class WhyView:
    """Everything `/why` says about one push."""

    hit: Hit
    push: PushRecord
    prefs: MatchPrefs
    requirements: list[tuple[Requirement, bool]]
    stats: WorkerStats
    now: float
    offered: bool = False  # dispatched as timed offers (offers.py), not waves of pushes
