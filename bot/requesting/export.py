"""Results of a HIT or batch: counts per option, majority label per item, gold accuracy,
and the CSV export (UTF-8 with a BOM so spreadsheets pick the encoding)."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain import Hit, HitStatus, Question, QuestionKind, User
from bot.market.views import answer_label
from bot.requesting.results import GoldScore, ItemResult, OptionCounts, ResultsView
from storage import hits
from storage import requesting as reads
from storage.db import Conn, Database
from storage.requesting import AnswerRow

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class _Loaded:
    hits: list[Hit]
    questions: dict[int, list[Question]]
    rows: list[AnswerRow]
    golds: dict[int, str]
    items: dict[int, str]

    @property
    def counted(self) -> list[AnswerRow]:
        """The answers results count: submitted or approved, not rejected ones."""
        return [r for r in self.rows if r.status != REJECTED]


class Results:
    """Reading results and exporting them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def view(self, requester: User, scope: str, target_id: int) -> ResultsView | None:
        """Counts, majorities and gold scores; None if not this requester's. Counted on a
        worker thread: a batch of 5,000 items has 15,000 answers or more to go through."""
        loaded = await self._load(requester, scope, target_id)
        if loaded is None:
            return None
        return await asyncio.to_thread(_view, loaded, scope, target_id)

    async def export(self, requester: User, scope: str, target_id: int) -> list[tuple[str, bytes]]:
        """CSV documents (filename, bytes): one row per assignment, and one per item
        (written on a worker thread, as `view` counts)."""
        loaded = await self._load(requester, scope, target_id)
        if loaded is None:
            return []
        return await asyncio.to_thread(_files, loaded, scope, target_id)

    async def gold_for(self, worker_id: int, batch_id: int) -> GoldScore | None:
        """The worker's gold accuracy in one batch, if they answered any gold item."""
        async with self.db.reading() as conn:
            tally = await reads.gold_tally(conn, batch_id, worker_id)
        return None if tally is None else GoldScore(worker_id, *tally)

    async def _load(self, requester: User, scope: str, target_id: int) -> _Loaded | None:
        async with self.db.reading() as conn:
            found = await _hits(conn, scope, target_id)
            if not found or any(h.requester_id != requester.id for h in found):
                return None
            if all(h.status is HitStatus.DRAFT for h in found):
                return None
            ids = [h.id for h in found]
            return _Loaded(
                found,
                await hits.questions_of(conn, ids),
                await reads.answer_rows(conn, ids),
                await hits.golds(conn, ids),
                await hits.items(conn, ids),
            )


def _view(loaded: _Loaded, scope: str, target_id: int) -> ResultsView:
    first = loaded.hits[0]
    return ResultsView(
        scope=scope,
        target_id=target_id,
        title=first.title,
        kind=first.kind,
        assignments=len({r.assignment_id for r in loaded.counted}),
        questions=_option_counts(loaded),
        items=_items(loaded) if scope == "b" else (),
        gold=gold_scores(loaded.rows, loaded.golds),
    )


def _files(loaded: _Loaded, scope: str, target_id: int) -> list[tuple[str, bytes]]:
    name = f"batch{target_id}" if scope == "b" else f"hit{target_id}"
    files = [(f"{name}-assignments.csv", _assignments_csv(loaded, scope))]
    if scope == "b":
        files.append((f"{name}-items.csv", _items_csv(_items(loaded))))
    else:
        files.append((f"{name}-options.csv", _options_csv(_option_counts(loaded))))
    return files


async def _hits(conn: Conn, scope: str, target_id: int) -> list[Hit]:
    if scope == "b":
        return await hits.in_batch(conn, target_id)
    one = await hits.get(conn, target_id)
    return [one] if one else []


def gold_scores(rows: list[AnswerRow], golds: dict[int, str]) -> tuple[GoldScore, ...]:
    """Per worker: gold items answered right out of gold items answered, worst first."""
    right: Counter[int] = Counter()
    seen: Counter[int] = Counter()
    aliases: dict[int, str] = {}
    for row in rows:
        if row.question_id in golds:
            seen[row.worker_id] += 1
            right[row.worker_id] += row.value == golds[row.question_id]
            aliases[row.worker_id] = row.alias
    scores = [GoldScore(w, aliases[w], right[w], seen[w]) for w in seen]
    return tuple(sorted(scores, key=lambda s: (s.percent, s.alias)))


def _labels(question: Question) -> tuple[str, ...]:
    if question.kind is QuestionKind.RATING:
        return ("1", "2", "3", "4", "5")
    return question.options


def _option_counts(loaded: _Loaded) -> tuple[OptionCounts, ...]:
    """Per question position, counts over every HIT in scope (a batch shares its labels)."""
    first = loaded.questions[loaded.hits[0].id]
    by_position: dict[int, Counter[str]] = defaultdict(Counter)
    answered: Counter[int] = Counter()
    questions = {q.id: q for qs in loaded.questions.values() for q in qs}
    for row in loaded.counted:
        question = questions[row.question_id]
        answered[row.position] += 1
        if question.kind is QuestionKind.MULTI:
            for pick in row.value.split(","):
                by_position[row.position][pick] += 1
        elif question.kind is not QuestionKind.TEXT:
            by_position[row.position][row.value] += 1
    out = []
    for q in first:
        labels = _labels(q)
        counts = tuple(
            (label, by_position[q.position][str(n if q.kind is not QuestionKind.RATING else n + 1)])
            for n, label in enumerate(labels)
        )
        out.append(OptionCounts(q.prompt, q.kind, counts, answered[q.position]))
    return tuple(out)


def _items(loaded: _Loaded) -> tuple[ItemResult, ...]:
    by_question: dict[int, list[str]] = defaultdict(list)
    for row in loaded.counted:  # once, not once per item (5,000 items x 15,000 answers)
        by_question[row.question_id].append(row.value)
    out = []
    for hit in loaded.hits:
        question = loaded.questions[hit.id][0]
        answers = by_question.get(question.id, [])
        # an answer that picked several labels ("0,2") is a vote for each of them
        votes = Counter(pick for value in answers for pick in value.split(","))
        counts = tuple((label, votes[str(n)]) for n, label in enumerate(question.options))
        total = len(answers)
        top = max(counts, key=lambda c: c[1]) if total else None
        tied = top is not None and sum(1 for c in counts if c[1] == top[1]) > 1
        gold = loaded.golds.get(question.id)
        out.append(
            ItemResult(
                hit_id=hit.id,
                item=loaded.items.get(question.id, question.prompt),
                gold=question.options[int(gold)] if gold is not None else None,
                majority=None if top is None or tied else top[0],
                votes=top[1] if top else 0,
                total=total,
                counts=counts,
            )
        )
    return tuple(out)


def _cell(value: object) -> str:
    """A spreadsheet-safe cell: text that looks like a formula is quoted with '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def _iso(stamp: float | None) -> str:
    if stamp is None:
        return ""
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _assignments_csv(loaded: _Loaded, scope: str) -> bytes:
    questions = {q.id: q for qs in loaded.questions.values() for q in qs}
    by_assignment: dict[int, list[AnswerRow]] = defaultdict(list)
    for row in loaded.rows:
        by_assignment[row.assignment_id].append(row)
    if scope == "b":
        header = [
            "hit_id",
            "item",
            "gold",
            "assignment_id",
            "worker",
            "status",
            "submitted_at_utc",
            "label",
            "gold_correct",
        ]
    else:
        prompts = [q.prompt for q in loaded.questions[loaded.hits[0].id]]
        header = ["hit_id", "assignment_id", "worker", "status", "submitted_at_utc", *prompts]
    rows: list[list[object]] = []
    for answers in by_assignment.values():
        a = answers[0]
        base = [a.assignment_id, a.alias, a.status, _iso(a.submitted_at)]
        if scope == "b":
            question = questions[a.question_id]
            gold = loaded.golds.get(a.question_id)
            rows.append(
                [
                    a.hit_id,
                    loaded.items.get(a.question_id, question.prompt),
                    question.options[int(gold)] if gold is not None else "",
                    *base,
                    answer_label(question, a.value),
                    "" if gold is None else ("yes" if a.value == gold else "no"),
                ]
            )
        else:
            labels = {r.position: answer_label(questions[r.question_id], r.value) for r in answers}
            rows.append([a.hit_id, *base, *(labels.get(p, "") for p in range(len(header) - 5))])
    return _csv(header, rows)


def _items_csv(items: tuple[ItemResult, ...]) -> bytes:
    labels = [label for label, _ in items[0].counts] if items else []
    header = ["hit_id", "item", "gold", "majority_label", "agreement_percent", "answers", *labels]
    rows: list[list[object]] = [
        [
            i.hit_id,
            i.item,
            i.gold or "",
            i.majority or "",
            i.agreement_percent if i.total else "",
            i.total,
            *(n for _, n in i.counts),
        ]
        for i in items
    ]
    return _csv(header, rows)


def _options_csv(questions: tuple[OptionCounts, ...]) -> bytes:
    rows: list[list[object]] = []
    for number, q in enumerate(questions, start=1):
        if q.kind is QuestionKind.TEXT:
            rows.append([number, q.prompt, "(free text)", q.answered])
        rows.extend([number, q.prompt, label, n] for label, n in q.counts)
    return _csv(["question", "prompt", "option", "count"], rows)
