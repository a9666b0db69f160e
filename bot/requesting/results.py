"""Result enums of the requester's tools (texts turn them into sentences)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.domain import HitKind, QuestionKind


class ManageResult(Enum):
    """Pausing, resuming or cancelling a HIT or a batch."""

    OK = "ok"
    NOT_FOUND = "not_found"
    NOT_NOW = "not_now"


class BonusResult(Enum):
    OK = "ok"
    UNKNOWN_WORKER = "unknown_worker"
    NOT_YOURS = "not_yours"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    DUPLICATE = "duplicate"


class BlockResult(Enum):
    OK = "ok"
    ALREADY = "already"
    UNKNOWN_WORKER = "unknown_worker"


class TestResult(Enum):
    """A worker's step through a qualification test."""

    NEXT = "next"
    PASSED = "passed"
    FAILED = "failed"
    NOT_FOUND = "not_found"
    ALREADY_TAKEN = "already_taken"
    OWN_TEST = "own_test"
    STALE = "stale"
    TIME_UP = "time_up"  # the test's time limit passed (MTurk's TestDurationInSeconds)
    RETRY_LATER = "retry_later"  # not granted; another attempt once its retry delay passed


class DraftResult(Enum):
    """Changing a draft's terms before publishing."""

    OK = "ok"
    NOT_FOUND = "not_found"  # not this requester's, or discarded
    PUBLISHED = "published"  # too late: it is live


@dataclass(frozen=True, slots=True)
class Waiting:
    """What Approve all would approve: how many submissions, their rewards and the
    marketplace's fees on them (cents), all held in escrow until then."""

    count: int
    reward_cents: int
    fee_cents: int


@dataclass(frozen=True, slots=True)
class OptionCounts:
    """How often each option (or rating) was picked for one question."""

    prompt: str
    kind: QuestionKind
    counts: tuple[tuple[str, int], ...]
    answered: int


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One tagged item: the label most answers picked, and how many picked it.

    `total` counts answers (one per assignment that counts); an answer may pick several
    labels, so `counts` (per label) can add up to more than `total`.
    """

    hit_id: int
    item: str
    gold: str | None
    majority: str | None
    votes: int
    total: int
    counts: tuple[tuple[str, int], ...]

    @property
    def agreement_percent(self) -> int:
        return round(100 * self.votes / self.total) if self.total else 0

    @property
    def top(self) -> tuple[str, ...]:
        """The labels picked most often (several on a tie; one answer's picks); () if none."""
        if not self.total or not self.votes:
            return ()
        return tuple(label for label, n in self.counts if n == self.votes)


@dataclass(frozen=True, slots=True)
class GoldScore:
    """A worker's answers on gold items of a batch."""

    worker_id: int
    alias: str
    correct: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 100


@dataclass(frozen=True, slots=True)
class ResultsView:
    scope: str  # "h" one HIT, "b" a batch
    target_id: int
    title: str
    kind: HitKind
    assignments: int
    questions: tuple[OptionCounts, ...]
    items: tuple[ItemResult, ...]
    gold: tuple[GoldScore, ...]
