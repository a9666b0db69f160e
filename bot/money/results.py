"""What money's use-cases answer: result enums and small records that texts turn into words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

STARS = "XTR"  # Telegram Stars' currency code


class CheckResult(Enum):
    """A pre-checkout query: take the payment, or why not."""

    OK = "ok"
    UNKNOWN_USER = "unknown_user"
    OUT_OF_RANGE = "out_of_range"
    SHUTTING_DOWN = "shutting_down"
    NOT_THIS_INVOICE = "not_this_invoice"  # forged or stale payload, wrong amount or currency


class CreditResult(Enum):
    CREDITED = "credited"
    DUPLICATE = "duplicate"  # this charge was credited before (a redelivered update)
    UNKNOWN_USER = "unknown_user"


class RefundResult(Enum):
    OK = "ok"  # debited now (or still under way): ask Telegram to refund it
    NOT_FOUND = "not_found"
    ALREADY = "already"
    TOO_LATE = "too_late"
    SPENT = "spent"  # the balance no longer holds it
    NOT_STARS = "not_stars"  # fiat: the payment provider refunds, not the bot


class AddressResult(Enum):
    OK = "ok"
    BAD_EMAIL = "bad_email"
    BAD_PHONE = "bad_phone"
    UNKNOWN_METHOD = "unknown_method"


class WithdrawResult(Enum):
    OK = "ok"
    ALREADY = "already"  # this screen's request was made before (a double tap)
    NO_ADDRESS = "no_address"
    BELOW_MINIMUM = "below_minimum"
    NOT_ENOUGH = "not_enough"


class PayoutResult(Enum):
    OK = "ok"
    NOT_FOUND = "not_found"
    ALREADY = "already"  # paid or rejected before
    NOTHING = "nothing"  # no pending request to export


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice to send: Telegram shows title, description and the price on Pay."""

    payload: str  # "dep:<tg_id>:<cents>" (what pre-checkout checks)
    currency: str  # XTR or the fiat currency
    amount: int  # Stars, or the fiat currency's cents
    cents: int  # what the balance gets


@dataclass(frozen=True, slots=True)
class DepositView:
    """/deposit: the amounts offered and what a Star is worth."""

    amounts: tuple[int, ...]  # cents
    star_cents: int
    fiat: str | None  # the fiat currency, if a provider is set up
    min_cents: int
    max_cents: int


@dataclass(frozen=True, slots=True)
class RefundOffer:
    """A deposit that can still be refunded (unused, Stars, inside the window)."""

    deposit_id: int
    charge_id: str
    cents: int
    stars: int
    paid_at: float
    until: float


class DepositState(Enum):
    """Where a payment stands, as /paysupport lists it."""

    REFUNDABLE = "refundable"  # unused, Stars, inside the window
    REFUNDING = "refunding"  # debited, Telegram's answer still awaited
    REFUNDED = "refunded"
    CARD = "card"  # a provider's payment: the operator refunds it
    KEPT = "kept"  # spent, held in escrow, or past the window


@dataclass(frozen=True, slots=True)
class DepositLine:
    """One of a user's payments, for /paysupport."""

    cents: int
    stars: int
    age_s: float
    state: DepositState
    refundable_for_s: float  # how long a REFUNDABLE one still can be


@dataclass(frozen=True, slots=True)
class Refund:
    """A refund under way: what to ask Telegram (refundStarPayment) and what it gives back."""

    tg_id: int
    charge_id: str
    cents: int
    stars: int
    attempt: int


@dataclass(frozen=True, slots=True)
class WithdrawView:
    """/withdraw: what can leave, where it goes, and the minimum."""

    available_cents: int
    min_cents: int
    method: str | None
    address: str | None
    pending_cents: int  # requested and not yet paid


@dataclass(frozen=True, slots=True)
class PayoutLine:
    """One pending request as the operator sees it."""

    payout_id: int
    alias: str
    cents: int
    method: str
    address: str
    requested_at: float
    batch_id: int | None


@dataclass(frozen=True, slots=True)
class PayoutsView:
    """/payouts: pending requests, their total, and the open batch (exported, unpaid)."""

    lines: tuple[PayoutLine, ...]
    total_cents: int
    open_batch: int | None
    currency: str


@dataclass(frozen=True, slots=True)
class Export:
    """A batch exported as PayPal's bulk-payout CSV."""

    batch_id: int
    filename: str
    content: bytes
    count: int
    total_cents: int
