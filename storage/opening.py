"""Opening a new HIT in as few statements as publishing allows (Publishing.publish_new)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Hit, HitKind
from storage.db import Conn
from storage.hits import _HIT_COLUMNS, HIT_WIDTH, hit_at
from storage.ledger import BALANCE_SQL

_BALANCE = f"({BALANCE_SQL})"  # the requester account's balance


@dataclass(frozen=True, slots=True)
class Opened:
    hit: Hit
    has_channels: bool  # the requester has linked channels, each of which gets a card


async def insert_open_if_funded(
    conn: Conn,
    *,
    account: str,
    escrow_cents: int,
    requester_id: int,
    kind: HitKind,
    title: str,
    topic: str,
    reward_cents: int,
    max_assignments: int,
    time_allotted_s: int,
    lifetime_s: int,
    auto_approve_s: int,
    now: float,
    fee_bp: int = 0,
    language: str | None = None,
) -> Opened | None:
    """Store a HIT already open (published now, expiring after its lifetime) if `account`
    holds `escrow_cents`; None (nothing stored) if it does not. One statement. The HIT is in
    `language` (a primary subtag), or without one in its requester's language."""
    rows = await conn.execute_fetchall(
        "INSERT INTO hits (requester_id, kind, title, topic, reward_cents, max_assignments,"
        " time_allotted_s, lifetime_s, auto_approve_s, created_at, status, published_at,"
        " expires_at, language, fee_bp) SELECT CAST(:requester AS BIGINT), CAST(:kind AS TEXT),"
        " CAST(:title AS TEXT), CAST(:topic AS TEXT), CAST(:reward AS BIGINT),"
        " CAST(:most AS BIGINT), CAST(:allotted AS BIGINT), CAST(:lifetime AS BIGINT),"
        " CAST(:auto_approve AS BIGINT), CAST(:now AS DOUBLE PRECISION), 'open',"
        " CAST(:now AS DOUBLE PRECISION), CAST(:now AS DOUBLE PRECISION) + :lifetime,"
        " COALESCE(CAST(:language AS TEXT), (SELECT lower(substr(language, 1,"
        " instr(language || '-', '-') - 1)) FROM users WHERE id = :requester)),"
        " CAST(:fee_bp AS BIGINT)"
        f" WHERE {_BALANCE} >= :escrow"
        f" RETURNING {_HIT_COLUMNS}, EXISTS (SELECT 1 FROM channels"
        " WHERE requester_id = :requester AND active = 1)",
        {
            "account": account,
            "escrow": escrow_cents,
            "requester": requester_id,
            "kind": kind.value,
            "title": title,
            "topic": topic,
            "reward": reward_cents,
            "most": max_assignments,
            "allotted": time_allotted_s,
            "lifetime": lifetime_s,
            "auto_approve": auto_approve_s,
            "now": now,
            "fee_bp": fee_bp,
            "language": language,
        },
    )
    for row in rows:
        return Opened(hit_at(row), bool(row[HIT_WIDTH]))
    return None
