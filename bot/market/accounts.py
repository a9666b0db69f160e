"""Money views and funding: balances, escrow, a worker's earnings. No Telegram here."""

from __future__ import annotations

from bot.domain import Priority, RequesterBalance, User
from bot.market.results import FundResult
from storage import ledger, outbox, users
from storage.db import retrying
from storage.usecases import UseCases


class Accounts(UseCases):
    """Funding requesters and reading balances."""

    @retrying
    async def fund(self, tg_id: int, amount_cents: int, key: str) -> FundResult:
        """Credit a requester from outside gigbot, once per key (e.g. the admin's message)."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            target = await users.by_tg_id(conn, tg_id)
            if target is None:
                return FundResult.UNKNOWN_USER
            if not await ledger.transfer(
                conn,
                f"fund:{key}",
                ledger.WORLD,
                ledger.requester_account(target.id),
                amount_cents,
                "fund",
                now,
            ):
                return FundResult.DUPLICATE
            await users.mark_requester(conn, target.id)
            await outbox.enqueue(
                conn,
                f"funded:{key}",
                tg_id,
                "funded",
                Priority.NOTIFICATION,
                {"amount_cents": amount_cents},
                now,
            )
        self.on_outbox()
        return FundResult.OK

    async def requester_balance(self, requester: User) -> RequesterBalance:
        """Available money and money held in escrow for open HITs."""
        async with self.db.reading() as conn:
            available = await ledger.balance(conn, ledger.requester_account(requester.id))
            escrow = await ledger.escrow_total(conn, requester.id)
        return RequesterBalance(available, escrow)

    @retrying
    async def become_requester(self, user: User) -> RequesterBalance:
        """Count the user among requesters (their command menu) and show what they have."""
        async with self.db.transaction() as conn:
            await users.mark_requester(conn, user.id)
        return await self.requester_balance(user)

    async def balances(self) -> dict[str, int]:
        """Every account's balance (admin checks and tests)."""
        async with self.db.reading() as conn:
            return await ledger.all_balances(conn)
