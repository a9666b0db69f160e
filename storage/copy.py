"""`gigbot db copy SOURCE TARGET`: every row of one marketplace into an empty database of
the other kind (SQLite file <-> PostgreSQL), checked afterwards.

Both databases are migrated to the same schema first. Tables are copied parents first
(foreign keys hold throughout), in chunks ordered by primary key. The triggers of the
target fire as rows arrive; what they keep (worker_stats, balances) is then replaced by
the source's own rows, and `pushes` goes after `assignments` (whose trigger marks pushes
accepted), so the copy is the source as it was. The rows a migration seeds (the link key,
the broadcaster lease) are the source's. On PostgreSQL each table's id sequence is moved
past the highest id copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storage import ledger
from storage.db import Conn, Database, fetch_all, fetch_value, is_postgres

CHUNK = 5000
SEEDED = ("mturk_link_key", "broadcast_lease")  # one row each, made by the migrations
KEPT_BY_TRIGGERS = ("worker_stats", "balances")
NOT_COPIED = ("schema_version",)


class CopyRefused(Exception):
    """The copy cannot start (non-empty target, same database); str() says why."""


class CopyMismatch(Exception):
    """The copy finished but does not match its source; str() says where."""


@dataclass(frozen=True, slots=True)
class Copied:
    rows: dict[str, int]  # rows per table
    ledger_entries: int
    accounts: int


async def tables(conn: Conn) -> list[str]:
    if is_postgres(conn):
        rows = await fetch_all(
            conn,
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        )
    else:
        rows = await fetch_all(
            conn,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
    return sorted(str(r[0]) for r in rows if r[0] not in NOT_COPIED)


async def columns(conn: Conn, table: str) -> list[str]:
    """The table's stored columns (generated ones are computed by the target)."""
    if is_postgres(conn):
        rows = await fetch_all(
            conn,
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = ? AND is_generated = 'NEVER'"
            " ORDER BY ordinal_position",
            (table,),
        )
        return [str(r[0]) for r in rows]
    rows = await fetch_all(conn, f"PRAGMA table_xinfo({table})")
    return [str(r[1]) for r in rows if int(r[6]) == 0]  # hidden: 2, 3 = generated


async def key_columns(conn: Conn, table: str) -> list[str]:
    if is_postgres(conn):
        rows = await fetch_all(
            conn,
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = CAST(? AS regclass)"
            " AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            (table,),
        )
        return [str(r[0]) for r in rows]
    rows = await fetch_all(conn, f"PRAGMA table_info({table})")
    return [str(r[1]) for r in sorted(rows, key=lambda r: int(r[5])) if int(r[5]) > 0]


async def parents(conn: Conn, table: str) -> set[str]:
    """Tables this one references."""
    if is_postgres(conn):
        rows = await fetch_all(
            conn,
            "SELECT DISTINCT CAST(confrelid AS regclass) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid = CAST(? AS regclass)",
            (table,),
        )
        return {str(r[0]) for r in rows} - {table}
    rows = await fetch_all(conn, f"PRAGMA foreign_key_list({table})")
    return {str(r[2]) for r in rows} - {table}


async def copy_order(conn: Conn) -> list[str]:
    """Tables, each after those it references; pushes after assignments."""
    names = await tables(conn)
    needs = {name: await parents(conn, name) for name in names}
    if "pushes" in needs:
        needs["pushes"].add("assignments")
    done: list[str] = []
    while len(done) < len(names):
        ready = [n for n in names if n not in done and needs[n] <= set(done)]
        if not ready:
            raise CopyRefused(f"cannot order the tables: {sorted(set(names) - set(done))}")
        done += ready
    return done


async def move_sequences(conn: Conn, names: list[str]) -> None:
    """After rows were written with their ids (a copy, a bulk load): on PostgreSQL move each
    table's id sequence past the highest id, so the next row gets a new one. (SQLite
    numbers a new row after the highest id by itself.)"""
    if not is_postgres(conn):
        return
    for table in names:
        if "id" not in await columns(conn, table):
            continue
        found = await fetch_all(conn, "SELECT pg_get_serial_sequence(?, 'id')", (table,))
        if found and found[0][0] is not None:
            await conn.execute(
                f"SELECT setval(?, COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",
                (found[0][0],),
            )


async def count(conn: Conn, table: str) -> int:
    return await fetch_value(conn, f"SELECT COUNT(*) FROM {table}")


async def copy_database(
    source: Database, target: Database, progress: Callable[[str, int, int], None]
) -> Copied:
    """Copy every row of `source` into the empty `target` (both open); check and
    return what was copied. `progress(table, done, total)` is called per chunk."""
    async with source.reading() as src:
        order = await copy_order(src)
        totals = {table: await count(src, table) for table in order}
    async with target.reading() as dst:
        filled = [t for t in order if t not in SEEDED and await count(dst, t) > 0]
    if filled:
        raise CopyRefused(
            f"the target is not empty ({', '.join(filled[:5])} have rows):"
            " copy into a new database"
        )
    async with target.transaction() as dst:
        for table in SEEDED:
            await dst.execute(f"DELETE FROM {table}")
        for table in order:
            if table not in KEPT_BY_TRIGGERS:
                await _copy_table(source, dst, table, totals[table], progress)
        for table in KEPT_BY_TRIGGERS:
            await dst.execute(f"DELETE FROM {table}")
            await _copy_table(source, dst, table, totals[table], progress)
        await move_sequences(dst, order)
        # Checked before the commit: a copy that does not match leaves the target empty.
        return await check_copy(source, dst, order)


async def _copy_table(
    source: Database,
    dst: Conn,
    table: str,
    total: int,
    progress: Callable[[str, int, int], None],
) -> None:
    async with source.reading() as src:
        names = [c for c in await columns(src, table) if c in set(await columns(dst, table))]
        keys = await key_columns(src, table) or names
    listed = ", ".join(names)
    insert = f"INSERT INTO {table} ({listed}) VALUES ({', '.join('?' * len(names))})"
    done = 0
    progress(table, 0, total)
    while done < total:
        async with source.reading() as src:
            rows = await fetch_all(
                src,
                f"SELECT {listed} FROM {table} ORDER BY {', '.join(keys)} LIMIT ? OFFSET ?",
                (CHUNK, done),
            )
        if not rows:
            break
        await dst.executemany(insert, [tuple(row) for row in rows])
        done += len(rows)
        progress(table, done, total)


async def check_copy(source: Database, dst: Conn, order: list[str]) -> Copied:
    """Same rows per table, the same ledger, every account's balance the same, summing to
    zero, and the kept balances agreeing with the ledger; CopyMismatch otherwise."""
    async with source.reading() as src:
        rows: dict[str, int] = {}
        for table in order:
            there, here = await count(src, table), await count(dst, table)
            if there != here:
                raise CopyMismatch(f"{table}: {there} rows in the source, {here} copied")
            rows[table] = here
        summed_src = await ledger.all_balances(src)
        summed_dst = await ledger.all_balances(dst)
        kept_dst = await ledger.kept_balances(dst)
        entries = await count(dst, "ledger")
    if summed_src != summed_dst:
        raise CopyMismatch("the ledger's balances differ from the source's")
    if sum(summed_dst.values()) != 0:
        raise CopyMismatch(f"the copied ledger sums to {sum(summed_dst.values())}, not 0")
    if {k: v for k, v in kept_dst.items() if v} != {k: v for k, v in summed_dst.items() if v}:
        raise CopyMismatch("the balances table disagrees with the copied ledger")
    return Copied(rows, entries, len(summed_dst))
