"""What use-cases answer: result enums that texts turn into sentences."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.domain import Assignment
from bot.market.views import WorkView


class PublishResult(Enum):
    OK = "ok"
    NOT_FOUND = "not_found"
    ALREADY = "already"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    UNDER_FLOOR = "under_floor"


class AcceptResult(Enum):
    OK = "ok"
    ALREADY_YOURS = "already_yours"
    FULL = "full"
    NOT_OPEN = "not_open"
    NOT_FOUND = "not_found"
    TOO_MANY_ACTIVE = "too_many_active"
    OWN_HIT = "own_hit"
    NOT_REGISTERED = "not_registered"
    NOT_QUALIFIED = "not_qualified"
    HELD = "held"  # timed offers: the free slots are held for other workers


class WorkResult(Enum):
    """Outcome of answering, going back, submitting or returning."""

    OK = "ok"
    NOT_YOURS = "not_yours"
    NOT_ACTIVE = "not_active"
    INCOMPLETE = "incomplete"
    BAD_ANSWER = "bad_answer"
    STALE = "stale"
    TOO_LONG = "too_long"
    NOTHING_PICKED = "nothing_picked"


class RetagResult(Enum):
    """Outcome of changing the label of a batch item just handed in (Undo)."""

    OK = "ok"
    KEPT = "kept"  # the label it has: nothing to change
    NOT_YOURS = "not_yours"
    REVIEWED = "reviewed"  # approved or rejected already: the label stands
    BAD_ANSWER = "bad_answer"


class ReviewResult(Enum):
    OK = "ok"
    NOT_YOURS = "not_yours"
    ALREADY_REVIEWED = "already_reviewed"
    NOT_SUBMITTED = "not_submitted"
    REASON_REQUIRED = "reason_required"
    INSUFFICIENT_FUNDS = "insufficient_funds"  # overriding a rejection pays from the balance
    TOO_LATE = "too_late"  # a rejection older than OVERRIDE_WINDOW_S stays


class FundResult(Enum):
    OK = "ok"
    DUPLICATE = "duplicate"
    UNKNOWN_USER = "unknown_user"


class HitControlResult(Enum):
    """Outcome of pausing or resuming a HIT."""

    OK = "ok"
    NOT_FOUND = "not_found"
    WRONG_STATE = "wrong_state"  # pause: not open; resume: not paused


@dataclass(frozen=True, slots=True)
class AcceptOutcome:
    result: AcceptResult
    assignment: Assignment | None = None
    view: WorkView | None = None  # OK: the task as accepted, to show at once


class ChangeResult(Enum):
    """Outcome of changing a published HIT: more assignments, a new expiry, disposal."""

    OK = "ok"
    NOT_FOUND = "not_found"
    NOT_OPEN = "not_open"
    BUSY = "busy"
    INSUFFICIENT_FUNDS = "insufficient_funds"


class DeclineResult(Enum):
    """Outcome of declining a timed offer."""

    OK = "ok"  # passed on to the next worker in line
    NOBODY_NEXT = "nobody_next"  # nobody else in line: the slot is anyone's now
    NOT_HELD = "not_held"  # accepted, declined or run out already


class ExtendResult(Enum):
    """Outcome of "+N minutes" on an assignment's last reminder."""

    OK = "ok"
    ALREADY_USED = "already_used"
    NOT_ALLOWED = "not_allowed"
    NOT_ACTIVE = "not_active"
    NOT_YOURS = "not_yours"


@dataclass(frozen=True, slots=True)
class FloorCheck:
    """A HIT's pay against the floor: time counted, the rate it pays, the reward needed."""

    seconds: int
    hourly_cents: int
    needed_cents: int
    floor_cents: int

    @property
    def under(self) -> bool:
        return self.floor_cents > 0 and self.hourly_cents < self.floor_cents


@dataclass(frozen=True, slots=True)
class MarketStats:
    """What an operator wants to see; money in cents, `recent` = the last 24 h."""

    users: int
    requesters: int  # every user can work; requesters are counted apart
    joined_recent: int
    unreachable: int  # blocked the bot: no pushes go to them
    hits: dict[str, int]  # by status, drafts included
    assignments: dict[str, int]  # by status
    submitted_recent: int
    funded_cents: int
    escrow_cents: int
    requesters_hold_cents: int
    workers_hold_cents: int
    paid_cents: int  # approved work (reversed disputes included)
    paid_recent_cents: int
    bonus_cents: int
    bonus_recent_cents: int
    outbox_waiting: int  # pending or being sent, due or scheduled for later
    outbox_oldest_s: float | None  # how long the oldest of those has waited
    outbox_failed: int
    disputes_open: int
    # money in and out (#23): deposits paid in Telegram, net of Star refunds; withdrawals
    # paid out and still waiting; the marketplace's fees
    deposited_cents: int = 0
    deposited_recent_cents: int = 0
    deposit_refunds_cents: int = 0
    paid_out_cents: int = 0
    paid_out_recent_cents: int = 0
    payouts_waiting_cents: int = 0
    fees_cents: int = 0
    fees_recent_cents: int = 0

    @property
    def workers(self) -> int:
        """Users who are not requesters."""
        return self.users - self.requesters
