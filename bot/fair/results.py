"""What the fair-work use-cases answer: result enums and the views texts turn into sentences."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.market.results import FloorCheck


class DisputeResult(Enum):
    OK = "ok"
    NOT_YOURS = "not_yours"
    NOT_REJECTED = "not_rejected"
    TOO_LATE = "too_late"
    ALREADY = "already"
    EMPTY = "empty"
    CLOSED = "closed"


class RelayResult(Enum):
    OK = "ok"
    NOT_YOURS = "not_yours"
    UNKNOWN = "unknown"
    EMPTY = "empty"
    TOO_MANY = "too_many"
    NOBODY = "nobody"  # the requester's HIT: no worker has taken it yet
    SEVERAL = "several"  # the requester's HIT: several workers took it, choose one by alias


class RaiseResult(Enum):
    OK = "ok"
    STILL_UNDER = "still_under"
    NOT_FOUND = "not_found"
    NOT_HIGHER = "not_higher"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    IN_BATCH = "in_batch"  # the HIT is an item of a batch: its items are raised together


@dataclass(frozen=True, slots=True)
class Raised:
    """What /raise did: the result, the new reward against the floor, and for a batch (or
    a HIT that is an item of one) the batch and how many of its items were raised."""

    result: RaiseResult
    check: FloorCheck | None = None
    batch_id: int | None = None
    items: int = 0


@dataclass(frozen=True, slots=True)
class Reputation:
    """A requester's record as workers see it; None where there is nothing to measure yet."""

    requester_id: int
    name: str
    hourly_cents: int | None
    approved_percent: int | None
    reviewed: int
    median_review_s: float | None
    disputes_lost: int
    disputes_upheld: int
    disputes_open: int
    ratings: int
    pay: float | None
    fairness: float | None
    communication: float | None
