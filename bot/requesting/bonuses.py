"""Bonuses: extra money from a requester to a worker who did their work, once per command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Unpack

from bot.clock import Clock
from bot.domain import Priority, User, fee_on
from bot.requesting.parsing import BonusArgs
from bot.requesting.results import BonusResult
from storage import assignments, hits, ledger, outbox, users
from storage import requesting as reads
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases

# Called inside the paying transaction with (conn, worker id, ledger key), to record more.
OnPaid = Callable[[Conn, int, str], Awaitable[None]]


class Bonuses(UseCases):
    def __init__(
        self, db: Database, clock: Clock, *, fee_bp: int = 0, **hooks: Unpack[Hooks]
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.fee_bp = fee_bp  # the marketplace's fee on bonuses (basis points)

    def fee(self, amount_cents: int) -> int:
        """The marketplace's fee on a bonus of `amount_cents` (paid on top of it)."""
        return fee_on(amount_cents, self.fee_bp)

    @retrying
    async def pay(
        self, requester: User, args: BonusArgs, key: str, on_paid: OnPaid | None = None
    ) -> tuple[BonusResult, str]:
        """Move the bonus from the requester to the worker and tell the worker; (result, alias).

        Only workers who took one of the requester's HITs can be bonused; `key` (the command
        message) makes a redelivered command pay once.
        """
        now = self.clock.now()
        async with self.db.transaction() as conn:
            payload: dict[str, Any]
            if args.assignment_id is not None:
                found = await assignments.get(conn, args.assignment_id)
                hit = await hits.get(conn, found.hit_id) if found else None
                if found is None or hit is None or hit.requester_id != requester.id:
                    return BonusResult.NOT_YOURS, ""
                worker = await users.by_id(conn, found.worker_id)
                payload = {"assignment_id": found.id}
            else:
                worker = await users.by_alias(conn, args.alias or "")
                if worker is None:
                    return BonusResult.UNKNOWN_WORKER, args.alias or ""
                if not await reads.worked_for(conn, worker.id, requester.id):
                    return BonusResult.NOT_YOURS, worker.alias
                payload = {"worker_id": worker.id}
            assert worker is not None
            available = await ledger.held_balance(conn, ledger.requester_account(requester.id))
            fee = self.fee(args.amount_cents)
            if available < args.amount_cents + fee:
                return BonusResult.INSUFFICIENT_FUNDS, worker.alias
            if not await ledger.transfer(
                conn,
                f"bonus:{key}",
                ledger.requester_account(requester.id),
                ledger.worker_account(worker.id),
                args.amount_cents,
                "bonus",
                now,
            ):
                return BonusResult.DUPLICATE, worker.alias
            if fee > 0:
                await ledger.transfer(
                    conn,
                    f"bonus_fee:{key}",
                    ledger.requester_account(requester.id),
                    ledger.FEES,
                    fee,
                    "fee",
                    now,
                )
            if on_paid is not None:
                await on_paid(conn, worker.id, f"bonus:{key}")
            payload.update({"amount_cents": args.amount_cents, "reason": args.reason})
            await outbox.enqueue(
                conn, f"bonus:{key}", worker.tg_id, "bonus", Priority.NOTIFICATION, payload, now
            )
        self.on_outbox()
        return BonusResult.OK, worker.alias
