"""Qualification requirements on HITs and custom qualifications granted by requesters.

System values (approval rate, approved count) are not stored here: triggers keep
`worker_stats` current as assignments are accepted, submitted and reviewed (migration
0006), so a worker whose approval rate drops below a HIT's requirement stops being
pushed it and cannot accept it from that moment on. Counters beat recomputing from
assignments because matching filters and ranks 100,000 workers per wave by index.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import HitStatus, Priority, Requirement, RequirementKind, User, WorkerStats
from bot.matching.results import GrantResult, RequireResult
from bot.parsing import ParseError, Words, whole_number
from storage import hits, outbox, users
from storage import qualifications as store
from storage.db import retrying
from storage.usecases import UseCases

MAX_QUALIFICATION_NAME = 40
_KIND_WORDS = {
    "approval": RequirementKind.APPROVAL_RATE,
    "approved": RequirementKind.APPROVED_COUNT,
    "locale": RequirementKind.LOCALE,
    "qual": RequirementKind.QUALIFICATION,
    "qualification": RequirementKind.QUALIFICATION,
}


@dataclass(frozen=True, slots=True)
class DraftRef:
    """What /require is about: HIT 12 ("12" or "#12") or every item of batch 3 ("b3")."""

    id: int
    batch: bool = False


def parse_draft_ref(text: str) -> DraftRef:
    """ "12" -> DraftRef(12); "#12" -> DraftRef(12); "b3" -> DraftRef(3, batch=True)."""
    word = text.lower().lstrip("#")
    batch = word.startswith("b")
    number = whole_number(word[1:] if batch else word)
    if number is None:
        raise ParseError("give a HIT id (12) or a batch id (b3), a kind of requirement and a value")
    return DraftRef(number, batch)


def parse_requirement(args: list[str]) -> tuple[DraftRef, Requirement]:
    """Parse `/require` arguments into (draft, requirement).

    ["12", "approval", "95"] -> (DraftRef(12), Requirement(APPROVAL_RATE, "95"));
    ["b3", "approved", "10"] -> (DraftRef(3, batch=True), Requirement(APPROVED_COUNT, "10"));
    ["12", "locale", "de"] -> (DraftRef(12), Requirement(LOCALE, "de"));
    ["12", "qual", "Trusted", "2"] -> (DraftRef(12), Requirement(QUALIFICATION, "2",
    qualification_name="Trusted")); the minimum value defaults to 1.
    """
    if len(args) < 3:
        raise ParseError("give a HIT id (12) or a batch id (b3), a kind of requirement and a value")
    draft, word, rest = parse_draft_ref(args[0]), args[1].lower(), args[2:]
    kind = _KIND_WORDS.get(word)
    if kind is None:
        raise ParseError("'{word}' is not approval, approved, locale or qual", word=word)
    if kind is RequirementKind.APPROVAL_RATE:
        value = _whole(rest, Words("the approval rate"))
        if not 0 <= value <= 100:
            raise ParseError("the approval rate must be 0 to 100")
        return draft, Requirement(kind, str(value))
    if kind is RequirementKind.APPROVED_COUNT:
        return draft, Requirement(kind, str(_whole(rest, Words("the approved count"))))
    if kind is RequirementKind.LOCALE:
        code = rest[0].lower() if len(rest) == 1 else ""
        if not (2 <= len(code) <= 8 and code.replace("-", "").isalpha()):
            raise ParseError("the locale is a language code like en or pt-br")
        return draft, Requirement(kind, code)
    ref, level = parse_qualification_ref(rest)
    minimum = 1 if level is None else level
    return draft, Requirement(kind, str(minimum), ref.number, ref.name)


@dataclass(frozen=True, slots=True)
class QualificationRef:
    """One of the requester's custom qualifications, by name or by the number /qualify gave."""

    name: str = ""
    number: int | None = None


def parse_qualification_ref(words: list[str]) -> tuple[QualificationRef, int | None]:
    """Parse a qualification and an optional level: a final whole number is the level.

    ["Bird", "expert"] -> (QualificationRef("Bird expert"), None);
    ["Bird", "expert", "2"] -> (QualificationRef("Bird expert"), 2);
    ["#1"] or ["1"] -> (QualificationRef(number=1), None);
    ["#1", "3"] -> (QualificationRef(number=1), 3).
    """
    level = None
    if len(words) > 1 and whole_number(words[-1]) is not None:
        words, level = words[:-1], whole_number(words[-1])
    number = whole_number(words[0].removeprefix("#")) if len(words) == 1 else None
    if number is not None:
        return QualificationRef(number=number), level
    return QualificationRef(parse_qualification_name(" ".join(words))), level


def parse_grant(args: list[str], levels: bool) -> tuple[str, QualificationRef, int]:
    """/grant's (levels) or /revoke's arguments: a worker alias, a qualification, a level.

    ["W-7F3K", "Bird", "expert", "3"] -> ("W-7F3K", QualificationRef("Bird expert"), 3);
    ["w-7f3k", "#1"] -> ("W-7F3K", QualificationRef(number=1), 1).
    """
    if len(args) < 2:
        raise ParseError("give a worker alias and a qualification (its name or #number)")
    ref, level = parse_qualification_ref(args[1:])
    if level is not None and not levels:
        raise ParseError("/revoke takes a qualification's name or #number, no level")
    return args[0].upper(), ref, 1 if level is None else level


def parse_qualification_name(text: str) -> str:
    """A custom qualification's name, spaces collapsed: " Bird   expert " -> "Bird expert"."""
    name = " ".join(text.split())
    if not name:
        raise ParseError("give the qualification's name or its number (#1)")
    if len(name) > MAX_QUALIFICATION_NAME:
        raise ParseError(
            "a qualification name is 1 to {most} characters", most=MAX_QUALIFICATION_NAME
        )
    return name


def _whole(rest: list[str], what: str) -> int:
    value = whole_number(rest[0]) if len(rest) == 1 else None
    if value is None:
        raise ParseError("{what} must be a whole number", what=Words(what))
    return value


class Qualifications(UseCases):
    """Use-cases: require things of a HIT, grant and revoke custom qualifications."""

    @retrying
    async def require(
        self, requester: User, draft: DraftRef, requirement: Requirement
    ) -> tuple[RequireResult, Requirement]:
        """Add a requirement to the requester's draft HIT, or to every item of a draft
        batch (before anyone is pushed it); also the requirement as stored (a custom
        qualification with its id and stored name)."""
        async with self.db.transaction() as conn:
            if draft.batch:
                found_hits = await hits.in_batch(conn, draft.id)
            else:
                one = await hits.get(conn, draft.id)
                found_hits = [one] if one is not None else []
            if not found_hits or any(h.requester_id != requester.id for h in found_hits):
                return RequireResult.NOT_FOUND, requirement
            if any(h.status is not HitStatus.DRAFT for h in found_hits):
                return RequireResult.NOT_DRAFT, requirement
            if requirement.kind is RequirementKind.QUALIFICATION:
                found = await store.own_type(
                    conn,
                    requester.id,
                    requirement.qualification_name,
                    requirement.qualification_id,
                )
                if found is None:
                    return RequireResult.UNKNOWN_QUALIFICATION, requirement
                requirement = Requirement(requirement.kind, requirement.value, *found)
            for hit in found_hits:
                await store.add_requirement(conn, hit.id, requirement)
        return RequireResult.OK, requirement

    async def requirements(self, hit_id: int) -> list[Requirement]:
        async with self.db.reading() as conn:
            return await store.requirements(conn, hit_id)

    @retrying
    async def grant(
        self, requester: User, alias: str, ref: QualificationRef, value: int
    ) -> tuple[GrantResult, str]:
        """Give a worker the requester's custom qualification (a new name is made on first
        use; a number must be one of theirs); also the qualification's stored name."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            worker = await users.by_alias(conn, alias)
            if worker is None or worker.id == requester.id:
                return GrantResult.UNKNOWN_WORKER, ref.name
            found = await store.own_type(conn, requester.id, ref.name, ref.number)
            if found is None and ref.number is not None:
                return GrantResult.UNKNOWN_QUALIFICATION, ref.name
            if found is None:
                found = await store.create_type(conn, requester.id, ref.name, now), ref.name
            qual_id, name = found
            if not await store.grant(conn, worker.id, qual_id, value, now):
                return GrantResult.UNCHANGED, name
            await outbox.enqueue(
                conn,
                f"qualified:{qual_id}:{worker.id}:{value}:{now}",
                worker.tg_id,
                "qualified",
                Priority.NOTIFICATION,
                {"name": name, "value": value},
                now,
            )
        self.on_outbox()
        return GrantResult.OK, name

    @retrying
    async def revoke(
        self, requester: User, alias: str, ref: QualificationRef
    ) -> tuple[GrantResult, str]:
        """Take a custom qualification away; the worker stops qualifying at once."""
        async with self.db.transaction() as conn:
            worker = await users.by_alias(conn, alias)
            if worker is None:
                return GrantResult.UNKNOWN_WORKER, ref.name
            found = await store.own_type(conn, requester.id, ref.name, ref.number)
            if found is None and ref.number is not None:
                return GrantResult.UNKNOWN_QUALIFICATION, ref.name
            if found is None or not await store.revoke(conn, worker.id, found[0]):
                return GrantResult.NOT_HELD, found[1] if found else ref.name
        return GrantResult.REVOKED, found[1]

    async def may_see(self, worker: User, hit_id: int) -> bool:
        """Whether the worker qualifies for the HIT (and is not blocked by its requester)."""
        async with self.db.reading() as conn:
            return await store.eligible(conn, hit_id, worker.id)

    async def record(self, worker: User) -> tuple[WorkerStats | None, list[tuple[str, int]]]:
        """The worker's counters and the custom qualifications they hold."""
        async with self.db.reading() as conn:
            return await store.stats(conn, worker.id), await store.held(conn, worker.id)
