"""`gigbot db copy SOURCE TARGET`: move a marketplace between a SQLite file and PostgreSQL.

Prints one line per table (and progress on large ones), then what was checked. Exit codes:
0 copied and checked, 2 refused before writing (a target with rows, a missing source, a
server that cannot be used), 1 copied but not matching its source (nothing is committed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from storage.copy import CopyMismatch, CopyRefused, copy_database
from storage.db import Database
from storage.pg import CannotStart, check_server, describe, is_url


def _name(target: str) -> str:
    return describe(target) if is_url(target) else target


class _Progress:
    """One line when a table starts, progress at most every two seconds, one when done."""

    def __init__(self) -> None:
        self.shown = 0.0

    def __call__(self, table: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == 0:
            print(f"  {table}: {total} rows", flush=True)
            self.shown = now
        elif done < total and now - self.shown >= 2.0:
            print(f"  {table}: {done}/{total} ({100 * done // total}%)", flush=True)
            self.shown = now


async def copy_command(source: str, target: str) -> int:
    """Run the copy; return the exit code."""
    for where in (source, target):
        if is_url(where):
            try:
                await check_server(where)
            except CannotStart as exc:
                print(f"gigbot: {exc}", file=sys.stderr)
                return 2
    if not is_url(source) and not Path(source).is_file():
        print(f"gigbot: no database file {source}", file=sys.stderr)
        return 2
    if source == target:
        print("gigbot: SOURCE and TARGET are the same database", file=sys.stderr)
        return 2
    print(f"copying {_name(source)} -> {_name(target)}", flush=True)
    src, dst = Database(source), Database(target)
    await src.open()
    try:
        await dst.open()
        try:
            copied = await copy_database(src, dst, _Progress())
        finally:
            await dst.close()
    except CopyRefused as exc:
        print(f"gigbot: {exc}", file=sys.stderr)
        return 2
    except CopyMismatch as exc:
        print(f"gigbot: the copy does not match its source, nothing kept: {exc}", file=sys.stderr)
        return 1
    finally:
        await src.close()
    rows = sum(copied.rows.values())
    print(
        f"copied {rows} rows in {len(copied.rows)} tables; checked: the same rows per table,"
        f" {copied.ledger_entries} ledger entries summing to 0 over {copied.accounts} accounts,"
        " the same balance for each",
        flush=True,
    )
    return 0
