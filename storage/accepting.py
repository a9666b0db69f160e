"""What accepting a HIT must know, read in one query (the hot path of the race)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Hit
from storage import hits
from storage.db import Conn, fetch_one
from storage.qualifications import qualified_clause


@dataclass(frozen=True, slots=True)
class AcceptFacts:
    """The HIT and the worker's standing towards it."""

    hit: Hit
    blocked: bool
    mine: int | None  # the worker's assignment on this HIT, if any
    qualified: bool
    active: int  # the worker's accepted, not yet submitted assignments


async def accept_facts(conn: Conn, hit_id: int, worker_id: int) -> AcceptFacts | None:
    """Everything accept checks before claiming a slot; None if the HIT does not exist."""
    row = await fetch_one(
        conn,
        f"SELECT {hits.hit_columns('h_')},"
        " EXISTS (SELECT 1 FROM blocks b WHERE b.requester_id = h.requester_id"
        "  AND b.worker_id = ?2) AS blocked,"
        " (SELECT id FROM assignments WHERE hit_id = ?1 AND worker_id = ?2) AS mine,"
        f" {qualified_clause('?1', '?2')} AS qualified,"
        " (SELECT COUNT(*) FROM assignments WHERE worker_id = ?2 AND status = 'accepted')"
        "  AS active"
        " FROM hits h WHERE h.id = ?1",
        (hit_id, worker_id),
    )
    if row is None:
        return None
    return AcceptFacts(
        hit=hits.hit_from(row, "h_"),
        blocked=bool(row["blocked"]),
        mine=row["mine"],
        qualified=bool(row["qualified"]),
        active=int(row["active"]),
    )
