"""SQL of timed offers (holds of a slot by one worker) and of the timer concierge.

A hold reserves a slot: `claim_slot` counts the live holds of other workers inside the
same conditional UPDATE that takes the slot, so nobody else can take it while it is held,
whatever the concurrency; a slot nobody holds is anyone's. Every state change of a hold is
conditional on 'held', so the expiry step, a Decline and an Accept can race and exactly
one wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Conn, changed_one, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class Hold:
    offer_id: int
    hit_id: int
    worker_id: int
    tg_id: int
    status: str
    offered_at: float
    expires_at: float


@dataclass(frozen=True, slots=True)
class Extension:
    """What the concierge needs to know about one assignment."""

    assignment_id: int
    worker_id: int
    status: str
    accepted_at: float
    deadline_at: float
    extended_s: int
    extend_s: int | None  # what the HIT allows (None: not allowed)


_HOLD = (
    "SELECT o.id, o.hit_id, o.worker_id, u.tg_id, o.status, o.offered_at, o.expires_at"
    " FROM offers o JOIN users u ON u.id = o.worker_id"
)


def _hold(row: tuple[object, ...]) -> Hold:
    return Hold(*row)  # type: ignore[arg-type]


# -- dispatch terms ----------------------------------------------------------------------


async def set_dispatch(conn: Conn, hit_id: int, mode: str, extend_s: int | None) -> None:
    """Store how a HIT reaches workers (written with its draft)."""
    await conn.execute(
        "INSERT INTO hit_dispatch (hit_id, mode, extend_s) VALUES (?, ?, ?)"
        " ON CONFLICT (hit_id) DO UPDATE SET mode = excluded.mode, extend_s = excluded.extend_s",
        (hit_id, mode, extend_s),
    )


async def dispatch(conn: Conn, hit_id: int) -> tuple[str, int | None]:
    """(mode, extend_s) of a HIT; ('race', None) when none was stored."""
    row = await fetch_one(
        conn, "SELECT mode, extend_s FROM hit_dispatch WHERE hit_id = ?", (hit_id,)
    )
    return (str(row[0]), row[1]) if row else ("race", None)


# -- holds -------------------------------------------------------------------------------


async def live_holds(conn: Conn, hit_id: int, now: float) -> int:
    """Slots of the HIT held for a worker right now."""
    row = await fetch_one(
        conn,
        "SELECT COUNT(*) FROM offers WHERE hit_id = ? AND status = 'held' AND expires_at > ?",
        (hit_id, now),
    )
    return int(row[0]) if row else 0


async def insert_holds(
    conn: Conn, hit_id: int, worker_ids: list[int], now: float, expires_at: float
) -> list[Hold]:
    """Give each worker a hold of one slot until `expires_at`; the holds made."""
    made = []
    for worker_id in worker_ids:
        async with conn.execute(
            "INSERT INTO offers (hit_id, worker_id, offered_at, expires_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (hit_id, worker_id) DO NOTHING RETURNING id",
            (hit_id, worker_id, now, expires_at),
        ) as cur:
            row = await cur.fetchone()
        if row is not None:
            found = await hold(conn, int(row[0]))
            assert found is not None
            made.append(found)
    return made


async def hold(conn: Conn, offer_id: int) -> Hold | None:
    row = await fetch_one(conn, _HOLD + " WHERE o.id = ?", (offer_id,))
    return _hold(tuple(row)) if row else None


# A slot of the HIT :hit is free for :worker at :now: open, unexpired, and not every free
# slot held for someone else. One CASE, so that the statement finds the HIT's row by its key
# alone: PostgreSQL's generic plan (a prepared statement's, from its sixth run) matched
# `status = 'open' AND expires_at > :now` to hits_listing's columns and read the row through
# that index, passing over every open HIT's entry, dead ones too (each accept leaves one),
# with the HIT's row locked: 185 ms an accept, a crowd's taps in single file
# (bench_core_loop, 1 run in 4; tests/test_postgres_plans.py).
_SLOT_FREE = (
    "CASE WHEN status = 'open' AND expires_at > :now THEN slots_used + (SELECT COUNT(*)"
    " FROM offers o WHERE o.hit_id = :hit AND o.status = 'held' AND o.expires_at > :now"
    " AND o.worker_id != :worker) < max_assignments ELSE FALSE END"
)


async def claim_slot(conn: Conn, hit_id: int, worker_id: int, now: float) -> bool:
    """Take one slot of an open, unexpired HIT unless the free ones are held by others.

    The race-safe step of accepting: one conditional statement. A slot held for another
    worker is never free; a slot nobody holds (every worker in line let theirs pass) goes
    to whoever asks first. A worker's own hold does not count against them (it is used up
    by `take_hold` right after).
    """
    return await changed_one(
        conn,
        f"UPDATE hits SET slots_used = slots_used + 1 WHERE id = :hit AND {_SLOT_FREE}",
        {"hit": hit_id, "now": now, "worker": worker_id},
    )


# `claim_slot` then `take_hold` as WITH queries of one PostgreSQL statement (named
# parameters :hit, :now, :worker): the hold is used up only if the slot was claimed (its
# UPDATE reads the claim's rows), and the HIT's row is locked before the offer's, as with
# two statements. `claimed` has the HIT's id if the slot was taken.
def claim_and_hold(guard: str = "", returning: str = "") -> str:
    """`claimed` and `held`, WITH queries of the statement that takes a HIT on PostgreSQL
    (storage/accepting.take), named parameters :hit, :now and :worker: claim_slot's claim
    and take_hold's hold used up. `guard`: more conditions on the HIT's row (`h`);
    `returning`: more of its columns `claimed` returns after its id."""
    return (
        "claimed AS (UPDATE hits h SET slots_used = slots_used + 1 WHERE id = :hit"
        f" AND {_SLOT_FREE}{guard} RETURNING id{returning}),"
        " held AS (UPDATE offers SET status = 'accepted', ended_at = :now"
        "  WHERE hit_id IN (SELECT id FROM claimed) AND worker_id = :worker"
        "  AND status = 'held' AND expires_at > :now RETURNING id)"
    )


async def take_hold(conn: Conn, hit_id: int, worker_id: int, now: float) -> bool:
    """The worker accepted within their hold: it is used up."""
    return await changed_one(
        conn,
        "UPDATE offers SET status = 'accepted', ended_at = ?"
        " WHERE hit_id = ? AND worker_id = ? AND status = 'held' AND expires_at > ?",
        (now, hit_id, worker_id, now),
    )


async def decline(conn: Conn, hit_id: int, worker_id: int, now: float) -> Hold | None:
    """End the worker's live hold at their request; the hold, if this call ended it."""
    async with conn.execute(
        "UPDATE offers SET status = 'declined', ended_at = ?"
        " WHERE hit_id = ? AND worker_id = ? AND status = 'held' AND expires_at > ?"
        " RETURNING id",
        (now, hit_id, worker_id, now),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    await conn.execute(
        "UPDATE pushes SET outcome = 'skipped', answered_at = ?"
        " WHERE hit_id = ? AND worker_id = ? AND outcome = 'sent'",
        (now, hit_id, worker_id),
    )
    return await hold(conn, int(row[0]))


async def expire_due(conn: Conn, now: float, limit: int) -> list[Hold]:
    """End holds whose time ran out; the rows this call won."""
    async with conn.execute(
        "UPDATE offers SET status = 'expired', ended_at = ? WHERE id IN (SELECT id FROM offers"
        " WHERE status = 'held' AND expires_at <= ? ORDER BY expires_at LIMIT ?)"
        " AND status = 'held' RETURNING id",
        (now, now, limit),
    ) as cur:
        ids = [int(r[0]) for r in await cur.fetchall()]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = await fetch_all(conn, _HOLD + f" WHERE o.id IN ({marks}) ORDER BY o.id", tuple(ids))
    ended = [_hold(tuple(r)) for r in rows]
    await conn.executemany(
        "UPDATE pushes SET outcome = 'unanswered' WHERE hit_id = ? AND worker_id = ?"
        " AND outcome = 'sent'",
        [(h.hit_id, h.worker_id) for h in ended],
    )
    return ended


async def holds_of_hit(conn: Conn, hit_id: int) -> list[Hold]:
    """Every offer of a HIT, in the order they were made."""
    rows = await fetch_all(conn, _HOLD + " WHERE o.hit_id = ? ORDER BY o.id", (hit_id,))
    return [_hold(tuple(r)) for r in rows]


# -- the timer concierge -----------------------------------------------------------------


async def extension(conn: Conn, assignment_id: int) -> Extension | None:
    """The assignment's deadline and what "+N minutes" its HIT allows."""
    row = await fetch_one(
        conn,
        "SELECT a.id, a.worker_id, a.status, a.accepted_at, a.deadline_at, a.extended_s,"
        " d.extend_s FROM assignments a LEFT JOIN hit_dispatch d ON d.hit_id = a.hit_id"
        " WHERE a.id = ?",
        (assignment_id,),
    )
    return Extension(*tuple(row)) if row else None


async def extend(
    conn: Conn,
    assignment_id: int,
    seconds: int,
    now: float,
    remind_at: float | None,
    reminders_sent: int,
) -> float | None:
    """Move a running assignment's deadline by `seconds`, once ever; the new deadline.

    Conditional on extended_s = 0, so a double tap (or two processes) extends once.
    """
    async with conn.execute(
        "UPDATE assignments SET deadline_at = deadline_at + ?, extended_s = ?,"
        " remind_at = ?, reminders_sent = ?"
        " WHERE id = ? AND status = 'accepted' AND deadline_at > ? AND extended_s = 0"
        " RETURNING deadline_at",
        (seconds, seconds, remind_at, reminders_sent, assignment_id, now),
    ) as cur:
        row = await cur.fetchone()
    return float(row[0]) if row else None


async def held_for_others(conn: Conn, hit_id: int, worker_id: int, now: float) -> bool:
    """Whether another worker holds a live offer of a slot of this HIT."""
    row = await fetch_one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM offers WHERE hit_id = ? AND worker_id != ?"
        " AND status = 'held' AND expires_at > ?)",
        (hit_id, worker_id, now),
    )
    return bool(row and row[0])


async def offered_count(conn: Conn, hit_id: int) -> int:
    """How many workers were ever offered a slot of this HIT."""
    row = await fetch_one(conn, "SELECT COUNT(*) FROM offers WHERE hit_id = ?", (hit_id,))
    return int(row[0]) if row else 0


async def ended_before(conn: Conn, hit_id: int, now: float) -> list[Hold]:
    """Offers of the HIT that passed on (ran out or declined) before `now`."""
    rows = await fetch_all(
        conn,
        _HOLD + " WHERE o.hit_id = ? AND o.status IN ('expired', 'declined') AND o.ended_at < ?"
        " ORDER BY o.id",
        (hit_id, now),
    )
    return [_hold(tuple(r)) for r in rows]


async def requester_chat(conn: Conn, hit_id: int) -> int:
    """The Telegram chat of the HIT's requester."""
    row = await fetch_one(
        conn,
        "SELECT u.tg_id FROM hits h JOIN users u ON u.id = h.requester_id WHERE h.id = ?",
        (hit_id,),
    )
    assert row is not None
    return int(row[0])


@dataclass(frozen=True, slots=True)
class OfferTally:
    """What became of a HIT's offers: workers offered, who took one, slots free to anyone."""

    offered: int
    taken: int
    open_slots: int


async def tally(conn: Conn, hit_id: int, now: float) -> OfferTally:
    """The HIT's offers so far and its free slots that nobody holds now."""
    row = await fetch_one(
        conn,
        "SELECT COUNT(o.id), COALESCE(SUM(o.status = 'accepted'), 0),"
        " MAX(h.max_assignments) - MAX(h.slots_used) - COALESCE(SUM(o.status = 'held'"
        "  AND o.expires_at > ?), 0)"
        " FROM hits h LEFT JOIN offers o ON o.hit_id = h.id WHERE h.id = ?",
        (now, hit_id),
    )
    assert row is not None
    return OfferTally(int(row[0]), int(row[1]), int(row[2] or 0))
