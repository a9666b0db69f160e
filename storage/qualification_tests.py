"""Custom qualifications with tests (qualification_types.test), attempts and grants."""

from __future__ import annotations

import json

import aiosqlite

from bot.domain import QualificationTest, TestAttempt, TestQuestion
from storage.db import Conn, changed_one, fetch_one, is_postgres

_COLUMNS = "id, requester_id, name, test, pass_percent, score_scale, test_duration_s, retry_delay_s"


def _test(row: aiosqlite.Row) -> QualificationTest:
    questions = tuple(
        TestQuestion(str(q["prompt"]), tuple(q["options"]), int(q["answer"]))
        for q in json.loads(row["test"] or "[]")
    )
    return QualificationTest(
        row["id"], row["requester_id"], row["name"], questions, row["pass_percent"],
        row["score_scale"], row["test_duration_s"], row["retry_delay_s"],
    )  # fmt: skip


async def insert(
    conn: Conn,
    requester_id: int,
    name: str,
    questions: tuple[TestQuestion, ...],
    pass_percent: int,
    now: float,
) -> int | None:
    """Define a qualification with its test; None if the requester already has that name,
    in any case (/require and /grant find names case-insensitively)."""
    test = [{"prompt": q.prompt, "options": list(q.options), "answer": q.answer} for q in questions]
    made = await fetch_one(
        conn,
        "INSERT INTO qualification_types (requester_id, name, test, pass_percent, created_at)"
        " SELECT CAST(?1 AS BIGINT), CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?4 AS BIGINT),"
        " CAST(?5 AS DOUBLE PRECISION) WHERE NOT EXISTS (SELECT 1 FROM qualification_types"
        " WHERE requester_id = ?1 AND lower(name) = lower(?2))"
        " ON CONFLICT (requester_id, name) DO NOTHING RETURNING id",
        (requester_id, name, json.dumps(test, ensure_ascii=False), pass_percent, now),
    )
    return int(made[0]) if made is not None else None


async def get(conn: Conn, qualification_id: int) -> QualificationTest | None:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM qualification_types WHERE id = ? AND active = 1",
        (qualification_id,),
    ) as cur:
        row = await cur.fetchone()
    return _test(row) if row else None


async def of_requester(conn: Conn, requester_id: int) -> list[QualificationTest]:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM qualification_types WHERE requester_id = ? AND active = 1"
        " ORDER BY id",
        (requester_id,),
    ) as cur:
        return [_test(row) for row in await cur.fetchall()]


async def attempt(conn: Conn, worker_id: int, qualification_id: int) -> TestAttempt | None:
    async with conn.execute(
        "SELECT worker_id, qualification_id, answers, status, score_percent, started_at"
        " FROM qualification_attempts WHERE worker_id = ? AND qualification_id = ?",
        (worker_id, qualification_id),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return TestAttempt(row[0], row[1], tuple(json.loads(row[2])), row[3], row[4], row[5])


async def start_attempt(conn: Conn, worker_id: int, qualification_id: int, now: float) -> None:
    await conn.execute(
        "INSERT INTO qualification_attempts (worker_id, qualification_id, started_at)"
        " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (worker_id, qualification_id, now),
    )


async def restart_attempt(
    conn: Conn, worker_id: int, qualification_id: int, started_at: float, now: float
) -> bool:
    """A new attempt in place of a failed one started at `started_at` (a retry); False if
    another request restarted it first."""
    return await changed_one(
        conn,
        "UPDATE qualification_attempts SET answers = '[]', status = 'taking',"
        " score_percent = NULL, started_at = ?, finished_at = NULL"
        " WHERE worker_id = ? AND qualification_id = ? AND status = 'failed' AND started_at = ?",
        (now, worker_id, qualification_id, started_at),
    )


async def record_answer(
    conn: Conn, worker_id: int, qualification_id: int, position: int, option: int
) -> bool:
    """Append the answer to question `position`; False if that is not the next one."""
    appended, length = (
        ("CAST(CAST(answers AS jsonb) || to_jsonb(CAST(? AS BIGINT)) AS TEXT)",
         "json_array_length(CAST(answers AS json))")
        if is_postgres(conn)
        else ("json_insert(answers, '$[#]', ?)", "json_array_length(answers)")
    )  # fmt: skip
    return await changed_one(
        conn,
        f"UPDATE qualification_attempts SET answers = {appended}"
        " WHERE worker_id = ? AND qualification_id = ? AND status = 'taking'"
        f" AND {length} = ?",
        (option, worker_id, qualification_id, position),
    )


async def finish_attempt(
    conn: Conn, worker_id: int, qualification_id: int, passed: bool, score: int, now: float
) -> bool:
    return await changed_one(
        conn,
        "UPDATE qualification_attempts SET status = ?, score_percent = ?, finished_at = ?"
        " WHERE worker_id = ? AND qualification_id = ? AND status = 'taking'",
        ("passed" if passed else "failed", score, now, worker_id, qualification_id),
    )


async def set_test(
    conn: Conn,
    qualification_id: int,
    questions: tuple[TestQuestion, ...],
    score_scale: int | None,
) -> None:
    """Give a qualification its test (scored into its value when `score_scale` is set, as
    an MTurk AnswerKey scores it: everyone who finishes is granted)."""
    test = [{"prompt": q.prompt, "options": list(q.options), "answer": q.answer} for q in questions]
    await conn.execute(
        "UPDATE qualification_types SET test = ?, pass_percent = ?, score_scale = ? WHERE id = ?",
        (
            json.dumps(test, ensure_ascii=False),
            0 if score_scale is not None else 100,
            score_scale,
            qualification_id,
        ),
    )


async def grant_value(
    conn: Conn, worker_id: int, qualification_id: int, value: int, now: float
) -> None:
    """Give the worker the qualification at `value` (a scored test's result)."""
    await conn.execute(
        "INSERT INTO worker_qualifications (worker_id, qualification_id, value, granted_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (worker_id, qualification_id)"
        " DO UPDATE SET value = excluded.value, granted_at = excluded.granted_at",
        (worker_id, qualification_id, value, now),
    )


async def grant(conn: Conn, worker_id: int, qualification_id: int, now: float) -> None:
    """Give the worker the qualification (value 1)."""
    await conn.execute(
        "INSERT INTO worker_qualifications (worker_id, qualification_id, value, granted_at)"
        " VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING",
        (worker_id, qualification_id, now),
    )


async def holds(conn: Conn, worker_id: int, qualification_id: int) -> bool:
    async with conn.execute(
        "SELECT 1 FROM worker_qualifications WHERE worker_id = ? AND qualification_id = ?",
        (worker_id, qualification_id),
    ) as cur:
        return await cur.fetchone() is not None
