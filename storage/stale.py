"""SQL of the edits that keep earlier messages true once what they show has changed.

Each queues outbox rows in the caller's transaction, keyed so a repeat queues nothing
twice; the rows are rendered at send time (bot/delivery/notices.py), from the state then:

* a task's reminders and its task message once the work is submitted, returned, abandoned
  or reviewed (`reminders_over`, `task_message_over`; both at once: `work_over`): their
  buttons go;
* the task message's own timer at each reminder (`task_tick`);
* push cards of a batch once no item of it has a slot left (`batch_fill_edits`), and of
  any HIT once it is cancelled or expired (`closed_card_edits`), like storage/outbox's
  fill edits;
* the "N of M left" of unanswered push cards, at most once a minute per card
  (`count_edits`; best effort, as SPEC says of push counters);
* a requester's dispute card once the dispute is settled (`dispute_card_over`).

`skip` is the (chat, message) the worker pressed, which the handler redraws itself.
"""

from __future__ import annotations

import json

from storage.db import Conn, Row, fetch_one, is_postgres
from storage.dialect import named

NO_MESSAGE = (-1, -1)  # as `skip`: no message to leave out
COUNT_EVERY_S = 60  # push card counters: at most one edit a minute per card

_INSERT = "INSERT INTO outbox (key, chat_id, kind, priority, payload, not_before, created_at)"
OUTBOX_INSERT = _INSERT  # for statements elsewhere that queue edits as these do


# Edits of a task's reminders (keys `remind:<assignment>:...`, bot/deadlines/timers.py) and
# of its task message once the work is over; parameters: priority, now, now, the ids as a
# JSON list, and the (chat, message) left out.
_REMINDERS_OVER = (
    " SELECT 'over:' || r.key, r.chat_id, 'reminder_over', CAST(? AS BIGINT),"
    " json_object('assignment_id', CAST(a.value AS BIGINT), 'edits', r.key),"
    " CAST(? AS DOUBLE PRECISION),"
    " CAST(? AS DOUBLE PRECISION)"
    " FROM json_each(?) a JOIN outbox r ON r.key >= 'remind:' || a.value || ':'"
    " AND r.key < 'remind:' || a.value || ';'"
    " WHERE r.kind = 'reminder' AND r.status IN ('pending', 'sending', 'sent')"
    " AND NOT (r.chat_id = ? AND COALESCE(r.message_id, -2) = ?)"
)
_TASK_OVER = (
    " SELECT 'task_over:' || a.id || ':' || a.status, a.chat_id, 'task_over',"
    " CAST(? AS BIGINT),"
    " json_object('assignment_id', a.id, 'edit_message_id', a.message_id),"
    " CAST(? AS DOUBLE PRECISION),"
    " CAST(? AS DOUBLE PRECISION)"
    " FROM assignments a WHERE a.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))"
    " AND a.chat_id IS NOT NULL AND a.message_id IS NOT NULL"
    " AND NOT (a.chat_id = ? AND a.message_id = ?)"
)
_UPSERT = " ON CONFLICT (key) DO NOTHING"


async def reminders_over(
    conn: Conn,
    assignment_ids: list[int],
    priority: int,
    now: float,
    skip: tuple[int, int] | None = None,
) -> int:
    """Edit every reminder of these assignments (sent, or on its way) to say the work is
    over, without buttons. Returns how many edits were queued."""
    return await _queue_over(conn, (_REMINDERS_OVER,), assignment_ids, priority, now, skip)


async def task_message_over(
    conn: Conn,
    assignment_ids: list[int],
    priority: int,
    now: float,
    skip: tuple[int, int] | None = None,
) -> int:
    """Edit each assignment's task message to where the work stands now (submitted,
    returned, approved, rejected), without the buttons of work in progress; once per
    state, so a review after a submission edits it again. Returns how many edits were
    queued."""
    return await _queue_over(conn, (_TASK_OVER,), assignment_ids, priority, now, skip)


async def work_over(
    conn: Conn,
    assignment_ids: list[int],
    priority: int,
    now: float,
    skip: tuple[int, int] | None = None,
) -> int:
    """`reminders_over` and `task_message_over` in one statement (one round trip to the
    database), the reminders' edits first. Returns how many edits were queued."""
    parts = (_REMINDERS_OVER, _TASK_OVER)
    return await _queue_over(conn, parts, assignment_ids, priority, now, skip)


async def _queue_over(
    conn: Conn,
    parts: tuple[str, ...],
    assignment_ids: list[int],
    priority: int,
    now: float,
    skip: tuple[int, int] | None,
) -> int:
    """Queue the edits the SELECTs in `parts` (each taking the same six parameters) find,
    in one INSERT; how many were queued."""
    chat, message = skip or NO_MESSAGE
    cur = await conn.execute(
        _INSERT + " UNION ALL".join(parts) + _UPSERT,
        (priority, now, now, json.dumps(assignment_ids), chat, message) * len(parts),
    )
    return int(cur.rowcount)


async def task_tick(conn: Conn, assignment_id: int, key: str, priority: int, now: float) -> None:
    """Redraw the task message with the time left now (queued with each reminder)."""
    await conn.execute(
        _INSERT + " SELECT ?, a.chat_id, 'task_tick', CAST(? AS BIGINT),"
        " json_object('assignment_id', a.id, 'edit_message_id', a.message_id),"
        " CAST(? AS DOUBLE PRECISION),"
        " CAST(? AS DOUBLE PRECISION)"
        " FROM assignments a WHERE a.id = ? AND a.chat_id IS NOT NULL"
        " AND a.message_id IS NOT NULL ON CONFLICT (key) DO NOTHING",
        (key, priority, now, now, assignment_id),
    )


# Push cards of the HITs `h`, each with its HIT id, found by the key range `push:<hit>:` ..
# `push:<hit>;` of the key index (';' follows ':'); _CARDS those sent. Only a send writes
# a row's message id (storage/outbox.mark_sent), so "sent" is said by the id alone: a test
# of status = 'sent' drew the planner onto outbox_due, a walk of every message ever sent.
_PUSHES = (
    " FROM hits h JOIN outbox o ON o.key >= 'push:' || h.id || ':'"
    " AND o.key < 'push:' || h.id || ';' AND o.kind = 'push'"
)
_CARDS = _PUSHES + " AND o.message_id IS NOT NULL"


async def batch_fill_edits(conn: Conn, batch_id: int, priority: int, now: float) -> None:
    """A batch with no slot left: every push card of it says so and loses Accept (cards of
    workers with an assignment in the batch became their task and are left alone)."""
    await conn.execute(
        _INSERT + " SELECT 'filled:' || h.id || ':' || o.chat_id, o.chat_id, 'filled',"
        " CAST(? AS BIGINT),"
        " json_object('hit_id', h.id, 'edit_message_id', o.message_id),"
        " CAST(? AS DOUBLE PRECISION),"
        " CAST(? AS DOUBLE PRECISION)"
        + _CARDS
        + " WHERE h.batch_id = ? AND o.chat_id NOT IN (SELECT u.tg_id FROM assignments a"
        "  JOIN hits ah ON ah.id = a.hit_id JOIN users u ON u.id = a.worker_id"
        "  WHERE ah.batch_id = ?)"
        " ON CONFLICT (key) DO NOTHING",
        (priority, now, now, batch_id, batch_id),
    )


async def closed_card_edits(conn: Conn, hit_id: int, priority: int, now: float) -> None:
    """A cancelled or expired HIT: its push cards, and its offers that kept Accept, say so."""
    await conn.execute(
        _INSERT + " SELECT 'closed:' || h.id || ':' || o.chat_id, o.chat_id, 'filled',"
        " CAST(? AS BIGINT),"
        " json_object('hit_id', h.id, 'edit_message_id', o.message_id),"
        " CAST(? AS DOUBLE PRECISION),"
        " CAST(? AS DOUBLE PRECISION)"
        + _CARDS
        + " WHERE h.id = ? AND o.chat_id NOT IN (SELECT u.tg_id FROM assignments a"
        "  JOIN users u ON u.id = a.worker_id WHERE a.hit_id = h.id)"
        " ON CONFLICT (key) DO NOTHING",
        (priority, now, now, hit_id),
    )
    await passed_offer_edits(conn, "closed", hit_id, priority, now)


async def passed_offer_edits(conn: Conn, key: str, hit_id: int, priority: int, now: float) -> None:
    """The HIT's timed offers that passed on (expired, declined) and kept their Accept (when
    nobody was next in line, bot/matching/offers.py) say it is filled or closed: one edit
    each, keyed `<key>:<hit>:<chat>`; offers to workers who hold an assignment on it are
    left alone."""
    await conn.execute(
        _INSERT + " SELECT CAST(? AS TEXT) || ':' || f.hit_id || ':' || o.chat_id, o.chat_id,"
        " 'filled', CAST(? AS BIGINT),"
        " json_object('hit_id', f.hit_id, 'edit_message_id', o.message_id),"
        " CAST(? AS DOUBLE PRECISION),"
        " CAST(? AS DOUBLE PRECISION)"
        " FROM offers f JOIN outbox o ON o.key = 'offer:' || f.id"
        " WHERE f.hit_id = ? AND f.status IN ('expired', 'declined')"
        " AND o.status = 'sent' AND o.message_id IS NOT NULL"
        " AND f.worker_id NOT IN (SELECT a.worker_id FROM assignments a WHERE a.hit_id = ?)"
        " ON CONFLICT (key) DO NOTHING",
        (key, priority, now, now, hit_id, hit_id),
    )


def count_minute(now: float) -> int:
    """The minute a counter redraw queued at `now` belongs to (one per card a minute)."""
    return int(now // COUNT_EVERY_S)


async def count_edits(
    conn: Conn,
    hit_id: int,
    batch_id: int | None,
    priority: int,
    now: float,
    since_id: int = 0,
) -> int:
    """Redraw the unanswered push cards of a HIT (of a batch: of any of its items, each
    card counting the whole batch) at the end of the current minute, once per card a
    minute: rendered then, they show the slots left then. Workers with an assignment on it
    (in the batch) are left out: their card may have become their task.

    Only cards whose outbox id is at least `since_id` are looked at. Returns the id to pass
    next time in the same minute: every card below it was sent by now, so it has its
    redraw this minute from this call or an earlier one, or is left out for good (taken
    or skipped); the cards still on their way, and those to come, are at or above it. So
    the accepts after the minute's first walk only the cards sent since, not every card.
    (On PostgreSQL a wave committing out of id order can hide a card from the rest of the
    minute; the next minute's first walk, from 0, finds it: counters are best effort.)
    """
    # First where this walk ends, then the walk: a card sent in between is above the mark.
    mark_sql, mark_params = _count_mark(hit_id, batch_id, since_id)
    mark = await fetch_one(conn, mark_sql, mark_params)
    walk_sql, walk_params = _count_walk(hit_id, batch_id, priority, now, since_id)
    await conn.execute(walk_sql, walk_params)
    return _next_since(mark, since_id)


async def recount(
    conn: Conn,
    hit_id: int,
    batch_id: int | None,
    chat_id: int,
    priority: int,
    now: float,
    since_id: int = 0,
) -> int:
    """A worker took the HIT from its card: `drop_count_edits` for their chat, then
    `count_edits` for the other cards; returns what `count_edits` returns. On PostgreSQL
    in one statement (one round trip instead of three): the drop touches only this chat's
    rows and the walk leaves this worker out (they hold an assignment now), so doing both
    on one snapshot changes nothing, and the mark and the walk see the same cards."""
    if not is_postgres(conn):
        await drop_count_edits(conn, hit_id, batch_id, chat_id)
        return await count_edits(conn, hit_id, batch_id, priority, now, since_id)
    drop_sql, drop_params = _count_drop(hit_id, batch_id, chat_id)
    mark_sql, mark_params = _count_mark(hit_id, batch_id, since_id)
    walk_sql, walk_params = _count_walk(hit_id, batch_id, priority, now, since_id)
    mark = await fetch_one(
        conn,
        f"WITH dropped AS ({drop_sql}), walked AS ({walk_sql}) {mark_sql}",
        drop_params + walk_params + mark_params,
    )
    return _next_since(mark, since_id)


def _count_mark(hit_id: int, batch_id: int | None, since_id: int) -> tuple[str, tuple[object, ...]]:
    """The lowest id of the cards still on their way, and the highest id, from `since_id`."""
    which = "h.batch_id = ?" if batch_id is not None else "h.id = ?"
    scope = batch_id if batch_id is not None else hit_id
    return (
        "SELECT MIN(CASE WHEN o.status IN ('pending', 'sending') THEN o.id END), MAX(o.id)"
        + _PUSHES
        + f" WHERE {which} AND o.id >= ?",
        (scope, since_id),
    )


def _count_walk(
    hit_id: int,
    batch_id: int | None,
    priority: int,
    now: float,
    since_id: int,
    leave_out: int | None = None,
) -> tuple[str, tuple[object, ...]]:
    """The INSERT of this minute's redraws of the cards from `since_id` (and not the card of
    the worker `leave_out`)."""
    bucket = count_minute(now)
    which = "h.batch_id = ?" if batch_id is not None else "h.id = ?"
    scope = batch_id if batch_id is not None else hit_id
    taken = (
        "SELECT a.worker_id FROM assignments a JOIN hits ah ON ah.id = a.hit_id"
        " WHERE ah.batch_id = ?"
        if batch_id is not None
        else "SELECT a.worker_id FROM assignments a WHERE a.hit_id = ?"
    )
    return (
        _INSERT + " SELECT 'count:' || h.id || ':' || ? || ':' || o.chat_id, o.chat_id,"
        " 'push_count', CAST(? AS BIGINT), json_object('hit_id', h.id, 'edit_message_id',"
        " o.message_id), CAST(? AS DOUBLE PRECISION),"
        " CAST(? AS DOUBLE PRECISION)"
        + _CARDS
        + " JOIN users u ON u.tg_id = o.chat_id"
        " JOIN pushes p ON p.hit_id = h.id AND p.worker_id = u.id AND p.outcome = 'sent'"
        f" WHERE {which} AND o.id >= ? AND u.id NOT IN ({taken})"
        + ("" if leave_out is None else " AND u.id != ?")
        + " ON CONFLICT (key) DO NOTHING",
        (
            bucket,
            priority,
            (bucket + 1) * COUNT_EVERY_S,
            now,
            scope,
            since_id,
            scope,
            *(() if leave_out is None else (leave_out,)),
        ),
    )


def recount_ctes(
    hit_id: int,
    batch_id: int | None,
    worker_id: int,
    chat_id: int,
    priority: int,
    now: float,
    since_id: int,
    taken: str,
) -> tuple[str, dict[str, object]]:
    """PostgreSQL: `recount` as three WITH queries of the statement that takes the HIT
    (storage/accepting.take), with named parameters: `taken` names its WITH query that
    has a row once the worker took the HIT, and the drop and the walk run only then. The
    statement's parts all see the database as it was before it, so the walk leaves the
    worker out by their id (their new assignment is not seen). `count_mark` has the
    mark's one row, for `next_since`."""
    only = f" AND EXISTS (SELECT 1 FROM {taken})"
    drop_sql, drop_params = _count_drop(hit_id, batch_id, chat_id)
    walk_sql, walk_params = _count_walk(hit_id, batch_id, priority, now, since_id, worker_id)
    upsert = " ON CONFLICT (key) DO NOTHING"
    walk_sql = walk_sql.replace(upsert, only + upsert)
    mark_sql, mark_params = _count_mark(hit_id, batch_id, since_id)
    drop, drop_named = named(drop_sql + only, drop_params, "count_drop")
    walk, walk_named = named(walk_sql, walk_params, "count_walk")
    mark, mark_named = named(mark_sql, mark_params, "count_mark")
    return (
        f"count_dropped AS ({drop}), count_walked AS ({walk}), count_mark AS ({mark})",
        {**drop_named, **walk_named, **mark_named},
    )


def next_since(mark: tuple[int | None, int | None] | None, since_id: int) -> int:
    """What `recount` returns, from the mark's row (`recount_ctes`' count_mark)."""
    return _next_since(mark, since_id)


def _next_since(mark: Row | tuple[int | None, int | None] | None, since_id: int) -> int:
    unsent, last = (mark[0], mark[1]) if mark is not None else (None, None)
    if unsent is not None:
        return int(unsent)
    return int(last) + 1 if last is not None else since_id


async def card_unanswered(conn: Conn, hit_id: int, tg_id: int) -> bool:
    """Whether the push card of this HIT in this chat is still only a card: not skipped,
    not taken, and the worker holds no assignment on it (on any item of its batch)."""
    row = await fetch_one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM users u JOIN pushes p ON p.worker_id = u.id"
        " AND p.hit_id = ?1 AND p.outcome = 'sent' JOIN hits h ON h.id = p.hit_id"
        " WHERE u.tg_id = ?2 AND NOT EXISTS (SELECT 1 FROM assignments a"
        "  JOIN hits ah ON ah.id = a.hit_id WHERE a.worker_id = u.id"
        "  AND (ah.id = h.id OR ah.batch_id = h.batch_id)))",
        (hit_id, tg_id),
    )
    return bool(row and row[0])


async def drop_count_edits(
    conn: Conn, hit_id: int, batch_id: int | None, chat_id: int | None = None
) -> None:
    """Forget counter redraws still waiting for the HIT's cards (of any item of its batch),
    or only for one chat: a full HIT's cards are edited to say so instead, and a card its
    worker took became the task. Never sent, they are deleted (not 'failed')."""
    await conn.execute(*_count_drop(hit_id, batch_id, chat_id))


def _count_drop(
    hit_id: int, batch_id: int | None, chat_id: int | None
) -> tuple[str, tuple[object, ...]]:
    which = "IN (SELECT id FROM hits WHERE batch_id = ?)" if batch_id is not None else "= ?"
    return (
        "DELETE FROM outbox WHERE status = 'pending'"
        " AND kind = 'push_count' AND (CAST(? AS BIGINT) IS NULL OR chat_id = ?)"
        f" AND CAST(json_extract(payload, '$.hit_id') AS INTEGER) {which}",
        (chat_id, chat_id, batch_id if batch_id is not None else hit_id),
    )


async def dispute_card_over(conn: Conn, dispute_id: int, priority: int, now: float) -> None:
    """Edit the requester's dispute card once the dispute is settled (upheld, or approved
    when its time ran out): Reverse and Uphold go, the outcome shows. A card not sent yet
    is not sent at all (bot/fair_notices.py renders an open dispute only)."""
    await conn.execute(
        _INSERT + " SELECT 'dispute_over:' || CAST(? AS BIGINT), o.chat_id, 'dispute_over',"
        " CAST(? AS BIGINT),"
        " json_object('dispute_id', CAST(? AS BIGINT), 'edit_message_id', o.message_id),"
        " CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION)"
        " FROM outbox o WHERE o.key = 'dispute:' || CAST(? AS BIGINT) AND o.status = 'sent'"
        " AND o.message_id IS NOT NULL ON CONFLICT (key) DO NOTHING",
        (dispute_id, priority, dispute_id, now, now, dispute_id),
    )
