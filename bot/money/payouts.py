"""Workers' withdrawals and the operator's payouts. No Telegram here.

A withdrawal moves money out of the worker's balance at once, into the ledger account
payout:<id>, in one transaction guarded by a conditional statement (two at once can never
take more than the balance). The operator exports pending requests as PayPal's bulk-payout
CSV (a batch), pays them outside gigbot, then marks the batch paid (payout:<id> -> world),
or rejects one request with a reason (payout:<id> -> the worker). Workers are told either way.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Unpack

from bot.clock import Clock
from bot.domain import Priority, User
from bot.money.results import (
    AddressResult,
    Export,
    PayoutLine,
    PayoutResult,
    PayoutsView,
    WithdrawResult,
    WithdrawView,
)
from storage import ledger, money, outbox
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases

EMAIL = re.compile(r"^[^@\s<>\"',;:]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
METHODS = ("paypal", "venmo")  # paypal: an email; venmo: a US mobile number
NOTE = "gigbot earnings"  # PayPal shows it to the recipient


def clean_address(method: str, text: str) -> tuple[AddressResult, str]:
    """A payout address checked for its method, in the form PayPal takes.

    >>> clean_address("paypal", " Ann@Example.com ")
    (<AddressResult.OK: 'ok'>, 'Ann@Example.com')
    >>> clean_address("venmo", "(555) 123-4567")
    (<AddressResult.OK: 'ok'>, '5551234567')
    """
    text = text.strip()
    if method == "paypal":
        if len(text) > 254 or not EMAIL.match(text):
            return AddressResult.BAD_EMAIL, text
        return AddressResult.OK, text
    if method == "venmo":
        digits = re.sub(r"[\s().+-]", "", text)
        if digits.startswith("1") and len(digits) == 11:
            digits = digits[1:]
        if not (digits.isdigit() and len(digits) == 10):
            return AddressResult.BAD_PHONE, text
        return AddressResult.OK, digits
    return AddressResult.UNKNOWN_METHOD, text


def paypal_csv(rows: list[money.Payout], currency: str) -> bytes:
    """PayPal's Payouts Web file: no header; recipient, amount, currency, customer id
    (unique, at most 30 characters), note to recipient, recipient wallet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for p in rows:
        wallet = "Venmo" if p.method == "venmo" else "PayPal"
        writer.writerow(
            [p.address, f"{p.cents // 100}.{p.cents % 100:02d}", currency, f"gigbot-{p.id}",
             NOTE, wallet]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


class Payouts(UseCases):
    """Withdrawals and payouts, race-safe, on one database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        min_cents: int,
        methods: tuple[str, ...] = ("paypal",),
        currency: str = "USD",
        **hooks: Unpack[Hooks],
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.min_cents = min_cents
        self.methods = methods
        self.currency = currency

    # -- the worker ------------------------------------------------------------------------

    async def view(self, worker: User) -> WithdrawView:
        """What /withdraw shows: the balance, where it goes, what is on its way."""
        async with self.db.reading() as conn:
            available = await ledger.balance(conn, ledger.worker_account(worker.id))
            where = await money.payout_address(conn, worker.id)
            pending = await money.worker_payouts(conn, worker.id, limit=50)
        waiting = sum(p.cents for p in pending if p.status == money.PENDING)
        method, address = where if where else (None, None)
        return WithdrawView(available, self.min_cents, method, address, waiting)

    @retrying
    async def set_address(self, worker: User, method: str, text: str) -> AddressResult:
        """Keep where this worker's withdrawals go (asked once, changeable)."""
        if method not in self.methods:
            return AddressResult.UNKNOWN_METHOD
        result, address = clean_address(method, text)
        if result is AddressResult.OK:
            async with self.db.transaction() as conn:
                await money.set_payout_address(conn, worker.id, method, address, self.clock.now())
        return result

    @retrying
    async def withdraw(
        self, worker: User, cents: int | None, key: str
    ) -> tuple[WithdrawResult, int]:
        """Move `cents` (all of it if None) from the balance into a payout request, once
        per key; (result, cents requested)."""
        now = self.clock.now()
        account = ledger.worker_account(worker.id)
        async with self.db.transaction() as conn:
            where = await money.payout_address(conn, worker.id)
            if where is None:
                return WithdrawResult.NO_ADDRESS, 0
            if await money.requested(conn, key):
                return WithdrawResult.ALREADY, cents or 0
            amount = cents if cents is not None else await ledger.balance(conn, account)
            if amount < self.min_cents:
                return WithdrawResult.BELOW_MINIMUM, amount
            if not await ledger.claim(conn, account, amount):
                return WithdrawResult.NOT_ENOUGH, amount
            payout_id = await money.insert_payout(
                conn,
                worker_id=worker.id,
                cents=amount,
                method=where[0],
                address=where[1],
                key=key,
                now=now,
            )
            if payout_id is None:
                return WithdrawResult.ALREADY, amount
            await ledger.transfer(
                conn,
                f"withdraw:{payout_id}",
                account,
                ledger.payout_account(payout_id),
                amount,
                "withdraw",
                now,
            )
        return WithdrawResult.OK, amount

    # -- the operator ----------------------------------------------------------------------

    async def pending(self) -> PayoutsView:
        """Pending requests, their total, and the batch exported and not yet paid."""
        async with self.db.reading() as conn:
            rows = await money.pending_payouts(conn)
            latest = await money.latest_batch(conn)
        open_batch = latest[0] if latest is not None and latest[2] is None else None
        lines = tuple(
            PayoutLine(p.id, p.alias, p.cents, p.method, p.address, p.requested_at, p.batch_id)
            for p in rows
        )
        return PayoutsView(lines, sum(p.cents for p in rows), open_batch, self.currency)

    @retrying
    async def export(self) -> tuple[PayoutResult, Export | None]:
        """The open batch as PayPal's CSV, with every pending request not yet in it added
        (a new batch if none is open)."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            latest = await money.latest_batch(conn)
            if latest is not None and latest[2] is None:
                batch_id = latest[0]
            else:
                batch_id = 0
            waiting = [p for p in await money.pending_payouts(conn) if p.batch_id != batch_id]
            if waiting:
                if not batch_id:
                    batch_id = await money.new_batch(conn, now)
                await money.put_in_batch(conn, [p.id for p in waiting], batch_id)
            if not batch_id:
                return PayoutResult.NOTHING, None
            rows = await money.pending_payouts(conn, batch_id)
        if not rows:
            return PayoutResult.NOTHING, None
        content = paypal_csv(rows, self.currency)
        total = sum(p.cents for p in rows)
        return PayoutResult.OK, Export(
            batch_id, f"gigbot-payouts-{batch_id}.csv", content, len(rows), total
        )

    @retrying
    async def mark_paid(self, batch_id: int) -> tuple[PayoutResult, int, int]:
        """The operator paid the batch: each request in it still pending is paid out of
        the ledger (hold -> world) and its worker told; (result, count, cents)."""
        now = self.clock.now()
        count = total = 0
        async with self.db.transaction() as conn:
            latest = await money.latest_batch(conn)
            rows = await money.pending_payouts(conn, batch_id)
            if not rows and not (latest is not None and latest[0] == batch_id):
                return PayoutResult.NOT_FOUND, 0, 0
            for p in rows:
                if not await money.decide(conn, p.id, money.PAID, now):
                    continue
                await self._move_and_tell(conn, p, ledger.WORLD, "payout", now)
                count, total = count + 1, total + p.cents
            closed = await money.close_batch(conn, batch_id, now)
        if count:
            self.on_outbox()
        if not count and not closed:
            return PayoutResult.ALREADY, 0, 0
        return PayoutResult.OK, count, total

    @retrying
    async def reject(self, payout_id: int, reason: str) -> tuple[PayoutResult, int]:
        """Send one pending request back to the worker's balance, with the reason."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            found = await money.payout(conn, payout_id)
            if found is None:
                return PayoutResult.NOT_FOUND, 0
            if not await money.decide(conn, payout_id, money.REJECTED, now, reason):
                return PayoutResult.ALREADY, found.cents
            back = ledger.worker_account(found.worker_id)
            await self._move_and_tell(conn, found, back, "payout_back", now, reason)
        self.on_outbox()
        return PayoutResult.OK, found.cents

    async def _move_and_tell(
        self,
        conn: Conn,
        p: money.Payout,
        to_account: str,
        memo: str,
        now: float,
        reason: str | None = None,
    ) -> None:
        await ledger.transfer(
            conn, f"{memo}:{p.id}", ledger.payout_account(p.id), to_account, p.cents, memo, now
        )
        kind = "payout_paid" if memo == "payout" else "payout_rejected"
        await outbox.enqueue(
            conn,
            f"{kind}:{p.id}",
            p.tg_id,
            kind,
            Priority.NOTIFICATION,
            {"cents": p.cents, "method": p.method, "address": p.address, "reason": reason},
            now,
        )
