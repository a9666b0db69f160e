"""The supported MTurk operations, each a thin layer over the marketplace's use-cases.

A HIT created here is an ordinary gigbot HIT (same escrow, pushes, lifecycle, ledger);
the mturk_* tables only remember what MTurk reports about it.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from functools import lru_cache

from bot import bounds
from bot.clock import Clock
from bot.domain import (
    ApiHit,
    FormIds,
    HandedIn,
    Hit,
    HitKind,
    HitSpec,
    HitType,
    QuestionKind,
    QuestionSpec,
    SlotCounts,
    User,
)
from bot.fair.fairwork import FairWork
from bot.fair.results import RaiseResult
from bot.market import texts as market_texts
from bot.market.accounts import Accounts
from bot.market.first_waves import FirstWaves
from bot.market.market import Market
from bot.market.results import ChangeResult, PublishResult, ReviewResult
from bot.matching.topics import topic_from_keywords
from bot.mturk import _wire as wire
from bot.mturk import texts as mturk_texts
from bot.mturk._language import task_language
from bot.mturk._questionform import Form, FormError, answers_xml, parse_question_form
from bot.mturk._requirements import (
    canonical,
    parse_qualification_type_id,
    parse_requirements,
)
from bot.mturk._webquestion import WEB_FORMATS, WebQuestion, parse_web_question, root_name
from bot.mturk._wire import ApiError, Params
from bot.mturk.webtasks import WebTasks, form_answers
from bot.parsing import MAX_REWARD_CENTS
from storage import mturk
from storage import mturk_people as people
from storage import qualifications as quals
from storage.db import Conn, Database
from storage.usecases import UseCases

Operation = Callable[[User, Params], Awaitable[Params]]
QUESTIONS_KEPT = 32
STATUSES = tuple(wire.GIG_STATUS)  # Submitted, Approved, Rejected
TYPE_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_NO_NOTIFICATIONS = (
    "gigbot cannot deliver notifications to SQS, SNS or email: it tells you in Telegram"
    " when work needs you (a HIT under the pay floor); poll ListReviewableHITs for the rest"
)
_NOT_SUPPORTED_ON_CREATE = (
    "AssignmentReviewPolicy",
    "HITReviewPolicy",
    "HITLayoutId",
    "HITLayoutParameters",
)


def _read_question(
    question: str, title: str, description: str
) -> tuple[Form | WebQuestion, str | None]:
    """The Question parsed (FormError if gigbot cannot ask it) and the language it is
    written in: MTurk has no task language, the task's own words say it
    (bot/mturk/_language.py)."""
    parse = parse_web_question if root_name(question) in WEB_FORMATS else parse_question_form
    form = parse(question)
    return form, task_language(title, description, form)


# A script creating a batch sends the same Question (and title) with every CreateHIT: the
# last few small ones are read once (Form and WebQuestion are immutable); a FormError is
# not kept. Big ones (past bounds.OFF_LOOP_BYTES) are read on a thread each time.
read_question = lru_cache(maxsize=QUESTIONS_KEPT)(_read_question)


class Operations(UseCases):
    """MTurk operations by name, for one marketplace."""

    def __init__(
        self,
        db: Database,
        market: Market,
        accounts: Accounts,
        clock: Clock,
        min_reward: int,
        web: WebTasks,
        first_waves: FirstWaves | None = None,
        fair: FairWork | None = None,
    ) -> None:
        super().__init__(db, clock)
        self.fair = fair  # raises a HIT's reward (UpdateHITTypeOfHIT), with its escrow
        self.web = web
        # Sends a new HIT's first wave after the answer; without it, before (in publishing).
        self.first_waves = first_waves
        self.market = market
        self.accounts = accounts
        self.min_reward = min_reward
        # HIT types never change once made: read each once per process.
        self._types: dict[str, HitType] = {}
        self._type_ids: dict[HitType, str] = {}
        self.table: dict[str, Operation] = {
            "CreateHITType": self.create_hit_type,
            "CreateHIT": self.create_hit,
            "CreateHITWithHITType": self.create_hit_with_hit_type,
            "GetHIT": self.get_hit,
            "ListHITs": self.list_hits,
            "ListReviewableHITs": self.list_reviewable_hits,
            "ListAssignmentsForHIT": self.list_assignments_for_hit,
            "GetAssignment": self.get_assignment,
            "ApproveAssignment": self.approve_assignment,
            "RejectAssignment": self.reject_assignment,
            "GetAccountBalance": self.get_account_balance,
            "UpdateExpirationForHIT": self.update_expiration_for_hit,
            "CreateAdditionalAssignmentsForHIT": self.create_additional_assignments_for_hit,
            "DeleteHIT": self.delete_hit,
            "UpdateHITReviewStatus": self.update_hit_review_status,
            "UpdateHITTypeOfHIT": self.update_hit_type_of_hit,
            "ListHITsForQualificationType": self.list_hits_for_qualification_type,
            "GetFileUploadURL": self.get_file_upload_url,
            "UpdateNotificationSettings": self.update_notification_settings,
            "SendTestEventNotification": self.send_test_event_notification,
        }

    # -- HIT types and HITs ----------------------------------------------------------------

    async def _hit_type(self, requester: User, p: Params) -> HitType:
        reward = wire.parse_money(p.get("Reward"), "Reward", MAX_REWARD_CENTS)
        if reward < self.min_reward:
            raise ApiError(f"Reward must be at least {wire.money_text(self.min_reward)}")
        wanted = HitType(
            id="",
            requester_id=requester.id,
            title=wire.text(p, "Title", required=True, most=128),
            description=wire.text(p, "Description", required=True, most=2000),
            keywords=wire.text(p, "Keywords", most=1000),
            reward_cents=reward,
            duration_s=wire.number(p, "AssignmentDurationInSeconds", 30, wire.MAX_SECONDS),
            auto_approve_s=max(
                1,
                wire.number(
                    p,
                    "AutoApprovalDelayInSeconds",
                    0,
                    wire.DEFAULT_AUTO_APPROVE_S,
                    default=wire.DEFAULT_AUTO_APPROVE_S,
                ),
            ),
            requirements=canonical(p.get("QualificationRequirements")),
        )
        known = self._type_ids.get(wanted)
        if known is not None:
            return self._types[known]
        await self._check_requirements(requester, p.get("QualificationRequirements"))
        new_id = "GBT" + "".join(secrets.choice(TYPE_ID_ALPHABET) for _ in range(27))
        async with self.db.transaction() as conn:
            made = await mturk.find_or_insert_type(conn, new_id, wanted, self.clock.now())
        self._types[made.id] = made
        self._type_ids[wanted] = made.id
        return made

    async def _check_requirements(self, requester: User, given: object) -> None:
        """Requirements gigbot can keep, on system types or the requester's own types."""
        custom = [r.qualification_id for r in parse_requirements(given) if r.qualification_id]
        if custom:
            async with self.db.reading() as conn:
                owned = await people.owned_types(conn, requester.id, custom)
            for qual_id in custom:
                if qual_id not in owned:
                    raise ApiError(f"QualificationType GBQ{qual_id:08d} does not exist.")

    async def _type(self, type_id: str) -> HitType | None:
        found = self._types.get(type_id)
        if found is None:
            async with self.db.reading() as conn:
                found = await mturk.hit_type(conn, type_id)
            if found is not None:
                self._types[type_id] = found
        return found

    async def create_hit_type(self, requester: User, p: Params) -> Params:
        return {"HITTypeId": (await self._hit_type(requester, p)).id}

    async def create_hit(self, requester: User, p: Params) -> Params:
        return await self._create(requester, await self._hit_type(requester, p), p)

    async def create_hit_with_hit_type(self, requester: User, p: Params) -> Params:
        type_id = wire.text(p, "HITTypeId", required=True, most=64)
        found = await self._type(type_id)
        if found is None or found.requester_id != requester.id:
            raise ApiError(f"HITType {type_id} does not exist.")
        return await self._create(requester, found, p)

    async def _create(self, requester: User, t: HitType, p: Params) -> Params:
        """Publish a QuestionForm HIT of type `t`; a repeated UniqueRequestToken gets the same."""
        wire.refuse_unsupported(p, _NOT_SUPPORTED_ON_CREATE)
        lifetime = wire.number(p, "LifetimeInSeconds", 30, wire.MAX_SECONDS)
        most = wire.number(p, "MaxAssignments", 1, 1_000_000, default=1)
        question = wire.text(p, "Question", required=True, most=131_072)
        annotation = wire.text(p, "RequesterAnnotation", most=255)
        token = wire.text(p, "UniqueRequestToken", most=64)
        try:
            if len(question) <= bounds.OFF_LOOP_BYTES:
                form, language = read_question(question, t.title, t.description)
            else:
                form, language = await asyncio.to_thread(
                    _read_question, question, t.title, t.description
                )
        except FormError as exc:
            raise ApiError(str(exc), code="AWS.MechanicalTurk.XMLParseError") from None
        if token:
            now = self.clock.now()

            async def claim(conn: Conn) -> tuple[bool, str | None]:
                return await mturk.claim_token(conn, requester.id, "CreateHIT", token, now)

            fresh, earlier = await self.db.atomic(claim)
            if not fresh:
                if earlier is None:
                    raise ApiError("a request with this UniqueRequestToken is still running")
                return {"HIT": await self._hit_json(requester, int(earlier))}
        try:
            published = await self._publish(
                requester, t, form, question, annotation, lifetime, most, language, token
            )
        except BaseException:
            if token:  # a token whose HIT was published keeps it (drop_token leaves it)
                async with self.db.transaction() as conn:
                    await mturk.drop_token(conn, requester.id, "CreateHIT", token)
            raise
        # Just made: its MTurk side and type are known and nothing is handed in yet, so the
        # answer is the HIT as publishing stored it (no query, not the three of GetHIT).
        kind = form.format if isinstance(form, WebQuestion) else "QuestionForm"
        api = ApiHit(published.id, t.id, question, annotation, None, kind)
        counts = SlotCounts(published.slots_used, 0, 0)
        return {"HIT": wire.hit_json(published, api, t, counts, self.clock.now())}

    async def _publish(
        self,
        requester: User,
        t: HitType,
        form: Form | WebQuestion,
        question: str,
        annotation: str,
        lifetime: int,
        most: int,
        language: str | None = None,
        token: str = "",
    ) -> Hit:
        """Store and publish the HIT (first wave just after, with FirstWaves); the open HIT.
        A UniqueRequestToken claimed for it records the HIT in the same transaction."""
        web = form if isinstance(form, WebQuestion) else None
        specs = (
            (QuestionSpec(QuestionKind.TEXT, market_texts.WEB_TASK_PROMPT),)
            if web or not isinstance(form, Form)
            else form.specs()
        )
        single = len(specs) == 1 and specs[0].kind is QuestionKind.SINGLE
        spec = HitSpec(
            title=t.title,
            kind=HitKind.POLL if single else HitKind.SURVEY,
            topic=topic_from_keywords(t.keywords),  # "sky, images" -> images (matching/topics.py)
            reward_cents=t.reward_cents,
            max_assignments=most,
            time_allotted_s=t.duration_s,
            lifetime_s=lifetime,
            auto_approve_s=t.auto_approve_s,
            questions=specs,
            language=language,  # None: the requester's
        )
        api = mturk.ApiSide(
            requester_id=requester.id,
            hit_type_id=t.id,
            question=question,
            annotation=annotation,
            format=web.format if web else "QuestionForm",
            form_ids=tuple(asked.ids for asked in form.questions) if isinstance(form, Form) else (),
            requirements=tuple(parse_requirements(t.requirement_list)),
            token=token,
        )
        result, opened = await self.market.publishing.publish_new(
            requester, spec, api, first_wave=self.first_waves is None
        )
        if result is not PublishResult.OK or opened is None:
            if result is PublishResult.INSUFFICIENT_FUNDS:
                raise ApiError(
                    "This Requester has insufficient funds in their account to complete this"
                    f" transaction ({wire.money_text(t.reward_cents * most)} needed; /balance).",
                    code="AWS.MechanicalTurk.InsufficientFunds",
                )
            # No UNDER_FLOOR: without an estimate the floor waits for measured work.
            raise ApiError(f"the HIT could not be published ({result.value})")
        self.web.remember(opened.id, web)
        if self.first_waves is not None:
            self.first_waves.want(opened.id)
        return opened

    async def _owned(self, requester: User, hit_id: int) -> tuple[Hit, ApiHit, HitType, SlotCounts]:
        """The requester's API HIT with its type and assignment counts (one read)."""
        async with self.db.reading() as conn:
            found = await mturk.owned_hit(conn, hit_id)
        return await self._theirs(requester, hit_id, found)

    async def _theirs(
        self, requester: User, hit_id: int, found: tuple[Hit, ApiHit, SlotCounts] | None
    ) -> tuple[Hit, ApiHit, HitType, SlotCounts]:
        """The HIT read by _owned if it is the requester's API HIT; ApiError otherwise."""
        t = await self._type(found[1].hit_type_id) if found else None
        if found is None or t is None or found[0].requester_id != requester.id:
            raise ApiError(
                f"Hit {wire.hit_id_text(hit_id)} does not exist.",
                code="AWS.MechanicalTurk.HITDoesNotExist",
            )
        hit, api, counts = found
        return hit, api, t, counts

    async def _hit_json(self, requester: User, hit_id: int) -> Params:
        hit, api, t, counts = await self._owned(requester, hit_id)
        return wire.hit_json(hit, api, t, counts, self.clock.now())

    async def get_hit(self, requester: User, p: Params) -> Params:
        return {"HIT": await self._hit_json(requester, wire.parse_hit_id(p.get("HITId")))}

    async def _hit_page(self, requester: User, ids: list[int], size: int) -> Params:
        page = ids[:size]
        found: Params = {
            "NumResults": len(page),
            "HITs": [await self._hit_json(requester, hit_id) for hit_id in page],
        }
        if len(ids) > size:
            found["NextToken"] = wire.page_token(page[-1])
        return found

    async def list_hits(self, requester: User, p: Params) -> Params:
        size, after = wire.page_size(p), wire.after_token(p)
        async with self.db.reading() as conn:
            ids = await mturk.hit_ids(conn, requester.id, after, size + 1)
        return await self._hit_page(requester, ids, size)

    async def list_reviewable_hits(self, requester: User, p: Params) -> Params:
        size, after = wire.page_size(p), wire.after_token(p)
        status = p.get("Status", "Reviewable")
        if status not in ("Reviewable", "Reviewing"):
            raise ApiError("Status must be Reviewable or Reviewing")
        type_id = wire.text(p, "HITTypeId", most=64) or None
        async with self.db.reading() as conn:
            ids = await mturk.reviewable_hit_ids(
                conn,
                requester.id,
                type_id,
                after,
                size + 1,
                self.clock.now(),
                reviewing=status == "Reviewing",
            )
        return await self._hit_page(requester, ids, size)

    async def list_hits_for_qualification_type(self, requester: User, p: Params) -> Params:
        """The requester's HITs that require this qualification type (their own types)."""
        given = p.get("QualificationTypeId")
        qual_id = parse_qualification_type_id(given)
        size, after = wire.page_size(p), wire.after_token(p)
        async with self.db.reading() as conn:
            owned = await people.owned_types(conn, requester.id, [qual_id]) if qual_id else set()
            ids = (
                await mturk.hit_ids_requiring(conn, requester.id, qual_id, after, size + 1)
                if qual_id in owned and qual_id is not None
                else []
            )
        if qual_id is None or qual_id not in owned:
            raise ApiError(f"QualificationType {given} does not exist.")
        return await self._hit_page(requester, ids, size)

    async def get_file_upload_url(self, requester: User, p: Params) -> Params:
        """The file a worker uploaded: gigbot has no FileUploadAnswer questions, so no
        question of any assignment is one."""
        assignment_id = wire.parse_assignment_id(p.get("AssignmentId"))
        identifier = wire.text(p, "QuestionIdentifier", required=True, most=255)
        await self._assignment_json(requester, assignment_id)  # exists and is theirs
        raise ApiError(
            f"QuestionIdentifier {identifier} of {wire.assignment_id_text(assignment_id)} is not"
            " a FileUploadAnswer (gigbot's questions take no files)."
        )

    async def update_notification_settings(self, requester: User, p: Params) -> Params:
        """Turning a HIT type's notifications off is honoured (there are none to send);
        gigbot cannot deliver to SQS, SNS or email, so a destination is refused."""
        type_id = wire.text(p, "HITTypeId", required=True, most=64)
        found = await self._type(type_id)
        if found is None or found.requester_id != requester.id:
            raise ApiError(f"HITType {type_id} does not exist.")
        active = wire.flag(p, "Active", default=False)
        if p.get("Notification") is not None or active:
            raise ApiError(_NO_NOTIFICATIONS)
        return {}

    async def send_test_event_notification(self, requester: User, p: Params) -> Params:
        raise ApiError(_NO_NOTIFICATIONS)

    async def update_hit_review_status(self, requester: User, p: Params) -> Params:
        """Reviewable -> Reviewing, or back with Revert; any other HIT is refused."""
        hit_id = wire.parse_hit_id(p.get("HITId"))
        revert = wire.flag(p, "Revert")
        hit, api, _, counts = await self._owned(requester, hit_id)
        status = wire.hit_status(hit, api, counts, self.clock.now())
        wanted = "Reviewing" if revert else "Reviewable"
        if status != wanted:
            raise ApiError(
                f"Hit {wire.hit_id_text(hit_id)} is {status}; UpdateHITReviewStatus needs a"
                f" {wanted} HIT{' to revert' if revert else ''}.",
                code="AWS.MechanicalTurk.InvalidHITState",
            )
        async with self.db.transaction() as conn:
            await mturk.set_reviewing(conn, hit_id, not revert)
        return {}

    async def update_hit_type_of_hit(self, requester: User, p: Params) -> Params:
        """The HIT takes another of the requester's HIT types: title, time allotted,
        auto-approval delay, keywords' topic, requirements and reward. A higher reward is
        escrowed for every slot not yet paid (and resumes pushes the pay floor held); gigbot
        never lowers a reward it holds in escrow."""
        hit_id = wire.parse_hit_id(p.get("HITId"))
        type_id = wire.text(p, "HITTypeId", required=True, most=64)
        hit, _, _, _ = await self._owned(requester, hit_id)
        t = await self._type(type_id)
        if t is None or t.requester_id != requester.id:
            raise ApiError(f"HITType {type_id} does not exist.")
        if t.reward_cents < hit.reward_cents:
            raise ApiError(
                f"gigbot holds Reward {wire.money_text(hit.reward_cents)} per assignment of"
                f" {wire.hit_id_text(hit_id)} in escrow and never lowers it; give a HIT type"
                " with that reward or more.",
                code="AWS.MechanicalTurk.InvalidHITState",
            )
        if t.reward_cents > hit.reward_cents and self.fair is not None:
            raised = (await self.fair.raise_reward(requester, hit_id, t.reward_cents)).result
            if raised is RaiseResult.INSUFFICIENT_FUNDS:
                raise ApiError(
                    "This Requester has insufficient funds in their account to complete this"
                    " transaction (the higher reward is escrowed for every unpaid slot).",
                    code="AWS.MechanicalTurk.InsufficientFunds",
                )
            if raised is RaiseResult.NOT_FOUND:
                raise ApiError(
                    f"Hit {wire.hit_id_text(hit_id)} is no longer open.",
                    code="AWS.MechanicalTurk.InvalidHITState",
                )
        async with self.db.transaction() as conn:
            await mturk.set_type(conn, hit_id, t, topic_from_keywords(t.keywords))
            await quals.clear_requirements(conn, hit_id)
            for requirement in parse_requirements(t.requirement_list):
                await quals.add_requirement(conn, hit_id, requirement)
        return {}

    # -- assignments -------------------------------------------------------------------------

    @staticmethod
    def _assignments_json(hit: Hit, rows: list[HandedIn], web: bool = False) -> list[Params]:
        """Assignments of one HIT with their answers as QuestionFormAnswers.

        A web task's one stored answer is its posted form: each field becomes a FreeText.
        """
        return [
            wire.assignment_json(
                row.assignment,
                hit,
                row.alias,
                answers_xml(
                    [
                        (FormIds(name, ()), QuestionKind.TEXT, value)
                        for g in row.answers
                        for name, value in form_answers(g.value)
                    ]
                    if web
                    else [
                        (g.form, QuestionKind(g.kind), g.value)
                        for g in row.answers
                        if g.form is not None
                    ]
                ),
            )
            for row in rows
        ]

    async def _assignment_json(self, requester: User, assignment_id: int) -> Params:
        async with self.db.reading() as conn:
            found = await mturk.handed_in_one(conn, assignment_id)
        if found is None or found.assignment.status not in wire.API_STATUS:
            raise ApiError(f"Assignment {wire.assignment_id_text(assignment_id)} does not exist.")
        hit, api, _, _ = await self._owned(requester, found.assignment.hit_id)
        (made,) = self._assignments_json(hit, [found], api.web)
        return made

    async def list_assignments_for_hit(self, requester: User, p: Params) -> Params:
        hit_id = wire.parse_hit_id(p.get("HITId"))
        try:
            size, after = wire.page_size(p), wire.after_token(p)
            given = p.get("AssignmentStatuses") or list(STATUSES)
            names = wire.names(given, "AssignmentStatuses", STATUSES)
        except ApiError:
            await self._owned(requester, hit_id)  # a HIT that is not theirs is named first
            raise
        statuses = tuple(wire.GIG_STATUS[n].value for n in names)
        async with self.db.reading() as conn:  # the HIT and the page in one query
            owned, rows = await mturk.owned_and_handed_in(conn, hit_id, statuses, after, size + 1)
        hit, api, _, _ = await self._theirs(requester, hit_id, owned)
        page = rows[:size]
        found: Params = {
            "NumResults": len(page),
            "Assignments": self._assignments_json(hit, page, api.web),
        }
        if len(rows) > size:
            found["NextToken"] = wire.page_token(page[-1].assignment.id)
        return found

    async def get_assignment(self, requester: User, p: Params) -> Params:
        assignment = await self._assignment_json(
            requester, wire.parse_assignment_id(p.get("AssignmentId"))
        )
        hit_id = wire.parse_hit_id(assignment["HITId"])
        return {"Assignment": assignment, "HIT": await self._hit_json(requester, hit_id)}

    async def approve_assignment(self, requester: User, p: Params) -> Params:
        """Approve submitted work; with OverrideRejection, work rejected in the last 30 days
        too (its reward then comes from the available balance)."""
        assignment_id = wire.parse_assignment_id(p.get("AssignmentId"))
        feedback = wire.text(p, "RequesterFeedback", most=1024)
        override = wire.flag(p, "OverrideRejection")
        found = await self._assignment_json(requester, assignment_id)  # exists and is theirs
        reviewing = self.market.reviewing
        if override and found["AssignmentStatus"] == "Rejected":
            result = await reviewing.override_rejection(requester, assignment_id, feedback)
        else:
            result = await reviewing.approve(requester, assignment_id, feedback)
        self._review_outcome(result, assignment_id)
        return {}

    async def reject_assignment(self, requester: User, p: Params) -> Params:
        assignment_id = wire.parse_assignment_id(p.get("AssignmentId"))
        feedback = wire.text(p, "RequesterFeedback", required=True, most=1024)
        await self._assignment_json(requester, assignment_id)
        result = await self.market.reviewing.reject(requester, assignment_id, feedback)
        self._review_outcome(result, assignment_id)
        return {}

    @staticmethod
    def _review_outcome(result: ReviewResult, assignment_id: int) -> None:
        if result is ReviewResult.OK:
            return
        name = wire.assignment_id_text(assignment_id)
        if result in (ReviewResult.ALREADY_REVIEWED, ReviewResult.NOT_SUBMITTED):
            raise ApiError(
                f"This operation can be called with a status of: Submitted ({name})",
                code="AWS.MechanicalTurk.InvalidAssignmentState",
            )
        if result is ReviewResult.REASON_REQUIRED:
            raise ApiError("RequesterFeedback is required to reject")
        if result is ReviewResult.INSUFFICIENT_FUNDS:
            raise ApiError(
                "This Requester has insufficient funds in their account to complete this"
                " transaction.",
                code="AWS.MechanicalTurk.InsufficientFunds",
            )
        if result is ReviewResult.TOO_LATE:
            raise ApiError(
                f"Assignment {name} was rejected over 30 days ago; it can no longer be approved.",
                code="AWS.MechanicalTurk.InvalidAssignmentState",
            )
        raise ApiError(f"Assignment {name} does not exist.")

    # -- money and HIT changes -------------------------------------------------------------------

    async def get_account_balance(self, requester: User, p: Params) -> Params:
        balance = await self.accounts.requester_balance(requester)
        return {
            "AvailableBalance": wire.money_text(balance.available_cents),
            "OnHoldBalance": wire.money_text(balance.escrow_cents),
        }

    async def update_expiration_for_hit(self, requester: User, p: Params) -> Params:
        hit_id = wire.parse_hit_id(p.get("HITId"))
        # A time in the past expires the HIT now; at most a year ahead, as a lifetime.
        latest = self.clock.now() + wire.MAX_SECONDS
        when = wire.timestamp(p, "ExpireAt", -latest, latest)
        await self._owned(requester, hit_id)
        result = await self.market.settling.set_expiry(requester, hit_id, when)
        self._change_outcome(result, hit_id)
        return {}

    async def create_additional_assignments_for_hit(self, requester: User, p: Params) -> Params:
        hit_id = wire.parse_hit_id(p.get("HITId"))
        count = wire.number(p, "NumberOfAdditionalAssignments", 1, 1_000_000)
        token = wire.text(p, "UniqueRequestToken", most=64)
        await self._owned(requester, hit_id)
        held = await self.fair.held_check(hit_id) if self.fair is not None else None
        if held is not None:  # more work at a pay measured under the floor: as publishing
            raise ApiError(
                mturk_texts.held_by_floor(
                    wire.hit_id_text(hit_id),
                    held.seconds,
                    wire.money_text(held.hourly_cents),
                    wire.money_text(held.floor_cents),
                    wire.money_text(held.needed_cents),
                ),
                code="AWS.MechanicalTurk.InvalidHITState",
            )
        key = f"token:{token}" if token else f"once:{secrets.token_hex(8)}"
        self._change_outcome(
            await self.market.settling.add_assignments(requester, hit_id, count, key), hit_id
        )
        return {}

    async def delete_hit(self, requester: User, p: Params) -> Params:
        hit_id = wire.parse_hit_id(p.get("HITId"))
        await self._owned(requester, hit_id)
        self._change_outcome(await self.market.settling.dispose(requester, hit_id), hit_id)
        async with self.db.transaction() as conn:
            await mturk.mark_disposed(conn, hit_id, self.clock.now())
        return {}

    @staticmethod
    def _change_outcome(result: ChangeResult, hit_id: int) -> None:
        name = wire.hit_id_text(hit_id)
        if result is ChangeResult.OK:
            return
        if result is ChangeResult.INSUFFICIENT_FUNDS:
            raise ApiError(
                "This Requester has insufficient funds in their account to complete this"
                " transaction.",
                code="AWS.MechanicalTurk.InsufficientFunds",
            )
        if result is ChangeResult.BUSY:
            raise ApiError(
                f"Hit {name} is not Reviewable, or has assignments in progress or awaiting"
                " review; it can be deleted once it has expired and all work is reviewed.",
                code="AWS.MechanicalTurk.InvalidHITState",
            )
        if result is ChangeResult.NOT_OPEN:
            raise ApiError(
                f"Hit {name} is no longer open.", code="AWS.MechanicalTurk.InvalidHITState"
            )
        raise ApiError(f"Hit {name} does not exist.", code="AWS.MechanicalTurk.HITDoesNotExist")
