"""Result enums of the requester's tools (texts turn them into sentences)."""

from __future__ import annotations

from enum import Enum


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


class DraftResult(Enum):
    """Changing a draft's terms before publishing."""

    OK = "ok"
    NOT_FOUND = "not_found"  # not this requester's, or discarded
    PUBLISHED = "published"  # too late: it is live
