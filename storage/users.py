"""Users: workers and requesters, known by their Telegram id and a stable alias."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

import aiosqlite

from bot.domain import User
from storage.db import Conn, Database, changed_one, fetch_all, fetch_one, is_postgres

T = TypeVar("T")

_COLUMNS = "id, tg_id, alias, first_name, timezone, is_worker, is_requester, active, language"


def _user(row: aiosqlite.Row) -> User:
    return User(
        id=row["id"],
        tg_id=row["tg_id"],
        alias=row["alias"],
        first_name=row["first_name"],
        timezone=row["timezone"],
        is_worker=bool(row["is_worker"]),
        is_requester=bool(row["is_requester"]),
        active=bool(row["active"]),
        language=row["language"],
    )


def user_from(row: aiosqlite.Row, start: int) -> User:
    """A user from a joined row whose user columns (in `_COLUMNS` order) begin at `start`."""
    return User(
        id=row[start],
        tg_id=row[start + 1],
        alias=row[start + 2],
        first_name=row[start + 3],
        timezone=row[start + 4],
        is_worker=bool(row[start + 5]),
        is_requester=bool(row[start + 6]),
        active=bool(row[start + 7]),
        language=row[start + 8],
    )


async def by_tg_id(conn: Conn, tg_id: int) -> User | None:
    """The user with this Telegram id, if registered."""
    row = await fetch_one(conn, f"SELECT {_COLUMNS} FROM users WHERE tg_id = ?", (tg_id,))
    return _user(row) if row else None


async def kept_by_tg_id(db: Database, tg_id: int) -> User | None:
    """`by_tg_id`, for every update's sender: on PostgreSQL kept by this process (kept),
    so a tap sends no statement for it; a user not registered is never kept (they may
    register through another process)."""
    return await kept(db, tg_id, lambda conn: by_tg_id(conn, tg_id))


async def kept(db: Database, key: object, read: Callable[[Conn], Awaitable[T | None]]) -> T | None:
    """What `read` finds (one indexed read), kept under `key` on PostgreSQL by this
    process while it hears every change any process makes to users (storage/pg.Kept: a
    changed user, or another row whose notices say so, e.g. an API key, migration 0030);
    None is never kept."""
    store = db.pg.users if db.pg is not None else None
    begun = 0
    if store is not None:
        found = store.get(key)
        if found is not None:
            return cast(T, found)
        begun = store.begin()
    async with db.reading(quick=True) as conn:
        value = await read(conn)
    if store is not None and value is not None:
        store.put(key, value, begun)
    return value


def changing(conn: Conn) -> None:
    """Before a statement changing users: see storage/pg.PgConn.change_users (PostgreSQL;
    SQLite keeps nothing)."""
    if is_postgres(conn):
        conn.change_users()  # type: ignore[union-attr]


async def by_id(conn: Conn, user_id: int) -> User | None:
    """The user with this internal id."""
    row = await fetch_one(conn, f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,))
    return _user(row) if row else None


async def by_alias(conn: Conn, alias: str) -> User | None:
    """The user shown to requesters as `alias`."""
    row = await fetch_one(conn, f"SELECT {_COLUMNS} FROM users WHERE alias = ?", (alias.upper(),))
    return _user(row) if row else None


async def alias_taken(conn: Conn, alias: str) -> bool:
    return await fetch_one(conn, "SELECT 1 FROM users WHERE alias = ?", (alias,)) is not None


async def insert(
    conn: Conn, tg_id: int, alias: str, first_name: str, language: str, now: float
) -> None:
    """Add a user unless one with this Telegram id exists."""
    await conn.execute(
        "INSERT INTO users (tg_id, alias, first_name, language, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tg_id) DO NOTHING",
        (tg_id, alias, first_name, language, now),
    )


async def set_active(conn: Conn, tg_id: int, active: bool) -> bool:
    """Mark a user (in)active, e.g. after they blocked the bot; True if it changed."""
    changing(conn)
    return await changed_one(
        conn,
        "UPDATE users SET active = ? WHERE tg_id = ? AND active != ?",
        (int(active), tg_id, int(active)),
    )


async def mark_requester(conn: Conn, user_id: int) -> None:
    changing(conn)
    await conn.execute("UPDATE users SET is_requester = 1 WHERE id = ?", (user_id,))


async def requester_tg_ids(conn: Conn) -> list[int]:
    """Telegram ids of every user who has been funded or posted a HIT."""
    rows = await fetch_all(conn, "SELECT tg_id FROM users WHERE is_requester = 1 ORDER BY tg_id")
    return [int(row[0]) for row in rows]


async def requester_languages(conn: Conn) -> dict[int, str]:
    """The language of every requester, by Telegram id (their chat menus are in it)."""
    rows = await fetch_all(
        conn, "SELECT tg_id, language FROM users WHERE is_requester = 1 ORDER BY tg_id"
    )
    return {int(row[0]): str(row[1]) for row in rows}


async def set_language(conn: Conn, tg_id: int, language: str) -> None:
    """The language gigbot speaks to this user from now on (/language)."""
    changing(conn)
    await conn.execute("UPDATE users SET language = ? WHERE tg_id = ?", (language, tg_id))


def chat_language(chat: str) -> str:
    """SQL for what `language_of` reads, for the chat whose id is the SQL `chat` (a column)."""
    return (
        f"CASE WHEN {chat} < 0 THEN (SELECT c.language FROM channels c WHERE c.chat_id = {chat}"
        " ORDER BY c.active DESC, c.id DESC LIMIT 1)"
        f" ELSE (SELECT u.language FROM users u WHERE u.tg_id = {chat}) END"
    )


async def language_of(conn: Conn, chat_id: int) -> str | None:
    """The language of a private chat's user, or of a linked channel (its id is negative)."""
    if chat_id < 0:
        sql = "SELECT language FROM channels WHERE chat_id = ? ORDER BY active DESC, id DESC"
    else:
        sql = "SELECT language FROM users WHERE tg_id = ?"
    row = await fetch_one(conn, sql, (chat_id,))
    return str(row[0]) if row else None
