"""People: first contact, who is who, and who blocked the bot. No Telegram here."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from bot.clock import Clock
from bot.domain import User
from storage import outbox, users
from storage.db import Database, retrying

ALIAS_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_alias() -> str:
    """A random worker alias like W-7F3K."""
    return "W-" + "".join(secrets.choice(ALIAS_ALPHABET) for _ in range(4))


class People:
    """Users of the marketplace, workers and requesters alike."""

    def __init__(
        self, db: Database, clock: Clock, new_alias: Callable[[], str] = new_alias
    ) -> None:
        self.db = db
        self.clock = clock
        # Makes aliases for new users; `gigbot demo --seed` passes a seeded one.
        self.new_alias = new_alias

    @retrying
    async def register(self, tg_id: int, first_name: str, language: str = "en") -> User:
        """Create the user on first contact (idempotent); return it."""
        async with self.db.transaction() as conn:
            found = await users.by_tg_id(conn, tg_id)
            if found is None:
                alias = self.new_alias()
                while await users.alias_taken(conn, alias):
                    alias = self.new_alias()
                await users.insert(conn, tg_id, alias, first_name, language, self.clock.now())
                found = await users.by_tg_id(conn, tg_id)
        assert found is not None
        return found

    async def user(self, tg_id: int) -> User | None:
        """The registered user (every update's sender: kept by the process on PostgreSQL,
        storage/users.kept_by_tg_id)."""
        return await users.kept_by_tg_id(self.db, tg_id)

    async def user_by_id(self, user_id: int) -> User | None:
        async with self.db.reading(quick=True) as conn:
            return await users.by_id(conn, user_id)

    @retrying
    async def set_active(self, tg_id: int, active: bool) -> bool:
        """Record that a user blocked (False) or unblocked (True) the bot."""
        async with self.db.transaction() as conn:
            changed = await users.set_active(conn, tg_id, active)
            if not active:
                await outbox.drop_pending_for_chat(conn, tg_id, "push")
            return changed

    async def requester_name(self, requester_id: int) -> str:
        """How a requester is shown to workers: their first name."""
        async with self.db.reading() as conn:
            found = await users.by_id(conn, requester_id)
        return found.first_name if found else "?"

    async def worker_alias(self, worker_id: int) -> str:
        async with self.db.reading() as conn:
            found = await users.by_id(conn, worker_id)
        return found.alias if found else "W-????"
