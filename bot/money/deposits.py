"""Deposits paid in Telegram: invoices, the pre-checkout check, the credit (exactly once per
telegram_payment_charge_id) and Star refunds within a window. No Telegram here: handlers
send the invoice, answer the query and call refundStarPayment with what this returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Unpack

from bot.clock import Clock
from bot.domain import Priority, User
from bot.money.results import (
    STARS,
    CheckResult,
    CreditResult,
    DepositLine,
    DepositState,
    DepositView,
    Invoice,
    Refund,
    RefundOffer,
    RefundResult,
)
from storage import ledger, money, outbox, users
from storage.db import Database, retrying
from storage.usecases import Hooks, UseCases

DAY_S = 86_400
HISTORY_DAYS = 30  # how far back /paysupport lists payments
HISTORY_SHOWN = 5


@dataclass(frozen=True, slots=True)
class DepositTerms:
    """What the operator set: a Star's worth, a fiat provider, amounts, limits, window."""

    star_cents: int = 1
    fiat: str | None = None  # the fiat currency when a provider token is set
    amounts: tuple[int, ...] = (500, 2000, 5000)
    min_cents: int = 100
    max_cents: int = 100_000
    refund_days: float = 7.0


def parse_payload(payload: str) -> tuple[int, int] | None:
    """An invoice payload's (tg_id, cents), or None if it is not one of ours.

    >>> parse_payload("dep:12345:500")
    (12345, 500)
    >>> parse_payload("dep:12345:five") is None
    True
    """
    parts = payload.split(":")
    if len(parts) != 3 or parts[0] != "dep" or not all(p.isdigit() for p in parts[1:]):
        return None
    return int(parts[1]), int(parts[2])


class Deposits(UseCases):
    """Money in through Telegram payments, on one database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        terms: DepositTerms,
        *,
        closing: Callable[[], bool] = lambda: False,
        **hooks: Unpack[Hooks],
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.terms = terms
        self.closing = closing  # the operator is winding down: no new deposits

    def view(self) -> DepositView:
        """What /deposit offers."""
        t = self.terms
        amounts = tuple(c for c in t.amounts if t.min_cents <= c <= t.max_cents) or (t.min_cents,)
        return DepositView(amounts, t.star_cents, t.fiat, t.min_cents, t.max_cents)

    def stars_for(self, cents: int) -> int:
        """Stars to pay for at least `cents` (a Star is worth star_cents)."""
        return -(-cents // self.terms.star_cents)

    def invoice(self, tg_id: int, cents: int, currency: str = STARS) -> Invoice | None:
        """The invoice for a deposit of `cents` in Stars or the fiat currency; None if the
        amount is out of range or that currency is not offered."""
        t = self.terms
        if not t.min_cents <= cents <= t.max_cents:
            return None
        if currency == STARS:
            stars = self.stars_for(cents)
            credited = stars * t.star_cents
            return Invoice(f"dep:{tg_id}:{credited}", STARS, stars, credited)
        if currency != t.fiat:
            return None
        return Invoice(f"dep:{tg_id}:{cents}", currency, cents, cents)

    def _cents(self, currency: str, total_amount: int) -> int | None:
        """What a payment of `total_amount` in `currency` is worth in cents."""
        if currency == STARS:
            return total_amount * self.terms.star_cents
        if currency == self.terms.fiat:
            return total_amount
        return None

    async def check(
        self, tg_id: int, payload: str, currency: str, total_amount: int
    ) -> CheckResult:
        """Whether to take this payment (answered at pre-checkout, within 10 seconds)."""
        if self.closing():
            return CheckResult.SHUTTING_DOWN
        parsed = parse_payload(payload)
        cents = self._cents(currency, total_amount)
        if parsed is None or cents is None or parsed != (tg_id, cents):
            return CheckResult.NOT_THIS_INVOICE
        if not self.terms.min_cents <= cents <= self.terms.max_cents + self.terms.star_cents:
            return CheckResult.OUT_OF_RANGE
        async with self.db.reading() as conn:
            if await users.by_tg_id(conn, tg_id) is None:
                return CheckResult.UNKNOWN_USER
        return CheckResult.OK

    @retrying
    async def credit(
        self,
        tg_id: int,
        *,
        charge_id: str,
        provider_charge_id: str,
        currency: str,
        total_amount: int,
    ) -> tuple[CreditResult, int]:
        """Credit a successful payment to its payer, once per charge id however often the
        update comes (the row, the ledger entry and the receipt share one transaction)."""
        cents = self._cents(currency, total_amount)
        now = self.clock.now()
        async with self.db.transaction() as conn:
            payer = await users.by_tg_id(conn, tg_id)
            if payer is None or cents is None:
                return CreditResult.UNKNOWN_USER, 0
            if not await money.record_deposit(
                conn,
                charge_id=charge_id,
                provider_charge_id=provider_charge_id,
                user_id=payer.id,
                currency=currency,
                total_amount=total_amount,
                cents=cents,
                now=now,
            ):
                return CreditResult.DUPLICATE, cents
            await ledger.transfer(
                conn,
                f"deposit:{charge_id}",
                ledger.WORLD,
                ledger.requester_account(payer.id),
                cents,
                "deposit",
                now,
            )
            await users.mark_requester(conn, payer.id)
            balance = await ledger.balance(conn, ledger.requester_account(payer.id))
            await outbox.enqueue(
                conn,
                f"deposited:{charge_id}",
                tg_id,
                "deposited",
                Priority.NOTIFICATION,
                {"amount_cents": cents, "balance_cents": balance},
                now,
            )
        self.on_outbox()
        return CreditResult.CREDITED, cents

    async def refundable(self, requester: User) -> list[RefundOffer]:
        """Star deposits still inside the refund window that the balance still holds."""
        now = self.clock.now()
        window = self.terms.refund_days * DAY_S
        async with self.db.reading() as conn:
            found = await money.recent_deposits(conn, requester.id, now - window)
            available = await ledger.balance(conn, ledger.requester_account(requester.id))
        return [
            RefundOffer(d.id, d.charge_id, d.cents, d.total_amount, d.paid_at, d.paid_at + window)
            for d in found
            if d.currency == STARS
            and (d.refund_state == "pending" or (d.refund_state is None and d.cents <= available))
        ]

    async def history(self, requester: User) -> list[DepositLine]:
        """The user's payments of the last HISTORY_DAYS days, newest first, and their state."""
        now = self.clock.now()
        window = self.terms.refund_days * DAY_S
        async with self.db.reading() as conn:
            found = await money.recent_deposits(conn, requester.id, now - HISTORY_DAYS * DAY_S)
        refundable = {offer.deposit_id for offer in await self.refundable(requester)}
        return [
            DepositLine(
                d.cents,
                d.total_amount if d.currency == STARS else 0,
                now - d.paid_at,
                _state(d, refundable),
                max(0.0, d.paid_at + window - now),
            )
            for d in found[:HISTORY_SHOWN]
        ]

    @retrying
    async def start_refund(self, requester: User, deposit_id: int) -> tuple[RefundResult, Refund]:
        """Debit a refund from the balance, once; what to ask Telegram for comes back.

        A refund left under way by a crash (or a failed call) is handed back as it is, so
        asking again finishes it without a second debit."""
        now = self.clock.now()
        nothing = Refund(requester.tg_id, "", 0, 0, 0)
        async with self.db.transaction() as conn:
            found = await money.deposit_by_id(conn, deposit_id)
            if found is None or found.user_id != requester.id:
                return RefundResult.NOT_FOUND, nothing
            charge_id = found.charge_id
            refund = Refund(
                requester.tg_id, charge_id, found.cents, found.total_amount, found.refund_attempt
            )
            if found.refund_state == "done":
                return RefundResult.ALREADY, refund
            if found.refund_state == "pending":
                return RefundResult.OK, refund
            if found.currency != STARS:
                return RefundResult.NOT_STARS, refund
            if now > found.paid_at + self.terms.refund_days * DAY_S:
                return RefundResult.TOO_LATE, refund
            account = ledger.requester_account(requester.id)
            if not await ledger.claim(conn, account, found.cents):
                return RefundResult.SPENT, refund
            attempt = await money.start_refund(conn, charge_id)
            if attempt is None:
                return RefundResult.ALREADY, refund
            await ledger.transfer(
                conn,
                f"deposit_refund:{charge_id}:{attempt}",
                account,
                ledger.WORLD,
                found.cents,
                "deposit_refund",
                now,
            )
        return RefundResult.OK, Refund(
            requester.tg_id, charge_id, found.cents, found.total_amount, attempt
        )

    @retrying
    async def finish_refund(self, refund: Refund) -> None:
        """Telegram gave the Stars back (or had before): the refund is done."""
        async with self.db.transaction() as conn:
            await money.finish_refund(conn, refund.charge_id, self.clock.now())

    @retrying
    async def undo_refund(self, refund: Refund) -> None:
        """Telegram refused the refund: the balance gets the money back, once."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            found = await money.deposit(conn, refund.charge_id)
            if found is None or not await money.drop_refund(conn, refund.charge_id):
                return
            await ledger.transfer(
                conn,
                f"deposit_refund_undone:{refund.charge_id}:{found.refund_attempt}",
                ledger.WORLD,
                ledger.requester_account(found.user_id),
                found.cents,
                "deposit_refund_undone",
                now,
            )


def _state(d: money.Deposit, refundable: set[int]) -> DepositState:
    """Where one payment stands, given which deposits can be refunded now."""
    if d.refund_state == "done":
        return DepositState.REFUNDED
    if d.refund_state == "pending":
        return DepositState.REFUNDING
    if d.currency != STARS:
        return DepositState.CARD
    return DepositState.REFUNDABLE if d.id in refundable else DepositState.KEPT
