"""Requesters' access keys for the MTurk API: create (secret shown once), list, revoke."""

from __future__ import annotations

import secrets

from bot.domain import ApiKey, User
from storage import mturk, users
from storage.db import retrying
from storage.usecases import UseCases

KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
MAX_ACTIVE_KEYS = 5


class ApiKeys(UseCases):
    """Key pairs: an AWS-style access key id and a 40-character secret."""

    @retrying
    async def create(self, requester: User) -> tuple[str, str] | None:
        """A new (access key id, secret); None if the requester has too many active keys."""
        key_id = "GBAK" + "".join(secrets.choice(KEY_ALPHABET) for _ in range(16))
        secret = secrets.token_urlsafe(30)
        async with self.db.transaction() as conn:
            active = [k for k in await mturk.keys_of(conn, requester.id) if k.active]
            if len(active) >= MAX_ACTIVE_KEYS:
                return None
            await mturk.insert_key(conn, key_id, secret, requester.id, self.clock.now())
            await users.mark_requester(conn, requester.id)
        return key_id, secret

    async def list(self, requester: User) -> list[ApiKey]:
        async with self.db.reading() as conn:
            return await mturk.keys_of(conn, requester.id)

    @retrying
    async def revoke(self, requester: User, key_id: str) -> bool:
        """Revoke one of the requester's active keys at once; False if not theirs or gone."""
        async with self.db.transaction() as conn:
            return await mturk.revoke_key(conn, requester.id, key_id, self.clock.now())
