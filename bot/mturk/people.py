"""MTurk operations about workers: bonuses, notifications, blocks, qualifications.

Workers are named by their alias; money moves through the requester tools' Bonuses
(one ledger row per bonus key), blocks are the requester tools' Blocks, messages to
workers go through the outbox.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Unpack

from bot import bounds
from bot.clock import Clock
from bot.delivery import texts as delivery_texts
from bot.domain import Priority, User
from bot.mturk import _wire as wire
from bot.mturk._answerkey import MappedTest, parse_question_form, test_from
from bot.mturk._questionform import FormError
from bot.mturk._requirements import (
    SYSTEM_TYPES,
    parse_qualification_type_id,
    qualification_type_text,
)
from bot.mturk._wire import ApiError, Params
from bot.requesting.blocks import Blocks
from bot.requesting.bonuses import Bonuses
from bot.requesting.parsing import MAX_BONUS_CENTS, BonusArgs
from bot.requesting.results import BlockResult, BonusResult
from storage import assignments, hits, outbox, qualification_tests, users
from storage import mturk_people as people
from storage import qualifications as quals
from storage import requesting as reads
from storage.db import Conn, Database, retrying
from storage.usecases import Hooks, UseCases

Operation = Callable[[User, Params], Awaitable[Params]]
MAX_NOTIFY_WORKERS = 100
NOTICES_PER_DAY = 3  # NotifyWorkers: messages one requester may relay to one worker a day
DAY_S = 24 * 3600


class PeopleOps(UseCases):
    """SendBonus, ListBonusPayments, NotifyWorkers, worker blocks and qualifications."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        bonuses: Bonuses,
        blocks: Blocks,
        **hooks: Unpack[Hooks],
    ) -> None:
        super().__init__(db, clock, **hooks)
        self.bonuses = bonuses
        self.blocks = blocks
        self.table: dict[str, Operation] = {
            "SendBonus": self.send_bonus,
            "ListBonusPayments": self.list_bonus_payments,
            "NotifyWorkers": self.notify_workers,
            "CreateWorkerBlock": self.create_worker_block,
            "DeleteWorkerBlock": self.delete_worker_block,
            "ListWorkerBlocks": self.list_worker_blocks,
            "CreateQualificationType": self.create_qualification_type,
            "GetQualificationType": self.get_qualification_type,
            "AssociateQualificationWithWorker": self.associate_qualification_with_worker,
            "DisassociateQualificationFromWorker": self.disassociate_qualification_from_worker,
            "ListWorkersWithQualificationType": self.list_workers_with_qualification_type,
            "ListQualificationTypes": self.list_qualification_types,
            "GetQualificationScore": self.get_qualification_score,
            "UpdateQualificationType": self.update_qualification_type,
            "DeleteQualificationType": self.delete_qualification_type,
            "ListQualificationRequests": self.list_qualification_requests,
            "AcceptQualificationRequest": self.answer_qualification_request,
            "RejectQualificationRequest": self.answer_qualification_request,
        }

    async def _worker(self, conn: Conn, p: Params) -> User:
        alias = wire.text(p, "WorkerId", required=True, most=64)
        found = await users.by_alias(conn, alias)
        if found is None:
            raise ApiError(f"Worker {alias} does not exist.")
        return found

    # -- bonuses -------------------------------------------------------------------------------

    async def send_bonus(self, requester: User, p: Params) -> Params:
        amount = wire.parse_money(p.get("BonusAmount"), "BonusAmount", MAX_BONUS_CENTS)
        if amount <= 0:
            raise ApiError("BonusAmount must be more than 0.00")
        assignment_id = wire.parse_assignment_id(p.get("AssignmentId"))
        reason = wire.text(p, "Reason", required=True, most=1024)
        token = wire.text(p, "UniqueRequestToken", most=64)
        async with self.db.reading() as conn:
            worker = await self._worker(conn, p)
            found = await assignments.get(conn, assignment_id)
            hit = await hits.get(conn, found.hit_id) if found else None
        if found is None or hit is None or hit.requester_id != requester.id:
            raise ApiError(f"Assignment {wire.assignment_id_text(assignment_id)} does not exist.")
        if found.worker_id != worker.id:
            raise ApiError(
                f"Assignment {wire.assignment_id_text(assignment_id)} was not done by"
                f" {worker.alias}."
            )
        # A UniqueRequestToken names the payment: a repeat finds the ledger row and pays nothing.
        key = f"mturk:{requester.id}:{token}" if token else f"mturk:{secrets.token_hex(12)}"

        async def record(conn: Conn, worker_id: int, ledger_key: str) -> None:
            await people.insert_bonus(
                conn,
                ledger_key,
                requester.id,
                worker_id,
                found.id,
                found.hit_id,
                amount,
                reason,
                self.clock.now(),
            )

        args = BonusArgs(
            alias=None, assignment_id=assignment_id, amount_cents=amount, reason=reason
        )
        result, _ = await self.bonuses.pay(requester, args, key, on_paid=record)
        if result in (BonusResult.OK, BonusResult.DUPLICATE):
            return {}
        if result is BonusResult.INSUFFICIENT_FUNDS:
            # The balance is checked before the key: a repeat of a paid bonus is still a repeat.
            async with self.db.reading() as conn:
                if token and await people.bonus_paid(conn, f"bonus:{key}"):
                    return {}
            raise ApiError(
                "This Requester has insufficient funds in their account to complete this"
                " transaction.",
                code="AWS.MechanicalTurk.InsufficientFunds",
            )
        raise ApiError(f"Assignment {wire.assignment_id_text(assignment_id)} does not exist.")

    async def list_bonus_payments(self, requester: User, p: Params) -> Params:
        size, after = wire.page_size(p), wire.after_token(p)
        hit_id = wire.parse_hit_id(p["HITId"]) if p.get("HITId") is not None else None
        assignment_id = (
            wire.parse_assignment_id(p["AssignmentId"])
            if p.get("AssignmentId") is not None
            else None
        )
        if (hit_id is None) == (assignment_id is None):
            raise ApiError("ListBonusPayments takes either HITId or AssignmentId")
        async with self.db.reading() as conn:
            rows = await people.bonuses(conn, requester.id, hit_id, assignment_id, after, size + 1)
        page = rows[:size]
        found: Params = {
            "NumResults": len(page),
            "BonusPayments": [
                {
                    "WorkerId": b.alias,
                    "BonusAmount": wire.money_text(b.amount_cents),
                    "AssignmentId": wire.assignment_id_text(b.assignment_id),
                    "Reason": b.reason,
                    "GrantTime": b.granted_at,
                }
                for b in page
            ],
        }
        if len(rows) > size:
            found["NextToken"] = wire.page_token(page[-1].id)
        return found

    # -- messages to workers ------------------------------------------------------------------

    @retrying
    async def notify_workers(self, requester: User, p: Params) -> Params:
        """Relay a message to workers who worked for this requester, a few a day each."""
        subject = wire.text(p, "Subject", required=True, most=200)
        message = wire.text(p, "MessageText", required=True, most=4096)
        aliases = p.get("WorkerIds")
        if (
            not isinstance(aliases, list)
            or not 1 <= len(aliases) <= MAX_NOTIFY_WORKERS
            or not all(isinstance(a, str) for a in aliases)
        ):
            raise ApiError(f"WorkerIds must list 1 to {MAX_NOTIFY_WORKERS} workers")
        now = self.clock.now()
        failures: list[Params] = []
        name = requester.first_name
        parts = delivery_texts.requester_message_parts(name, subject, message)
        async with self.db.transaction() as conn:
            for alias in dict.fromkeys(aliases):
                worker = await users.by_alias(conn, alias)
                if worker is None or not await reads.worked_for(conn, worker.id, requester.id):
                    failures.append(_failure("HardFailure", alias, "has not worked for you"))
                    continue
                sent = await people.notices_since(conn, requester.id, worker.id, now - DAY_S)
                if sent >= NOTICES_PER_DAY:
                    failures.append(
                        _failure(
                            "SoftFailure",
                            alias,
                            f"already got {NOTICES_PER_DAY} messages from you today",
                        )
                    )
                    continue
                await people.record_notice(conn, requester.id, worker.id, now)
                key = f"notify:{requester.id}:{worker.id}:{secrets.token_hex(8)}"
                for number, text in enumerate(parts, start=1):
                    await outbox.enqueue(
                        conn,
                        key if number == 1 else f"{key}:{number}",
                        worker.tg_id,
                        "requester_message",
                        Priority.NOTIFICATION,
                        {
                            "from": name,
                            "subject": subject,
                            "text": text,
                            "part": number,
                            "parts": len(parts),
                        },
                        now,
                    )
        self.on_outbox()
        return {"NotifyWorkersFailureStatuses": failures}

    # -- blocks ---------------------------------------------------------------------------------

    async def create_worker_block(self, requester: User, p: Params) -> Params:
        alias = wire.text(p, "WorkerId", required=True, most=64)
        reason = wire.text(p, "Reason", required=True, most=1024)
        if await self.blocks.block(requester, alias, reason) is BlockResult.UNKNOWN_WORKER:
            raise ApiError(f"Worker {alias} does not exist.")
        return {}

    async def delete_worker_block(self, requester: User, p: Params) -> Params:
        alias = wire.text(p, "WorkerId", required=True, most=64)
        wire.text(p, "Reason", most=1024)
        if await self.blocks.unblock(requester, alias) is BlockResult.UNKNOWN_WORKER:
            raise ApiError(f"Worker {alias} does not exist.")
        return {}

    async def list_worker_blocks(self, requester: User, p: Params) -> Params:
        size, after = wire.page_size(p), wire.after_token(p)
        async with self.db.reading() as conn:
            rows = await people.blocked(conn, requester.id, after, size + 1)
        page = rows[:size]
        found: Params = {
            "NumResults": len(page),
            "WorkerBlocks": [{"WorkerId": alias, "Reason": reason} for _, alias, reason in page],
        }
        if len(rows) > size:
            found["NextToken"] = wire.page_token(page[-1][0])
        return found

    # -- qualifications ---------------------------------------------------------------------------

    @retrying
    async def create_qualification_type(self, requester: User, p: Params) -> Params:
        """A custom qualification: granted by hand, AutoGranted (at AutoGrantedValue), or
        earned with a Test scored by its AnswerKey (workers take it with /qualtest)."""
        name = wire.text(p, "Name", required=True, most=40)
        description = wire.text(p, "Description", required=True, most=2000)
        status = p.get("QualificationTypeStatus")
        if status not in ("Active", "Inactive"):
            raise ApiError("QualificationTypeStatus must be Active or Inactive")
        keywords = wire.text(p, "Keywords", most=1000) or None
        test = await self._test(p)
        auto = self._auto_value(p)
        if test is not None and auto is not None:
            raise ApiError("A QualificationType cannot have both a Test and AutoGranted")
        retry = self._retry_delay(p)
        async with self.db.transaction() as conn:
            made = await people.insert_type(
                conn, requester.id, name, description, status == "Active", self.clock.now(), auto,
                keywords,
            )  # fmt: skip
            if made and test is not None:
                await qualification_tests.set_test(conn, made, test.questions, test.scale)
            if made:
                await people.set_test_terms(
                    conn, made, p.get("Test"), p.get("AnswerKey"), self._duration(p), retry
                )
            found = await people.qualification_type(conn, made) if made else None
        if found is None:
            raise ApiError(
                f"You have already created a QualificationType with the name {name!r}.",
                code="AWS.MechanicalTurk.QualificationTypeAlreadyExists",
            )
        return {"QualificationType": _type_json(found)}

    @staticmethod
    def _duration(p: Params) -> int | None:
        """TestDurationInSeconds, if given."""
        if p.get("TestDurationInSeconds") is None:
            return None
        return wire.number(p, "TestDurationInSeconds", 1, wire.MAX_SECONDS)

    @staticmethod
    def _retry_delay(p: Params) -> int | None:
        """RetryDelayInSeconds, if given (without it a test is taken once)."""
        if p.get("RetryDelayInSeconds") is None:
            return None
        return wire.number(p, "RetryDelayInSeconds", 0, wire.MAX_SECONDS)

    @classmethod
    async def _test(cls, p: Params, *, has_test: bool = False) -> MappedTest | None:
        """The Test and AnswerKey given, as a gigbot test; None without a Test (`has_test`:
        the type has one already, whose time limit may change alone)."""
        test = wire.text(p, "Test", most=65_535)
        key = wire.text(p, "AnswerKey", most=65_535)
        duration = cls._duration(p)
        if not test:
            if key:
                raise ApiError("AnswerKey is given without a Test")
            if duration is not None and not has_test:
                raise ApiError("TestDurationInSeconds is given without a Test")
            return None
        if duration is None:
            raise ApiError("TestDurationInSeconds must be given with a Test")
        if not key:
            raise ApiError(
                "gigbot scores a Test with its AnswerKey; one without needs qualification"
                " requests reviewed by hand, which gigbot does not have: give an AnswerKey"
            )
        try:
            form = await bounds.off_loop(len(test), parse_question_form, test)
            return await bounds.off_loop(len(key), test_from, form, key)
        except FormError as exc:
            raise ApiError(str(exc), code="AWS.MechanicalTurk.XMLParseError") from None

    @staticmethod
    def _auto_value(p: Params) -> int | None:
        """AutoGrantedValue when AutoGranted is true (1 by default), else None."""
        if not wire.flag(p, "AutoGranted"):
            return None
        return wire.number(p, "AutoGrantedValue", -(2**31), 2**31 - 1, default=1)

    async def _own_type(self, requester: User, p: Params) -> people.QualificationType:
        given = p.get("QualificationTypeId")
        qual_id = parse_qualification_type_id(given)
        found = None
        if qual_id is not None:
            async with self.db.reading() as conn:
                found = await people.qualification_type(conn, qual_id)
        if found is None or found.requester_id != requester.id or found.disposed:
            raise ApiError(f"QualificationType {given} does not exist.")
        return found

    async def get_qualification_type(self, requester: User, p: Params) -> Params:
        given = p.get("QualificationTypeId")
        if isinstance(given, str) and given in SYSTEM_TYPES:
            return {"QualificationType": _system_json(given)}
        return {"QualificationType": _type_json(await self._own_type(requester, p))}

    @retrying
    async def associate_qualification_with_worker(self, requester: User, p: Params) -> Params:
        """Grant (or change) the worker's value; the worker is told in Telegram."""
        qualification = await self._own_type(requester, p)
        value = wire.number(p, "IntegerValue", -(2**31), 2**31 - 1, default=1)
        tell = p.get("SendNotification") is not False
        now = self.clock.now()
        async with self.db.transaction() as conn:
            worker = await self._worker(conn, p)
            changed = await quals.grant(conn, worker.id, qualification.id, value, now)
            if changed and tell:
                await outbox.enqueue(
                    conn,
                    f"qualified:{qualification.id}:{worker.id}:{value}:{now}",
                    worker.tg_id,
                    "qualified",
                    Priority.NOTIFICATION,
                    {"name": qualification.name, "value": value},
                    now,
                )
        self.on_outbox()
        return {}

    @retrying
    async def disassociate_qualification_from_worker(self, requester: User, p: Params) -> Params:
        qualification = await self._own_type(requester, p)
        wire.text(p, "Reason", most=1024)
        async with self.db.transaction() as conn:
            worker = await self._worker(conn, p)
            await quals.revoke(conn, worker.id, qualification.id)
        return {}

    async def list_workers_with_qualification_type(self, requester: User, p: Params) -> Params:
        qualification = await self._own_type(requester, p)
        status = p.get("Status", "Granted")
        if status not in ("Granted", "Revoked"):
            raise ApiError("Status must be Granted or Revoked")
        size, after = wire.page_size(p), wire.after_token(p)
        rows: list[people.Grant] = []
        if status == "Granted":  # a revoked grant is deleted, so none are listed as Revoked
            async with self.db.reading() as conn:
                rows = await people.grants(conn, qualification.id, after, size + 1)
        page = rows[:size]
        type_id = qualification_type_text(qualification.id)
        found: Params = {
            "NumResults": len(page),
            "Qualifications": [
                {
                    "QualificationTypeId": type_id,
                    "WorkerId": g.alias,
                    "GrantTime": g.granted_at,
                    "IntegerValue": g.value,
                    "Status": "Granted",
                }
                for g in page
            ],
        }
        if len(rows) > size:
            found["NextToken"] = wire.page_token(page[-1].worker_id)
        return found


    async def list_qualification_types(self, requester: User, p: Params) -> Params:
        """The requester's own types (the system types gigbot keeps too, unless
        MustBeOwnedByCaller), whose name or description holds Query."""
        requestable = wire.flag(p, "MustBeRequestable")
        own = wire.flag(p, "MustBeOwnedByCaller")
        query = wire.text(p, "Query", most=256)
        size, after = wire.page_size(p), wire.after_token(p)
        async with self.db.reading() as conn:
            rows = await people.types_of(conn, requester.id, query, after, size + 1)
        if requestable:
            rows = [q for q in rows if q.has_test or q.auto_granted]
        page = rows[:size]
        found = [_type_json(q) for q in page]
        if not own and not requestable and after == 0:
            found += [
                _system_json(type_id)
                for type_id, (name, text) in SYSTEM_TYPES.items()
                if query.lower() in name.lower() or query.lower() in text.lower()
            ]
        listed: Params = {"NumResults": len(found), "QualificationTypes": found}
        if len(rows) > size:
            listed["NextToken"] = wire.page_token(page[-1].id)
        return listed

    async def get_qualification_score(self, requester: User, p: Params) -> Params:
        """One worker's value of the requester's qualification."""
        qualification = await self._own_type(requester, p)
        async with self.db.reading() as conn:
            worker = await self._worker(conn, p)
            grant = await people.grant_of(conn, qualification.id, worker.id)
        if grant is None:
            raise ApiError(
                f"You requested a Qualification that does not exist ({worker.alias} does not"
                f" hold {qualification_type_text(qualification.id)})."
            )
        return {
            "Qualification": {
                "QualificationTypeId": qualification_type_text(qualification.id),
                "WorkerId": grant.alias,
                "GrantTime": grant.granted_at,
                "IntegerValue": grant.value,
                "Status": "Granted",
            }
        }

    async def update_qualification_type(self, requester: User, p: Params) -> Params:
        """Change what was given: Description, status, AutoGranted(Value), Test and AnswerKey."""
        qualification = await self._own_type(requester, p)
        description = wire.text(p, "Description", most=2000) or None
        status = p.get("QualificationTypeStatus")
        if status not in (None, "Active", "Inactive"):
            raise ApiError("QualificationTypeStatus must be Active or Inactive")
        test = await self._test(p, has_test=qualification.has_test)
        auto_given = p.get("AutoGranted")
        auto = self._auto_value(p)
        if auto is None and auto_given is None and p.get("AutoGrantedValue") is not None:
            if not qualification.auto_granted:
                raise ApiError("AutoGrantedValue needs AutoGranted")
            auto = wire.number(p, "AutoGrantedValue", -(2**31), 2**31 - 1)
        granted_auto = (auto is not None) or (auto_given is None and qualification.auto_granted)
        if test is not None and granted_auto:
            raise ApiError("A QualificationType cannot have both a Test and AutoGranted")
        retry = self._retry_delay(p)
        async with self.db.transaction() as conn:
            await people.update_type(
                conn,
                qualification.id,
                description,
                None if status is None else status == "Active",
                auto,
                None if auto_given is None else auto is not None,
            )
            if test is not None:
                await qualification_tests.set_test(
                    conn, qualification.id, test.questions, test.scale
                )
            await people.set_test_terms(
                conn, qualification.id, p.get("Test"), p.get("AnswerKey"), self._duration(p), retry
            )
            found = await people.qualification_type(conn, qualification.id)
        assert found is not None
        return {"QualificationType": _type_json(found)}

    async def delete_qualification_type(self, requester: User, p: Params) -> Params:
        """The type goes: not listed, not requirable on new HITs, not granted any more."""
        qualification = await self._own_type(requester, p)
        async with self.db.transaction() as conn:
            await people.dispose_type(conn, qualification.id, self.clock.now())
        return {}

    async def list_qualification_requests(self, requester: User, p: Params) -> Params:
        """Requests to review by hand: gigbot has none (tests are scored by their AnswerKey,
        AutoGranted types are granted), so the list is empty."""
        if p.get("QualificationTypeId") is not None:
            await self._own_type(requester, p)
        wire.page_size(p)
        wire.after_token(p)
        return {"NumResults": 0, "QualificationRequests": []}

    async def answer_qualification_request(self, requester: User, p: Params) -> Params:
        """Accept or Reject a request: gigbot makes none, so no id names one."""
        given = wire.text(p, "QualificationRequestId", required=True, most=64)
        raise ApiError(f"QualificationRequest {given} does not exist.")


def _failure(code: str, alias: str, why: str) -> Params:
    return {
        "NotifyWorkersFailureCode": code,
        "NotifyWorkersFailureMessage": f"{alias} {why}",
        "WorkerId": alias,
    }


def _system_json(type_id: str) -> Params:
    name, description = SYSTEM_TYPES[type_id]
    return {
        "QualificationTypeId": type_id,
        "Name": name,
        "Description": description,
        "QualificationTypeStatus": "Active",
        "IsRequestable": False,
        "AutoGranted": False,
    }


def _type_json(q: people.QualificationType) -> Params:
    return {
        "QualificationTypeId": qualification_type_text(q.id),
        "CreationTime": q.created_at,
        "Name": q.name,
        "Description": q.description,
        "QualificationTypeStatus": "Active" if q.active else "Inactive",
        "IsRequestable": q.has_test or q.auto_granted,
        "AutoGranted": q.auto_granted,
        **({"AutoGrantedValue": q.auto_value} if q.auto_granted else {}),
        **{
            name: value
            for name, value in (
                ("Keywords", q.keywords),
                ("Test", q.test_xml),
                ("AnswerKey", q.answer_key_xml),
                ("TestDurationInSeconds", q.test_duration_s),
                ("RetryDelayInSeconds", q.retry_delay_s),
            )
            if value is not None
        },
    }
