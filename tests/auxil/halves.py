"""The suite's two halves, SQLite and PostgreSQL: pytest hooks conftest.py takes from here.

GIGBOT_TEST_POSTGRES set: the PostgreSQL half (tests/auxil/database.py gives each test a
fresh database on that server). Each half runs what is about its database: PostgreSQL's
own stories (postgres_only) only on it, SQLite's own (files, the demo, the sandbox:
sqlite_only) only on SQLite; the others are deselected, never skipped.
"""

from __future__ import annotations

import pytest

from tests.auxil import database


def pytest_report_header() -> str:
    if database.on_postgres():
        return f"database: PostgreSQL ({database.SERVER})"
    return "database: SQLite (set GIGBOT_TEST_POSTGRES=postgresql://... for PostgreSQL)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the tests about the other database."""
    other = "sqlite_only" if database.on_postgres() else "postgres_only"
    left = [item for item in items if item.get_closest_marker(other) is not None]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if item.get_closest_marker(other) is None]
