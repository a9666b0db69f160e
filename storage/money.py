"""Money in and out: deposits (Telegram payments), payout addresses, payouts and their
batches. The ledger moves the money (storage/ledger.py); these rows say what it was for."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import Conn, changed_one, fetch_all, fetch_one, fetch_value

Row = aiosqlite.Row

PENDING = "pending"
PAID = "paid"
REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Deposit:
    id: int
    charge_id: str
    user_id: int
    currency: str
    total_amount: int
    cents: int
    paid_at: float
    refund_attempt: int
    refund_state: str | None


@dataclass(frozen=True, slots=True)
class Payout:
    id: int
    worker_id: int
    cents: int
    method: str
    address: str
    status: str
    batch_id: int | None
    reason: str | None
    requested_at: float
    decided_at: float | None
    tg_id: int = 0  # the worker's Telegram id (listings for the operator)
    alias: str = ""


_DEPOSIT = (
    "id, charge_id, user_id, currency, total_amount, cents, paid_at, refund_attempt, refund_state"
)
_PAYOUT = (
    "p.id, p.worker_id, p.cents, p.method, p.address, p.status, p.batch_id, p.reason,"
    " p.requested_at, p.decided_at, u.tg_id, u.alias"
)


def _deposit(row: Row) -> Deposit:
    return Deposit(
        int(row[0]),
        str(row[1]),
        int(row[2]),
        str(row[3]),
        int(row[4]),
        int(row[5]),
        float(row[6]),
        int(row[7]),
        None if row[8] is None else str(row[8]),
    )


def _payout(row: Row) -> Payout:
    return Payout(
        int(row[0]),
        int(row[1]),
        int(row[2]),
        str(row[3]),
        str(row[4]),
        str(row[5]),
        None if row[6] is None else int(row[6]),
        None if row[7] is None else str(row[7]),
        float(row[8]),
        None if row[9] is None else float(row[9]),
        int(row[10]),
        str(row[11]),
    )


# -- deposits ------------------------------------------------------------------------------


async def record_deposit(
    conn: Conn,
    *,
    charge_id: str,
    provider_charge_id: str,
    user_id: int,
    currency: str,
    total_amount: int,
    cents: int,
    now: float,
) -> bool:
    """Keep a payment once per charge id; False if it was recorded before."""
    return await changed_one(
        conn,
        "INSERT INTO deposits (charge_id, provider_charge_id, user_id, currency, total_amount,"
        " cents, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (charge_id) DO NOTHING",
        (charge_id, provider_charge_id, user_id, currency, total_amount, cents, now),
    )


async def deposit(conn: Conn, charge_id: str) -> Deposit | None:
    """One payment by its telegram_payment_charge_id."""
    row = await fetch_one(
        conn, f"SELECT {_DEPOSIT} FROM deposits WHERE charge_id = ?", (charge_id,)
    )
    return _deposit(row) if row else None


async def deposit_by_id(conn: Conn, deposit_id: int) -> Deposit | None:
    """One payment by its number (a Refund button carries it)."""
    row = await fetch_one(conn, f"SELECT {_DEPOSIT} FROM deposits WHERE id = ?", (deposit_id,))
    return _deposit(row) if row else None


async def recent_deposits(conn: Conn, user_id: int, since: float) -> list[Deposit]:
    """A user's payments made at `since` or later, newest first."""
    rows = await fetch_all(
        conn,
        f"SELECT {_DEPOSIT} FROM deposits WHERE user_id = ? AND paid_at >= ?"
        " ORDER BY paid_at DESC, charge_id DESC LIMIT 20",
        (user_id, since),
    )
    return [_deposit(row) for row in rows]


async def start_refund(conn: Conn, charge_id: str) -> int | None:
    """Mark a deposit's refund as under way (its ledger debit is being made); the attempt
    number, or None if a refund is already under way or done. One conditional statement."""
    row = await fetch_one(
        conn,
        "UPDATE deposits SET refund_state = 'pending', refund_attempt = refund_attempt + 1"
        " WHERE charge_id = ? AND refund_state IS NULL RETURNING refund_attempt",
        (charge_id,),
    )
    return int(row[0]) if row else None


async def finish_refund(conn: Conn, charge_id: str, now: float) -> bool:
    """Telegram refunded it: the refund is done (once)."""
    return await changed_one(
        conn,
        "UPDATE deposits SET refund_state = 'done', refunded_at = ?"
        " WHERE charge_id = ? AND refund_state = 'pending'",
        (now, charge_id),
    )


async def drop_refund(conn: Conn, charge_id: str) -> bool:
    """Telegram refused the refund: no refund under way (the debit is undone by the caller)."""
    return await changed_one(
        conn,
        "UPDATE deposits SET refund_state = NULL WHERE charge_id = ? AND refund_state = 'pending'",
        (charge_id,),
    )


# -- payout addresses ------------------------------------------------------------------------


async def payout_address(conn: Conn, user_id: int) -> tuple[str, str] | None:
    """(method, address) where a worker's withdrawals go, if they gave one."""
    row = await fetch_one(
        conn, "SELECT method, address FROM payout_addresses WHERE user_id = ?", (user_id,)
    )
    return (str(row[0]), str(row[1])) if row else None


async def set_payout_address(
    conn: Conn, user_id: int, method: str, address: str, now: float
) -> None:
    """Keep (or replace) where a worker's withdrawals go."""
    await conn.execute(
        "INSERT INTO payout_addresses (user_id, method, address, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET method = excluded.method,"
        " address = excluded.address, updated_at = excluded.updated_at",
        (user_id, method, address, now),
    )


# -- payouts ---------------------------------------------------------------------------------


async def insert_payout(
    conn: Conn,
    *,
    worker_id: int,
    cents: int,
    method: str,
    address: str,
    key: str,
    now: float,
) -> int | None:
    """A new pending payout request; None if one was made under this key before."""
    row = await fetch_one(
        conn,
        "INSERT INTO payouts (worker_id, cents, method, address, request_key, requested_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (request_key) DO NOTHING RETURNING id",
        (worker_id, cents, method, address, key, now),
    )
    return int(row[0]) if row else None


async def requested(conn: Conn, key: str) -> bool:
    """Whether a payout request was made under this key (a double tap)."""
    return await fetch_one(conn, "SELECT 1 FROM payouts WHERE request_key = ?", (key,)) is not None


async def payout(conn: Conn, payout_id: int) -> Payout | None:
    row = await fetch_one(
        conn,
        f"SELECT {_PAYOUT} FROM payouts p JOIN users u ON u.id = p.worker_id WHERE p.id = ?",
        (payout_id,),
    )
    return _payout(row) if row else None


async def worker_payouts(conn: Conn, worker_id: int, limit: int = 3) -> list[Payout]:
    """A worker's latest payout requests, newest first."""
    rows = await fetch_all(
        conn,
        f"SELECT {_PAYOUT} FROM payouts p JOIN users u ON u.id = p.worker_id"
        " WHERE p.worker_id = ? ORDER BY p.id DESC LIMIT ?",
        (worker_id, limit),
    )
    return [_payout(row) for row in rows]


async def pending_payouts(conn: Conn, batch_id: int | None = None) -> list[Payout]:
    """Pending requests, oldest first: all of them, or those exported in one batch."""
    where = "p.batch_id = ?" if batch_id is not None else "1 = 1"
    params: tuple[object, ...] = (batch_id,) if batch_id is not None else ()
    rows = await fetch_all(
        conn,
        f"SELECT {_PAYOUT} FROM payouts p JOIN users u ON u.id = p.worker_id"
        f" WHERE p.status = 'pending' AND {where} ORDER BY p.id",
        params,
    )
    return [_payout(row) for row in rows]


async def new_batch(conn: Conn, now: float) -> int:
    """A new payout batch (an export); its id."""
    return await fetch_value(
        conn, "INSERT INTO payout_batches (exported_at) VALUES (?) RETURNING id", (now,)
    )


async def put_in_batch(conn: Conn, payout_ids: list[int], batch_id: int) -> None:
    """Export: these pending requests (not yet in a batch still open) go in `batch_id`."""
    for payout_id in payout_ids:
        await conn.execute(
            "UPDATE payouts SET batch_id = ? WHERE id = ? AND status = 'pending'",
            (batch_id, payout_id),
        )


async def latest_batch(conn: Conn) -> tuple[int, float, float | None] | None:
    """(id, exported at, paid at) of the newest batch."""
    row = await fetch_one(
        conn, "SELECT id, exported_at, paid_at FROM payout_batches ORDER BY id DESC LIMIT 1"
    )
    if row is None:
        return None
    return int(row[0]), float(row[1]), None if row[2] is None else float(row[2])


async def close_batch(conn: Conn, batch_id: int, now: float) -> bool:
    """Mark a batch paid, once."""
    return await changed_one(
        conn,
        "UPDATE payout_batches SET paid_at = ? WHERE id = ? AND paid_at IS NULL",
        (now, batch_id),
    )


async def decide(
    conn: Conn, payout_id: int, status: str, now: float, reason: str | None = None
) -> bool:
    """A pending request becomes paid or rejected, once (a conditional statement)."""
    return await changed_one(
        conn,
        "UPDATE payouts SET status = ?, decided_at = ?, reason = ?"
        " WHERE id = ? AND status = 'pending'",
        (status, now, reason, payout_id),
    )


async def totals(conn: Conn) -> dict[str, tuple[int, int]]:
    """Payout requests per status: (how many, cents)."""
    rows = await fetch_all(
        conn, "SELECT status, COUNT(*), COALESCE(SUM(cents), 0) FROM payouts GROUP BY status"
    )
    return {str(row[0]): (int(row[1]), int(row[2])) for row in rows}
