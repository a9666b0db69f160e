"""The append-only ledger: transfers between accounts, once per idempotency key."""

from __future__ import annotations

from storage.db import Conn, changed_one, fetch_all, fetch_one, fetch_value, is_postgres


def requester_account(user_id: int) -> str:
    return f"req:{user_id}"


def worker_account(user_id: int) -> str:
    return f"wrk:{user_id}"


def escrow_account(hit_id: int) -> str:
    return f"escrow:{hit_id}"


def payout_account(payout_id: int) -> str:
    """Where a worker's withdrawal waits until the operator pays it or sends it back."""
    return f"payout:{payout_id}"


WORLD = "world"
FEES = "fees"  # the marketplace's own account: fees on rewards and bonuses


async def transfer(
    conn: Conn,
    key: str,
    from_account: str,
    to_account: str,
    amount_cents: int,
    memo: str,
    now: float,
) -> bool:
    """Move money once per key; False if this key was already recorded."""
    return await changed_one(
        conn,
        "INSERT INTO ledger (key, from_account, to_account, amount_cents, memo, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        (key, from_account, to_account, amount_cents, memo, now),
    )


# An account's balance (everything received minus everything sent) as an SQL expression
# of the named parameter :account; the balances table is kept by a trigger (migration 0015).
BALANCE_SQL = "COALESCE((SELECT cents FROM balances WHERE account = :account), 0)"
# The same on PostgreSQL for a transaction about to spend it (see held_balance).
HELD_BALANCE_SQL = "COALESCE((SELECT cents FROM balances WHERE account = :account FOR UPDATE), 0)"


def spending_balance_sql(conn: Conn) -> str:
    """BALANCE_SQL for a statement that compares the balance with what it will spend."""
    return HELD_BALANCE_SQL if is_postgres(conn) else BALANCE_SQL


async def claim(conn: Conn, account: str, cents: int) -> bool:
    """Hold an account's balance row if it covers `cents`; False if it does not.

    One conditional statement, so two withdrawals at once can't both spend the same money:
    on PostgreSQL the second waits for the first's row lock and re-checks the condition on
    the row the first left; on SQLite write transactions run one at a time anyway. Move
    the money in the same transaction right after."""
    return await changed_one(
        conn, "UPDATE balances SET cents = cents WHERE account = ? AND cents >= ?", (account, cents)
    )


async def balance(conn: Conn, account: str) -> int:
    """Everything received minus everything sent."""
    return await fetch_value(conn, f"SELECT {BALANCE_SQL}", {"account": account})


async def held_balance(conn: Conn, account: str) -> int:
    """The balance, for a transaction that checks it and then spends from it.

    PostgreSQL (READ COMMITTED): the balance row stays locked until the transaction ends,
    so a concurrent spender of the same account waits, then reads what this one left; a
    plain read let two transactions see one balance and both spend it. SQLite: a plain
    read (its write transactions run one at a time)."""
    return await fetch_value(conn, f"SELECT {spending_balance_sql(conn)}", {"account": account})


async def received(conn: Conn, account: str, memo: str) -> int:
    """Total received by an account in transfers with this memo (e.g. 'approve', 'bonus')."""
    row = await fetch_one(
        conn,
        "SELECT COALESCE(SUM(amount_cents), 0) FROM ledger WHERE to_account = ? AND memo = ?",
        (account, memo),
    )
    return int(row[0]) if row else 0


async def escrow_total(conn: Conn, requester_id: int) -> int:
    """Money held in escrow for all of a requester's HITs."""
    row = await fetch_one(
        conn,
        "SELECT COALESCE(SUM(CASE WHEN l.to_account = 'escrow:' || h.id THEN l.amount_cents"
        " ELSE -l.amount_cents END), 0) FROM hits h JOIN ledger l"
        " ON l.to_account = 'escrow:' || h.id OR l.from_account = 'escrow:' || h.id"
        " WHERE h.requester_id = ?",
        (requester_id,),
    )
    return int(row[0]) if row else 0


async def all_balances(conn: Conn) -> dict[str, int]:
    """Every account's balance summed from the ledger itself (for checks: escrow never
    negative, sums match, the balances table agrees)."""
    return {
        row[0]: int(row[1])
        for row in await fetch_all(
            conn,
            "SELECT account, SUM(amount) FROM"
            " (SELECT to_account AS account, amount_cents AS amount FROM ledger"
            " UNION ALL SELECT from_account, -amount_cents FROM ledger) AS moves GROUP BY account",
        )
    }


async def kept_balances(conn: Conn) -> dict[str, int]:
    """The balances table as the trigger keeps it (accounts that ever moved money)."""
    return {
        row[0]: int(row[1]) for row in await fetch_all(conn, "SELECT account, cents FROM balances")
    }


async def held_by_kind(conn: Conn) -> dict[str, int]:
    """Money held per kind of account, from the balances table: {'req': requesters' balances,
    'escrow': every HIT's escrow, 'wrk': workers' balances, 'payout': withdrawals waiting
    to be paid, 'fees': the marketplace's fees, 'world': minus what came in net of what
    went out}."""
    return {
        row[0]: int(row[1])
        for row in await fetch_all(
            conn,
            "SELECT CASE WHEN instr(account, ':') > 0"
            " THEN substr(account, 1, instr(account, ':') - 1) ELSE account END AS kind,"
            " SUM(cents) FROM balances GROUP BY kind",
        )
    }
