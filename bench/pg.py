"""Benchmarks on PostgreSQL: `--postgres URL` names a server the bench may create a
throwaway database on (dropped afterwards), e.g. the one `.ci/postgres start DIR` prints."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]


@asynccontextmanager
async def bench_database(postgres: str | None, tmp: Path, name: str) -> AsyncIterator[str]:
    """A SQLite file in `tmp`, or a fresh database on the `postgres` server (its URL)."""
    if not postgres:
        yield str(tmp / f"{name}.sqlite3")
        return
    db_name = f"bench_{name}_{os.getpid()}"
    admin = await asyncpg.connect(postgres)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {db_name}")
    finally:
        await admin.close()
    try:
        yield postgres.rsplit("/", 1)[0] + "/" + db_name
    finally:
        admin = await asyncpg.connect(postgres)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
        finally:
            await admin.close()
