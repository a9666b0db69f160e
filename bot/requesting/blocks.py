"""Blocking workers: a blocked worker never gets or takes this requester's HITs."""

from __future__ import annotations

from bot.domain import User
from bot.requesting.results import BlockResult
from storage import requesting as reads
from storage import users
from storage.db import retrying
from storage.usecases import UseCases


class Blocks(UseCases):
    @retrying
    async def block(self, requester: User, alias: str, reason: str = "") -> BlockResult:
        """Block the worker shown as `alias` (a given reason replaces an earlier one)."""
        async with self.db.transaction() as conn:
            worker = await users.by_alias(conn, alias)
            if worker is None or worker.id == requester.id:
                return BlockResult.UNKNOWN_WORKER
            fresh = await reads.block(conn, requester.id, worker.id, self.clock.now())
            if reason:
                await reads.set_block_reason(conn, requester.id, worker.id, reason)
            if not fresh:
                return BlockResult.ALREADY
        return BlockResult.OK

    @retrying
    async def unblock(self, requester: User, alias: str) -> BlockResult:
        """Lift the block on the worker shown as `alias` (ALREADY if there was none)."""
        async with self.db.transaction() as conn:
            worker = await users.by_alias(conn, alias)
            if worker is None or worker.id == requester.id:
                return BlockResult.UNKNOWN_WORKER
            if not await reads.unblock(conn, requester.id, worker.id):
                return BlockResult.ALREADY
        return BlockResult.OK
