"""The outbox: messages to send, written in the same transaction as their cause."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage import users
from storage.db import (
    Conn,
    changed_one,
    fetch_all,
    fetch_one,
    ids_in_json,
    is_postgres,
    json_object,
)
from storage.stale import passed_offer_edits


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    key: str
    chat_id: int
    kind: str
    priority: int
    payload: dict[str, Any]
    attempts: int
    language: str | None = None  # the chat's (users.language_of) when it was claimed


async def enqueue(
    conn: Conn,
    key: str,
    chat_id: int,
    kind: str,
    priority: int,
    payload: dict[str, Any],
    now: float,
    not_before: float | None = None,
) -> bool:
    """Add a message once per key; False if the key was already queued."""
    return await changed_one(
        conn,
        "INSERT INTO outbox (key, chat_id, kind, priority, payload, not_before, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        (key, chat_id, kind, priority, json.dumps(payload), not_before or now, now),
    )


async def enqueue_batch_approval(
    conn: Conn,
    batch_id: int,
    worker_id: int,
    chat_id: int,
    assignment_id: int,
    cents: int,
    priority: int,
    now: float,
) -> None:
    """One approval notice per worker and batch while it waits to be sent: approving
    another item of the batch (Approve all, an auto-approval pass) adds it to the notice
    still pending instead of queuing a message of its own. Keys: `approved_b:<batch>:
    <worker>:<first assignment>`; the range walks the key index (';' follows ':')."""
    prefix = f"approved_b:{batch_id}:{worker_id}:"
    added = (
        "CAST(CAST(payload AS jsonb) || jsonb_build_object('assignment_ids',"
        " (CAST(payload AS jsonb) -> 'assignment_ids') || to_jsonb(CAST(? AS BIGINT)),"
        " 'cents', CAST(CAST(payload AS jsonb) ->> 'cents' AS BIGINT) + CAST(? AS BIGINT))"
        " AS TEXT)"
        if is_postgres(conn)
        else "json_set(json_insert(payload, '$.assignment_ids[#]', ?),"
        " '$.cents', json_extract(payload, '$.cents') + ?)"
    )
    cur = await conn.execute(
        f"UPDATE outbox SET payload = {added} WHERE key >= ? AND key < ? AND status = 'pending'",
        (assignment_id, cents, prefix, prefix[:-1] + ";"),
    )
    if cur.rowcount:
        return
    payload = {"batch_id": batch_id, "assignment_ids": [assignment_id], "cents": cents}
    await enqueue(
        conn, f"{prefix}{assignment_id}", chat_id, "approved_batch", priority, payload, now
    )


async def enqueue_many(
    conn: Conn,
    rows: list[tuple[str, int]],
    kind: str,
    priority: int,
    payload: dict[str, Any],
    now: float,
) -> None:
    """Add one message per (key, chat_id) in one statement; keys already queued are kept.

    PostgreSQL: one INSERT of the unnested keys and chats, queued in the list's order (a
    statement per row, as executemany sends them, was half the time of recording a push
    wave: bench_matching's whole wave)."""
    body = json.dumps(payload)
    if is_postgres(conn):
        await conn.execute(
            "INSERT INTO outbox (key, chat_id, kind, priority, payload, not_before, created_at)"
            " SELECT r.key, r.chat_id, CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT),"
            " CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION)"
            " FROM unnest(CAST(? AS TEXT[]), CAST(? AS BIGINT[])) WITH ORDINALITY"
            " AS r (key, chat_id, n) ORDER BY r.n ON CONFLICT (key) DO NOTHING",
            (kind, priority, body, now, now, [k for k, _ in rows], [c for _, c in rows]),
        )
        return
    await conn.executemany(
        "INSERT INTO outbox (key, chat_id, kind, priority, payload, not_before, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        [(key, chat_id, kind, priority, body, now, now) for key, chat_id in rows],
    )


async def due(
    conn: Conn, now: float, limit: int, skip_chats: list[int] | None = None
) -> list[OutboxRow]:
    """Pending messages whose time has come, most urgent first, leaving out `skip_chats`;
    each with its chat's language (read here, not once per message when it is drawn)."""
    rows = await fetch_all(
        conn,
        f"SELECT id, key, chat_id, kind, priority, payload, attempts,"
        f" {users.chat_language('outbox.chat_id')} FROM outbox"
        " WHERE status = 'pending' AND not_before <= ?"
        f" AND chat_id NOT IN ({ids_in_json(conn)})"
        " ORDER BY priority, not_before, id LIMIT ?",
        (now, json.dumps(skip_chats or []), limit),
    )
    return [OutboxRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7]) for r in rows]


async def mark_sending_many(conn: Conn, row_ids: list[int], claimer: str) -> set[int]:
    """Claim several rows for process `claimer` in one statement; the ids actually claimed."""
    if not row_ids:
        return set()
    rows = await fetch_all(
        conn,
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_by = ?,"
        " called_at = NULL"
        f" WHERE id IN ({ids_in_json(conn)}) AND status = 'pending' RETURNING id",
        (claimer, json.dumps(row_ids)),
    )
    return {row[0] for row in rows}


async def mark_called(conn: Conn, row_id: int, claimer: str, now: float) -> bool:
    """Record that the Bot API call is about to be made; False if the row is no longer
    this process's claim (another process took it over), so the call must not be made."""
    return await changed_one(
        conn,
        "UPDATE outbox SET called_at = ? WHERE id = ? AND status = 'sending'"
        " AND claimed_by = ? AND called_at IS NULL",
        (now, row_id, claimer),
    )


async def mark_sent_many(conn: Conn, sent: list[tuple[int, int | None]], now: float) -> None:
    """Record several sends at once: (row id, message id)."""
    await conn.executemany(
        "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ? WHERE id = ?",
        [(now, message_id, row_id) for row_id, message_id in sent],
    )


async def mark_sent(conn: Conn, row_id: int, now: float, message_id: int | None) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ? WHERE id = ?",
        (now, message_id, row_id),
    )


async def mark_failed(conn: Conn, row_id: int, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'failed', error = ? WHERE id = ?", (error, row_id)
    )


async def retry_later(conn: Conn, row_id: int, not_before: float, error: str) -> None:
    """Put a row back in the queue after a 429 or a network error."""
    await conn.execute(
        "UPDATE outbox SET status = 'pending', not_before = ?, error = ? WHERE id = ?",
        (not_before, error, row_id),
    )


async def fail_interrupted(conn: Conn, holder: str) -> int:
    """On taking the broadcaster lease over: rows other processes left 'sending' (a crash,
    or a holder that lost the lease). Rows of `holder` itself are left alone. Those never
    called go back to 'pending'; those whose call was made may or may not have reached
    Telegram, so they are marked failed rather than sent again (at most once beats a
    duplicate push). Returns those.
    """
    await conn.execute(
        "UPDATE outbox SET status = 'pending', claimed_by = NULL"
        " WHERE status = 'sending' AND called_at IS NULL AND claimed_by IS DISTINCT FROM ?",
        (holder,),
    )
    cur = await conn.execute(
        "UPDATE outbox SET status = 'failed', error = 'interrupted'"
        " WHERE status = 'sending' AND claimed_by IS DISTINCT FROM ?",
        (holder,),
    )
    return cur.rowcount


async def drop_pending_for_chat(conn: Conn, chat_id: int, kind: str) -> int:
    """Forget queued messages of one kind to a chat (e.g. pushes to a blocked user)."""
    cur = await conn.execute(
        "UPDATE outbox SET status = 'failed', error = 'dropped'"
        " WHERE chat_id = ? AND kind = ? AND status = 'pending'",
        (chat_id, kind),
    )
    return cur.rowcount


async def sent_message(conn: Conn, key: str) -> tuple[int, int] | None:
    """(chat_id, message_id) of a sent message, to edit it later."""
    row = await fetch_one(
        conn, "SELECT chat_id, message_id FROM outbox WHERE key = ? AND status = 'sent'", (key,)
    )
    return (row[0], row[1]) if row and row[1] is not None else None


async def any_due(conn: Conn, now: float) -> bool:
    """Whether anything at all is waiting to be sent now."""
    row = await fetch_one(
        conn, "SELECT 1 FROM outbox WHERE status = 'pending' AND not_before <= ? LIMIT 1", (now,)
    )
    return row is not None


async def any_unsent(conn: Conn, now: float) -> bool:
    """Whether anything is due or being sent (what a flush waits for)."""
    row = await fetch_one(
        conn,
        "SELECT 1 FROM outbox WHERE status = 'sending'"
        " OR (status = 'pending' AND not_before <= ?) LIMIT 1",
        (now,),
    )
    return row is not None


async def status_counts(conn: Conn) -> dict[str, int]:
    """How many rows are in each status (operations, tests, the benchmark)."""
    rows = await fetch_all(conn, "SELECT status, COUNT(*) FROM outbox GROUP BY status")
    return {row[0]: int(row[1]) for row in rows}


async def enqueue_fill_edits(conn: Conn, hit_id: int, priority: int, now: float) -> int:
    """One edit per sent push of a HIT that just filled, in one statement (idempotent).

    The key range `push:<hit>:` .. `push:<hit>;` walks the key index (';' follows ':').
    Chats of workers holding an assignment on the HIT are left out: their push message
    became the task itself. Timed offers that passed on are edited too: when nobody was
    next in line they kept their Accept (bot/matching/offers.py).
    """
    await passed_offer_edits(conn, "filled", hit_id, priority, now)
    cur = await conn.execute(
        "INSERT INTO outbox (key, chat_id, kind, priority, payload, not_before, created_at)"
        " SELECT 'filled:' || CAST(? AS BIGINT) || ':' || o.chat_id, o.chat_id, 'filled',"
        f" CAST(? AS BIGINT), {json_object(conn)}('hit_id', CAST(? AS BIGINT),"
        " 'edit_message_id', o.message_id), CAST(? AS DOUBLE PRECISION),"
        " CAST(? AS DOUBLE PRECISION) FROM outbox o"
        " WHERE o.key >= 'push:' || CAST(? AS BIGINT) || ':'"
        " AND o.key < 'push:' || CAST(? AS BIGINT) || ';'"
        " AND o.kind = 'push' AND o.message_id IS NOT NULL"  # sent (see storage/stale._CARDS)
        " AND o.chat_id NOT IN (SELECT u.tg_id FROM assignments a"
        "   JOIN users u ON u.id = a.worker_id WHERE a.hit_id = ?)"
        " ON CONFLICT (key) DO NOTHING",
        (hit_id, priority, hit_id, now, now, hit_id, hit_id, hit_id),
    )
    return cur.rowcount


async def oldest_waiting(conn: Conn) -> float | None:
    """When the oldest message not yet sent (pending or being sent) was queued; None if none."""
    row = await fetch_one(
        conn, "SELECT MIN(created_at) FROM outbox WHERE status IN ('pending', 'sending')"
    )
    return None if row is None or row[0] is None else float(row[0])
