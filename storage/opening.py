"""Opening a new HIT in as few statements as publishing allows (Publishing.publish_new)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.domain import Hit, HitSpec
from storage.db import Conn, fetch_one
from storage.hits import _HIT_COLUMNS, HIT_WIDTH, hit_at
from storage.ledger import HELD_BALANCE_SQL, spending_balance_sql
from storage.mturk import ApiSide

# A HIT stored open from named parameters (the WHERE and RETURNING follow).
_INSERT_OPEN = (
    "INSERT INTO hits (requester_id, kind, title, topic, reward_cents, max_assignments,"
    " time_allotted_s, lifetime_s, auto_approve_s, created_at, status, published_at,"
    " expires_at, language, fee_bp) SELECT CAST(:requester AS BIGINT), CAST(:kind AS TEXT),"
    " CAST(:title AS TEXT), CAST(:topic AS TEXT), CAST(:reward AS BIGINT),"
    " CAST(:most AS BIGINT), CAST(:allotted AS BIGINT), CAST(:lifetime AS BIGINT),"
    " CAST(:auto_approve AS BIGINT), CAST(:now AS DOUBLE PRECISION), 'open',"
    " CAST(:now AS DOUBLE PRECISION), CAST(:now AS DOUBLE PRECISION) + :lifetime,"
    " COALESCE(CAST(:language AS TEXT), (SELECT lower(substr(language, 1,"
    " instr(language || '-', '-') - 1)) FROM users WHERE id = :requester)),"
    " CAST(:fee_bp AS BIGINT)"
)
_HAS_CHANNELS = "EXISTS (SELECT 1 FROM channels WHERE requester_id = :requester AND active = 1)"


@dataclass(frozen=True, slots=True)
class Opened:
    hit: Hit
    has_channels: bool  # the requester has linked channels, each of which gets a card


@dataclass(frozen=True, slots=True)
class Opening:
    """A HIT to store open from `spec` (its language, or its requester's), and the money
    its publishing moves: `escrow_cents` from `account`, which must hold them."""

    spec: HitSpec
    requester_id: int
    account: str
    escrow_cents: int
    now: float
    fee_bp: int


def _hit_params(what: Opening) -> dict[str, object]:
    spec = what.spec
    return {
        "account": what.account,
        "escrow": what.escrow_cents,
        "requester": what.requester_id,
        "kind": spec.kind.value,
        "title": spec.title,
        "topic": spec.topic,
        "reward": spec.reward_cents,
        "most": spec.max_assignments,
        "allotted": spec.time_allotted_s,
        "lifetime": spec.lifetime_s,
        "auto_approve": spec.auto_approve_s,
        "now": what.now,
        "fee_bp": what.fee_bp,
        "language": spec.language,
    }


async def insert_open_if_funded(conn: Conn, what: Opening) -> Opened | None:
    """Store a HIT already open (published now, expiring after its lifetime) if `account`
    holds `escrow_cents`; None (nothing stored) if it does not. One statement."""
    rows = await conn.execute_fetchall(
        f"{_INSERT_OPEN} WHERE {spending_balance_sql(conn)} >= :escrow"
        f" RETURNING {_HIT_COLUMNS}, {_HAS_CHANNELS}",
        _hit_params(what),
    )
    for row in rows:
        return Opened(hit_at(row), bool(row[HIT_WIDTH]))
    return None


# PostgreSQL: an API HIT opened whole by one statement (open_api_hit). Each part inserts
# from `h`, the HIT row the first part returns, so when the requester cannot pay (or has
# channels to post a card in) nothing at all is stored. The balance row is locked before it
# is compared: a concurrent publish of the same requester waits and compares with what that
# one left (READ COMMITTED re-reads a row it waited for), so two cannot spend one balance.
_OPEN_API_HIT = f"""WITH h AS ({_INSERT_OPEN}
 WHERE {HELD_BALANCE_SQL} >= :escrow
 AND NOT {_HAS_CHANNELS} RETURNING {_HIT_COLUMNS}),
q AS (INSERT INTO questions (hit_id, position, kind, prompt, options, item, gold, max_len)
 SELECT h.id, s.n - 1, s.kind, s.prompt, s.options, s.item, s.gold, s.max_len FROM h,
 unnest(CAST(:kinds AS TEXT[]), CAST(:prompts AS TEXT[]), CAST(:options AS TEXT[]),
 CAST(:items AS TEXT[]), CAST(:golds AS TEXT[]), CAST(:max_lens AS BIGINT[]))
 WITH ORDINALITY AS s(kind, prompt, options, item, gold, max_len, n) ORDER BY s.n
 RETURNING id, position),
f AS (INSERT INTO mturk_questions (question_id, identifier, selections)
 SELECT q.id, f.identifier, f.selections FROM q JOIN
 unnest(CAST(:identifiers AS TEXT[]), CAST(:selections AS TEXT[]))
 WITH ORDINALITY AS f(identifier, selections, n) ON q.position = f.n - 1),
m AS (INSERT INTO mturk_hits (hit_id, hit_type_id, question, annotation, format)
 SELECT h.id, :type_id, :question, :annotation, :format FROM h),
r AS (INSERT INTO hit_requirements (hit_id, kind, qualification_id, value, comparator)
 SELECT h.id, r.kind, r.qualification_id, r.value, r.comparator FROM h,
 unnest(CAST(:r_kinds AS TEXT[]), CAST(:r_ids AS BIGINT[]), CAST(:r_values AS TEXT[]),
 CAST(:r_comparators AS TEXT[])) WITH ORDINALITY AS r(kind, qualification_id, value,
 comparator, n) ORDER BY r.n),
t AS (UPDATE mturk_tokens AS t SET result = CAST(h.id AS TEXT) FROM h
 WHERE t.requester_id = :requester AND t.operation = 'CreateHIT' AND t.token = :token),
e AS (INSERT INTO ledger (key, from_account, to_account, amount_cents, memo, created_at)
 SELECT 'publish:' || h.id, :account, 'escrow:' || h.id, :escrow, 'publish', :now FROM h
 ON CONFLICT (key) DO NOTHING)
SELECT h.*, {_HAS_CHANNELS} FROM (SELECT 1) AS one LEFT JOIN h ON TRUE"""


async def open_api_hit(conn: Conn, what: Opening, side: ApiSide) -> tuple[Hit | None, bool]:
    """PostgreSQL, outside a transaction: store an MTurk HIT open with its questions, its
    MTurk side (what mturk.attach stores) and its escrow moved, in ONE statement, if
    `account` holds `escrow_cents` and the requester has no linked channel. (The HIT, False);
    (None, False): the requester cannot pay; (None, True): nothing stored because the
    requester has channels, whose cards are queued by publishing's longer way."""
    form_ids, questions = side.form_ids, what.spec.questions
    row = await fetch_one(
        conn,
        _OPEN_API_HIT,
        {
            **_hit_params(what),
            "kinds": [q.kind.value for q in questions],
            "prompts": [q.prompt for q in questions],
            "options": [json.dumps(list(q.options), ensure_ascii=False) for q in questions],
            "items": [q.item for q in questions],
            "golds": [q.gold for q in questions],
            "max_lens": [q.max_len for q in questions],
            "identifiers": [one.identifier for one in form_ids],
            "selections": [json.dumps(list(o.selections), ensure_ascii=False) for o in form_ids],
            "type_id": side.hit_type_id,
            "question": side.question,
            "annotation": side.annotation,
            "format": side.format,
            "r_kinds": [r.kind.value for r in side.requirements],
            "r_ids": [r.qualification_id for r in side.requirements],
            "r_values": [str(r.value) for r in side.requirements],
            "r_comparators": [r.comparator or None for r in side.requirements],
            "token": side.token,
        },
    )
    assert row is not None  # the statement's one row, a HIT stored or not
    return (None, bool(row[HIT_WIDTH])) if row[0] is None else (hit_at(row), False)
