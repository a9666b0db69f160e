"""Anonymous messages between a worker and the requester of a HIT they worked on.

The bot relays the text: a requester sees the worker's alias, a worker sees the
requester's shown name; neither ever sees a Telegram id or username.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Unpack

from bot.clock import Clock
from bot.domain import Priority, User
from bot.fair.results import RelayResult
from storage import assignments, fairwork, hits, outbox, users
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases

MAX_BODY_LEN = 500
WINDOW_S = 3600


@dataclass(frozen=True, slots=True)
class RelayedMessage:
    """A message as its reader sees it: who (alias or name), about which HIT, the text."""

    id: int
    from_worker: bool
    sender: str
    title: str
    body: str


class Relay(UseCases):
    def __init__(
        self, db: Database, clock: Clock, *, per_hour: int = 5, **hooks: Unpack[Hooks]
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.per_hour = per_hour

    async def can_write(self, user: User, assignment_id: int) -> RelayResult:
        """Whether the user is the worker or the requester of this assignment."""
        async with self.db.reading() as conn:
            other = await self._other_side(conn, user, assignment_id)
        return RelayResult.OK if other is not None else RelayResult.NOT_YOURS

    async def can_reply(self, user: User, message_id: int) -> RelayResult:
        async with self.db.reading() as conn:
            found = await fairwork.message(conn, message_id)
        return RelayResult.OK if found and found[2] == user.id else RelayResult.NOT_YOURS

    @retrying
    async def send(self, user: User, assignment_id: int, body: str) -> RelayResult:
        """Relay `body` to the other side of the assignment, within the rate limit."""
        body = body.strip()[:MAX_BODY_LEN]
        if not body:
            return RelayResult.EMPTY
        now = self.clock.now()
        async with self.db.transaction() as conn:
            other = await self._other_side(conn, user, assignment_id)
            if other is None:
                return RelayResult.NOT_YOURS
            if await fairwork.sent_since(conn, user.id, now - WINDOW_S) >= self.per_hour:
                return RelayResult.TOO_MANY
            message_id = await fairwork.insert_message(
                conn, assignment_id, user.id, other.id, body, now
            )
            await outbox.enqueue(
                conn,
                f"relay:{message_id}",
                other.tg_id,
                "relay",
                Priority.NOTIFICATION,
                {"message_id": message_id},
                now,
            )
        self.on_outbox()
        return RelayResult.OK

    async def reply(self, user: User, message_id: int, body: str) -> RelayResult:
        """Answer a relayed message: to its sender, about the same assignment."""
        async with self.db.reading() as conn:
            found = await fairwork.message(conn, message_id)
        if found is None or found[2] != user.id:
            return RelayResult.NOT_YOURS
        return await self.send(user, found[0], body)

    async def to_alias(self, requester: User, alias: str, body: str) -> RelayResult:
        """A requester writes to a worker by alias, about the worker's latest of their HITs."""
        async with self.db.reading() as conn:
            worker = await users.by_alias(conn, alias.upper())
            found = (
                await fairwork.latest_assignment(conn, worker.id, requester.id) if worker else None
            )
        if worker is None:
            return RelayResult.UNKNOWN
        if found is None:
            return RelayResult.NOT_YOURS
        return await self.send(requester, found, body)

    async def to_hit(self, user: User, hit_id: int, body: str) -> RelayResult:
        """A worker writes to the requester of a HIT they worked on; its requester writes
        to the one worker who took it (if several did, SEVERAL: they choose by alias)."""
        async with self.db.reading() as conn:
            found = await assignments.for_worker_and_hit(conn, user.id, hit_id)
            hit = await hits.get(conn, hit_id) if found is None else None
            took = (
                await fairwork.hit_workers(conn, hit_id)
                if hit is not None and hit.requester_id == user.id
                else None
            )
        if found is not None:
            return await self.send(user, found.id, body)
        if took is None:
            return RelayResult.NOT_YOURS
        if len(took) != 1:
            return RelayResult.SEVERAL if took else RelayResult.NOBODY
        return await self.send(user, took[0][0], body)

    async def workers_on(self, requester: User, hit_id: int) -> list[str]:
        """The aliases of the workers who took the requester's HIT, first to accept first."""
        async with self.db.reading() as conn:
            hit = await hits.get(conn, hit_id)
            if hit is None or hit.requester_id != requester.id:
                return []
            return [alias for _, alias in await fairwork.hit_workers(conn, hit_id)]

    async def read(self, message_id: int) -> RelayedMessage | None:
        """The message as its recipient sees it."""
        async with self.db.reading() as conn:
            found = await fairwork.message(conn, message_id)
            if found is None:
                return None
            assignment_id, from_id, _to_id, body = found
            assignment = await assignments.get(conn, assignment_id)
            assert assignment is not None
            hit = await hits.get(conn, assignment.hit_id)
            sender = await users.by_id(conn, from_id)
        assert hit is not None and sender is not None
        from_worker = from_id == assignment.worker_id
        shown = sender.alias if from_worker else sender.first_name
        return RelayedMessage(message_id, from_worker, shown, hit.title, body)

    async def parties(self, user: User, assignment_id: int) -> tuple[str, bool] | None:
        """Whom the user would write to about this assignment, as the user knows them (the
        requester's first name, or the worker's alias), and whether the user is its worker."""
        async with self.db.reading() as conn:
            other = await self._other_side(conn, user, assignment_id)
            found = await assignments.get(conn, assignment_id)
        if other is None or found is None:
            return None
        writer_is_worker = found.worker_id == user.id
        return (other.first_name if writer_is_worker else other.alias), writer_is_worker

    async def assignment_of(self, message_id: int) -> int | None:
        """The assignment a relayed message is about."""
        async with self.db.reading() as conn:
            found = await fairwork.message(conn, message_id)
        return found[0] if found else None

    async def _other_side(self, conn: Conn, user: User, assignment_id: int) -> User | None:
        found = await assignments.get(conn, assignment_id)
        if found is None:
            return None
        hit = await hits.get(conn, found.hit_id)
        assert hit is not None
        if user.id == found.worker_id:
            return await users.by_id(conn, hit.requester_id)
        if user.id == hit.requester_id:
            return await users.by_id(conn, found.worker_id)
        return None
