"""What matching answers: the views texts turn into sentences."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Hit, MatchPrefs, PushRecord, Requirement, WorkerStats


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
