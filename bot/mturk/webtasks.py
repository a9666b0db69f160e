"""Web tasks (HTMLQuestion / ExternalQuestion): the links workers open and what they post.

A worker's link carries a token per assignment: the assignment id and an HMAC of it and
the worker under the database's link key (migration 0010), so ids alone open nothing.
MTurk's parameters ride along: assignmentId, hitId, workerId (the alias) and
turkSubmitTo, which ends in the token so that a page posting to
`turkSubmitTo + "/mturk/externalSubmit"`, as MTurk pages do, proves the token back.

The gigbot HIT behind a web task has one free-text question; the posted form is stored
as its answer (JSON, field -> value) and the assignment is submitted like any other.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from enum import Enum
from typing import Unpack
from urllib.parse import urlencode

from bot.clock import Clock
from bot.config import Later
from bot.domain import MAX_STORED_ANSWER, AssignmentStatus, Hit
from bot.market.market import Market
from bot.market.results import WorkResult
from bot.market.views import WorkView
from bot.mturk import _wire as wire
from bot.mturk._taskpage import serve
from bot.mturk._webquestion import WebQuestion, parse_web_question
from storage import assignments, mturk
from storage import mturk_people as people
from storage.db import Database
from storage.usecases import Hooks, UseCases

NOT_AVAILABLE = "ASSIGNMENT_ID_NOT_AVAILABLE"
RESERVED_FIELDS = ("assignmentId", "gigbotToken")
TYPED_FIELD = "answer"  # the QuestionIdentifier of an answer that is not a posted form
# What a posted form may hold: characters per field (its values joined), fields, and the
# whole answer as stored (JSON); a bigger post is refused and nothing is stored.
MAX_FORM_FIELD = 10_000
MAX_FORM_FIELDS = 200
MAX_FORM_TOTAL = MAX_STORED_ANSWER


class WebResult(Enum):
    OK = "ok"
    FORBIDDEN = "forbidden"  # no token, a forged one, or one for someone else
    NOT_ACTIVE = "not_active"  # submitted, returned, expired
    MISMATCH = "mismatch"  # the form names another assignment
    PREVIEW = "preview"  # posted from a preview (ASSIGNMENT_ID_NOT_AVAILABLE)
    TOO_LARGE = "too_large"  # over MAX_FORM_FIELD, MAX_FORM_FIELDS or MAX_FORM_TOTAL
    EMPTY = "empty"  # no field but assignmentId: nothing to record as the answer


@dataclass(frozen=True, slots=True)
class WebOutcome:
    result: WebResult
    html: str = ""
    title: str = ""
    reward_cents: int = 0
    language: str = ""  # the worker's, when the link names them (their page's notes say it)


class WebTasks(UseCases):
    """Links, pages and submissions of web tasks, over the marketplace."""

    def __init__(
        self,
        db: Database,
        market: Market,
        clock: Clock,
        base_url: Later[str],
        **hooks: Unpack[Hooks],
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.market = market
        self.base_url = base_url  # the MTurk server's address, known once it listens
        self._key: bytes | None = None
        self._questions: dict[int, WebQuestion | None] = {}  # by HIT id; never changes

    # -- tokens -------------------------------------------------------------------------------

    async def _mac(self, text: str) -> str:
        if self._key is None:
            async with self.db.reading() as conn:
                self._key = bytes.fromhex(await people.link_key(conn))
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:32]

    async def token(self, assignment_id: int, worker_id: int) -> str:
        return f"{assignment_id}-{await self._mac(f'a:{assignment_id}:{worker_id}')}"

    async def preview_token(self, hit_id: int) -> str:
        return f"{hit_id}-{await self._mac(f'p:{hit_id}')}"

    @staticmethod
    def _id(token: str) -> int | None:
        number, _, mac = token.partition("-")
        if not token.isascii():  # "²" is a digit to isdigit(), and compare_digest refuses it
            return None
        return int(number) if number.isdigit() and len(number) < 19 and mac else None

    # -- which HITs are web tasks -------------------------------------------------------------

    def remember(self, hit_id: int, question: WebQuestion | None) -> None:
        """Note a HIT's web question (or that it has none) as it is created."""
        self._questions[hit_id] = question

    async def question(self, hit_id: int) -> WebQuestion | None:
        """The HIT's HTMLQuestion / ExternalQuestion, or None for any other HIT."""
        if hit_id not in self._questions:
            async with self.db.reading() as conn:
                api = await mturk.api_hit(conn, hit_id)
            self._questions[hit_id] = (
                parse_web_question(api.question) if api is not None and api.web else None
            )
        return self._questions[hit_id]

    # -- links ---------------------------------------------------------------------------------

    def _page(self, question: WebQuestion, path: str, params: dict[str, str]) -> str:
        if question.external_url:
            joiner = "&" if "?" in question.external_url else "?"
            return f"{question.external_url}{joiner}{urlencode(params)}"
        return f"{self.base_url.get()}{path}?{urlencode(params)}"

    async def task_url(self, view: WorkView) -> str | None:
        """Where the worker does this accepted assignment, or None if it is not a web task."""
        if not self.base_url.get() or len(view.questions) != 1:
            return None
        question = await self.question(view.hit.id)
        people = self.market.people
        worker = await people.user_by_id(view.assignment.worker_id) if question else None
        if question is None or worker is None:
            return None
        token = await self.token(view.assignment.id, worker.id)
        params = {
            "assignmentId": wire.assignment_id_text(view.assignment.id),
            "hitId": wire.hit_id_text(view.hit.id),
            "workerId": worker.alias,
            "turkSubmitTo": f"{self.base_url.get()}/w/{token}",
        }
        return self._page(question, f"/w/{token}/task", params)

    async def preview_url(self, hit: Hit) -> str | None:
        """The HIT as a worker sees it before accepting (MTurk's preview), if a web task."""
        if not self.base_url.get():
            return None
        question = await self.question(hit.id)
        if question is None:
            return None
        params = {
            "assignmentId": NOT_AVAILABLE,
            "hitId": wire.hit_id_text(hit.id),
            "turkSubmitTo": self.base_url.get(),
        }
        return self._page(question, f"/p/{await self.preview_token(hit.id)}/task", params)

    # -- pages and submissions ------------------------------------------------------------------

    async def _assignment(self, token: str) -> tuple[WebResult, int, str]:
        """Whether the token opens an assignment now, its id and its worker's language."""
        assignment_id = self._id(token)
        if assignment_id is None:
            return WebResult.FORBIDDEN, 0, ""
        async with self.db.reading() as conn:
            found = await assignments.get(conn, assignment_id)
        if found is None or not hmac.compare_digest(
            token, await self.token(found.id, found.worker_id)
        ):
            return WebResult.FORBIDDEN, 0, ""
        worker = await self.market.people.user_by_id(found.worker_id)
        language = worker.language if worker is not None else ""
        active = (
            found.status is AssignmentStatus.ACCEPTED and found.deadline_at > self.clock.now()
        )
        return (WebResult.OK if active else WebResult.NOT_ACTIVE), found.id, language

    async def page(self, token: str) -> WebOutcome:
        """The HTMLQuestion page of an accepted assignment."""
        result, assignment_id, language = await self._assignment(token)
        if result is not WebResult.OK:
            return WebOutcome(result, language=language)
        view = await self.market.reading.work_view(assignment_id)
        question = await self.question(view.hit.id) if view else None
        if question is None or not question.html:
            return WebOutcome(WebResult.FORBIDDEN, language=language)
        return WebOutcome(WebResult.OK, serve(question.html, f"{self.base_url.get()}/w/{token}"))

    async def preview(self, token: str) -> WebOutcome:
        """The HTMLQuestion page before accepting: the same HTML, nothing can be submitted."""
        hit_id = self._id(token)
        if hit_id is None or not hmac.compare_digest(token, await self.preview_token(hit_id)):
            return WebOutcome(WebResult.FORBIDDEN)
        question = await self.question(hit_id)
        if question is None or not question.html:
            return WebOutcome(WebResult.FORBIDDEN)
        # Submits from a preview reach gigbot too, which says to accept first.
        return WebOutcome(WebResult.OK, serve(question.html, self.base_url.get()))

    async def submit(self, token: str, fields: dict[str, list[str]]) -> WebOutcome:
        """Store the posted form as the assignment's answers and submit the assignment."""
        given = (fields.get("assignmentId") or [""])[0]
        if given == NOT_AVAILABLE:
            return WebOutcome(WebResult.PREVIEW)
        result, assignment_id, language = await self._assignment(token)
        if result is not WebResult.OK:
            return WebOutcome(result, language=language)
        if given and given != wire.assignment_id_text(assignment_id):
            # the token proves which one when none is named
            return WebOutcome(WebResult.MISMATCH, language=language)
        view = await self.market.reading.work_view(assignment_id)
        worker = await self.market.people.user_by_id(view.assignment.worker_id) if view else None
        if view is None or worker is None:
            return WebOutcome(WebResult.FORBIDDEN)
        value = form_value(fields)
        if value is None:
            return WebOutcome(WebResult.TOO_LARGE, language=language)
        if value == "{}":
            return WebOutcome(WebResult.EMPTY, language=language)
        answered, _ = await self.market.working.answer(worker, assignment_id, 0, value)
        if answered not in (WorkResult.OK, WorkResult.STALE):
            return WebOutcome(WebResult.NOT_ACTIVE, language=language)
        # Submitting edits the task's message in Telegram to say so (its timer and Return go).
        submitted, done = await self.market.working.submit(worker, assignment_id)
        if submitted is not WorkResult.OK or done is None:
            return WebOutcome(WebResult.NOT_ACTIVE, language=language)
        title, reward = done.hit.title, done.hit.reward_cents
        return WebOutcome(WebResult.OK, title=title, reward_cents=reward, language=language)


def form_value(fields: dict[str, list[str]]) -> str | None:
    """A posted form as its stored answer (JSON, field -> values joined by |), or None when
    it is over the bounds.

    >>> form_value({"color": ["blue"], "assignmentId": ["GBA00000001"]})
    '{"color": "blue"}'
    """
    answers = {
        name: "|".join(values) for name, values in fields.items() if name not in RESERVED_FIELDS
    }
    if len(answers) > MAX_FORM_FIELDS or any(
        len(name) + len(value) > MAX_FORM_FIELD for name, value in answers.items()
    ):
        return None
    value = json.dumps(answers, ensure_ascii=False, sort_keys=True)
    return value if len(value) <= MAX_FORM_TOTAL else None


def form_answers(value: str) -> list[tuple[str, str]]:
    """A web task's stored answer -> (field, value) pairs, in field order.

    >>> form_answers('{"color": "blue", "note": "clear sky"}')
    [('color', 'blue'), ('note', 'clear sky')]

    A text that is not a posted form (typed in Telegram before web tasks took answers only
    from their page) is one FreeText named "answer", never an empty Answer:

    >>> form_answers("a robin")
    [('answer', 'a robin')]
    """
    try:
        found = json.loads(value)
    except ValueError:
        found = None
    if isinstance(found, dict) and found:
        return [(str(k), str(v)) for k, v in found.items()]
    return [(TYPED_FIELD, value)]
