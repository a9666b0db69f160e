"""Conversation states and user_data kept across restarts (see handlers/ptb/persistence.py)."""

from __future__ import annotations

import json
from typing import Any

from storage.db import Conn, fetch_all, fetch_one


async def conversations(conn: Conn, name: str) -> dict[str, Any]:
    """Every stored state of one conversation, by JSON key."""
    async with conn.execute(
        "SELECT key, state FROM conversation_states WHERE name = ?", (name,)
    ) as cur:
        return {row[0]: json.loads(row[1]) for row in await cur.fetchall()}


async def set_conversation(conn: Conn, name: str, key: str, state: Any) -> None:
    """Store a conversation's state; None ends it (the row goes)."""
    if state is None:
        await conn.execute(
            "DELETE FROM conversation_states WHERE name = ? AND key = ?", (name, key)
        )
        return
    await conn.execute(
        "INSERT INTO conversation_states (name, key, state) VALUES (?, ?, ?)"
        " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
        (name, key, json.dumps(state)),
    )


async def user_data(conn: Conn) -> dict[int, dict[str, Any]]:
    async with conn.execute("SELECT user_id, data FROM conversation_user_data") as cur:
        return {int(row[0]): json.loads(row[1]) for row in await cur.fetchall()}


async def set_user_data(conn: Conn, user_id: int, data: dict[str, Any]) -> None:
    """Store one user's data; an empty dict removes the row."""
    if not data:
        await drop_user_data(conn, user_id)
        return
    await conn.execute(
        "INSERT INTO conversation_user_data (user_id, data) VALUES (?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
        (user_id, json.dumps(data, ensure_ascii=False)),
    )


async def drop_user_data(conn: Conn, user_id: int) -> None:
    await conn.execute("DELETE FROM conversation_user_data WHERE user_id = ?", (user_id,))


async def shared_state(
    conn: Conn, names: list[str], keys: list[str], user_id: int | None
) -> tuple[dict[tuple[str, str], Any], dict[str, Any]]:
    """The stored states of the named conversations at these JSON keys (a pair without a
    row is left out: no conversation there) and one user's data ({} when there is none),
    in one SELECT."""
    names_in = ", ".join("?" * len(names))
    keys_in = ", ".join("?" * len(keys))
    found = await fetch_all(
        conn,
        "SELECT name, key, state FROM conversation_states"
        f" WHERE name IN ({names_in}) AND key IN ({keys_in})"
        " UNION ALL SELECT NULL, CAST(user_id AS TEXT), data FROM conversation_user_data"
        " WHERE user_id = ?",
        (*names, *keys, user_id),
    )
    states = {(row[0], row[1]): json.loads(row[2]) for row in found if row[0] is not None}
    data = next((dict(json.loads(row[2])) for row in found if row[0] is None), {})
    return states, data


async def claim_step(conn: Conn, user_id: int, holder: str, now: float, until: float) -> bool:
    """Hold the user's next conversation step for `holder` until `until`; False while
    another holder has it (and its `until_at` is still ahead of `now`)."""
    row = await fetch_one(
        conn,
        "INSERT INTO conversation_steps (user_id, holder, until_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET holder = excluded.holder,"
        " until_at = excluded.until_at"
        " WHERE conversation_steps.holder = excluded.holder OR conversation_steps.until_at <= ?"
        " RETURNING user_id",
        (user_id, holder, until, now),
    )
    return row is not None


async def release_step(conn: Conn, user_id: int, holder: str) -> None:
    """The step is stored: the user's next update may be taken anywhere."""
    await conn.execute(
        "DELETE FROM conversation_steps WHERE user_id = ? AND holder = ?", (user_id, holder)
    )
