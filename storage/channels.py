"""Linked channels and the cards posted there (the card is an outbox row)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.domain import Channel, ChannelCard, Priority
from storage import outbox
from storage.db import Conn, changed_one, fetch_all, fetch_one

_LEFT_OF_HIT = (
    "(SELECT CASE WHEN h.status IN ('open', 'paused') THEN h.max_assignments - h.slots_used"
    " ELSE 0 END FROM hits h WHERE h.id = p.hit_id)"
)
_LEFT_OF_BATCH = (
    "(SELECT COALESCE(SUM(CASE WHEN h.status IN ('open', 'paused')"
    " THEN h.max_assignments - h.slots_used ELSE 0 END), 0) FROM hits h"
    " WHERE h.batch_id = p.batch_id)"
)
_LEFT = f"CASE WHEN p.hit_id IS NOT NULL THEN {_LEFT_OF_HIT} ELSE {_LEFT_OF_BATCH} END"
EDIT_EVERY_S = 60.0


def card_key(post_id: int) -> str:
    """The outbox key of a channel card (its message id is kept there once sent)."""
    return f"chancard:{post_id}"


def _channel(row: aiosqlite.Row) -> Channel:
    return Channel(
        id=row["id"],
        requester_id=row["requester_id"],
        chat_id=row["chat_id"],
        title=row["title"],
        active=bool(row["active"]),
    )


async def link(
    conn: Conn, requester_id: int, chat_id: int, title: str, now: float, language: str = "en"
) -> bool:
    """Link (or re-link) a channel to a requester, its cards in `language`; False if it was
    already linked."""
    return await changed_one(
        conn,
        "INSERT INTO channels (requester_id, chat_id, title, linked_at, language)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (requester_id, chat_id) DO UPDATE SET active = 1, title = excluded.title,"
        " linked_at = excluded.linked_at, language = excluded.language"
        " WHERE channels.active = 0",
        (requester_id, chat_id, title, now, language),
    )


async def set_language(conn: Conn, requester_id: int, chat_id: int, language: str) -> None:
    """The language of a linked channel's cards from now on."""
    await conn.execute(
        "UPDATE channels SET language = ? WHERE requester_id = ? AND chat_id = ?",
        (language, requester_id, chat_id),
    )


async def unlink(conn: Conn, requester_id: int, chat_id: int) -> bool:
    """Stop posting to one of the requester's channels; False if it was not linked."""
    return await changed_one(
        conn,
        "UPDATE channels SET active = 0 WHERE requester_id = ? AND chat_id = ? AND active = 1",
        (requester_id, chat_id),
    )


async def deactivate_chat(conn: Conn, chat_id: int) -> int:
    """The bot lost a channel or group: every link to it stops, queued cards are dropped."""
    cur = await conn.execute(
        "UPDATE channels SET active = 0 WHERE chat_id = ? AND active = 1", (chat_id,)
    )
    await conn.execute(
        "UPDATE outbox SET status = 'failed', error = 'channel unlinked'"
        " WHERE chat_id = ? AND status = 'pending'",
        (chat_id,),
    )
    return cur.rowcount


async def linked(conn: Conn, requester_id: int) -> list[Channel]:
    """The requester's active channels, oldest link first."""
    rows = await fetch_all(
        conn,
        "SELECT id, requester_id, chat_id, title, active FROM channels"
        " WHERE requester_id = ? AND active = 1 ORDER BY linked_at, id",
        (requester_id,),
    )
    return [_channel(row) for row in rows]


async def enqueue_channel_cards(
    conn: Conn,
    requester_id: int,
    hit_id: int | None = None,
    batch_id: int | None = None,
    *,
    now: float,
) -> int:
    """Queue a card for a published HIT or batch in each of the requester's channels.

    Call it inside the transaction that publishes; calling it twice posts nothing twice.
    Returns how many cards were queued.
    """
    if (hit_id is None) == (batch_id is None):
        raise ValueError("give exactly one of hit_id and batch_id")
    queued = 0
    for channel in await linked(conn, requester_id):
        made = await fetch_one(
            conn,
            "INSERT INTO channel_posts (channel_id, chat_id, hit_id, batch_id, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (channel.id, channel.chat_id, hit_id, batch_id, now),
        )
        if made is None:
            continue
        post_id = int(made[0])
        await conn.execute(
            f"UPDATE channel_posts AS p SET shown_left = {_LEFT} WHERE p.id = ?", (post_id,)
        )
        queued += await outbox.enqueue(
            conn,
            card_key(post_id),
            channel.chat_id,
            "channel_card",
            Priority.PUSH,
            {"post_id": post_id},
            now,
        )
    return queued


async def card(conn: Conn, post_id: int) -> ChannelCard | None:
    """The card of a post as it should read now."""
    row = await fetch_one(
        conn,
        f"SELECT p.id, p.chat_id, p.hit_id, p.batch_id, p.closed, {_LEFT} AS left_now,"
        " COALESCE(h.title, b.title) AS title,"
        " COALESCE(h.reward_cents, (SELECT MIN(reward_cents) FROM hits WHERE batch_id = b.id))"
        " AS reward,"
        " COALESCE(h.time_allotted_s, (SELECT MAX(time_allotted_s) FROM hits"
        " WHERE batch_id = b.id)) AS time_s,"
        " COALESCE(h.max_assignments, (SELECT SUM(max_assignments) FROM hits"
        " WHERE batch_id = b.id)) AS total"
        " FROM channel_posts p LEFT JOIN hits h ON h.id = p.hit_id"
        " LEFT JOIN batches b ON b.id = p.batch_id WHERE p.id = ?",
        (post_id,),
    )
    if row is None or row["title"] is None:
        return None
    left = int(row["left_now"] or 0)
    return ChannelCard(
        post_id=row["id"],
        chat_id=row["chat_id"],
        hit_id=row["hit_id"],
        batch_id=row["batch_id"],
        title=row["title"],
        reward_cents=int(row["reward"] or 0),
        time_allotted_s=int(row["time_s"] or 0),
        total=int(row["total"] or 0),
        left=left,
        closed=bool(row["closed"]) or left <= 0,
    )


@dataclass(frozen=True, slots=True)
class _Stale:
    post_id: int
    chat_id: int
    message_id: int
    edits: int
    left_now: int


async def queue_counter_edits(conn: Conn, now: float, limit: int = 500) -> int:
    """Queue one edit for each card whose count changed, at most once a minute per card.

    A card whose slots ran out is edited to "closed" and left alone unless a slot comes
    back while its HIT is open (the channel_posts_reopen trigger clears `closed`).
    """
    rows = await fetch_all(
        conn,
        f"SELECT p.id, p.chat_id, o.message_id, p.edits, p.shown_left, {_LEFT} AS left_now"
        " FROM channel_posts p JOIN outbox o ON o.key = 'chancard:' || p.id"
        " AND o.status = 'sent' AND o.message_id IS NOT NULL"
        " JOIN channels c ON c.id = p.channel_id AND c.active = 1"
        " WHERE p.closed = 0 AND COALESCE(p.edited_at, p.created_at) <= ? LIMIT ?",
        (now - EDIT_EVERY_S, limit),
    )
    stale = [
        _Stale(r["id"], r["chat_id"], r["message_id"], r["edits"], int(r["left_now"] or 0))
        for r in rows
        if r["shown_left"] != r["left_now"] or not r["left_now"]
    ]
    for post in stale:
        edit = post.edits + 1
        await outbox.enqueue(
            conn,
            f"chanedit:{post.post_id}:{edit}",
            post.chat_id,
            "channel_edit",
            Priority.PUSH,
            {"post_id": post.post_id, "edit_message_id": post.message_id},
            now,
        )
        await conn.execute(
            "UPDATE channel_posts SET shown_left = ?, edits = ?, edited_at = ?, closed = ?"
            " WHERE id = ?",
            (post.left_now, edit, now, int(post.left_now <= 0), post.post_id),
        )
    return len(stale)
