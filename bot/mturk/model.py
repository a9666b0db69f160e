"""What the MTurk API stores beside gigbot's own HITs: keys, HIT types, identifiers."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.domain import Assignment


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A requester's access key (the secret is never carried around with it)."""

    access_key_id: str
    requester_id: int
    created_at: float
    revoked_at: float | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class HitType:
    id: str
    requester_id: int
    title: str
    description: str
    keywords: str
    reward_cents: int
    duration_s: int
    auto_approve_s: int
    requirements: str = "[]"  # QualificationRequirements, canonical JSON (part of the identity)

    @property
    def requirement_list(self) -> list[object]:
        """The QualificationRequirements as they were sent."""
        found = json.loads(self.requirements)
        return found if isinstance(found, list) else []


@dataclass(frozen=True, slots=True)
class ApiHit:
    """The MTurk side of a HIT created through the API."""

    hit_id: int
    hit_type_id: str
    question: str
    annotation: str
    disposed_at: float | None
    format: str = "QuestionForm"  # or HTMLQuestion / ExternalQuestion (a web task)

    @property
    def web(self) -> bool:
        return self.format != "QuestionForm"


@dataclass(frozen=True, slots=True)
class FormIds:
    """QuestionForm identifiers of one stored question."""

    identifier: str
    selections: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SlotCounts:
    """A HIT's assignments by state, as MTurk counts them."""

    accepted: int
    submitted: int
    reviewed: int


@dataclass(frozen=True, slots=True)
class Given:
    """One stored answer of a handed-in assignment, with what renders it for MTurk."""

    question_id: int
    kind: str  # the question's kind (QuestionKind value)
    value: str
    form: FormIds | None  # its QuestionForm identifiers; None for a web task's posted form


@dataclass(frozen=True, slots=True)
class HandedIn:
    """An assignment as the API lists it: the worker's alias and the answers, in order."""

    assignment: Assignment
    alias: str
    answers: tuple[Given, ...]
