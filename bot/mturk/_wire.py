"""MTurk's wire types: errors, ids, money strings, parameter checks, HIT/Assignment JSON.

Timestamps go out as epoch seconds (AWS JSON 1.1), money as strings like "0.05",
workers as their gigbot alias.
"""

from __future__ import annotations

import math
import re
from typing import Any

from bot.domain import ApiHit, Assignment, AssignmentStatus, Hit, HitStatus, HitType, SlotCounts

Params = dict[str, Any]
REQUEST_ERROR = "RequestError"
SERVICE_FAULT = "ServiceFault"
DEFAULT_AUTO_APPROVE_S = 30 * 24 * 3600  # MTurk's default and maximum
MAX_SECONDS = 365 * 24 * 3600
_MONEY = re.compile(r"([0-9]{1,40})(?:\.([0-9]{0,2}))?")  # whole string (fullmatch)
_HIT_ID = re.compile(r"^GBH(\d{1,18})$")
_ASSIGNMENT_ID = re.compile(r"^GBA(\d{1,18})$")
_TOKEN = re.compile(r"^gb1\.(\d{1,18})$")

API_STATUS = {
    AssignmentStatus.SUBMITTED: "Submitted",
    AssignmentStatus.APPROVED: "Approved",
    AssignmentStatus.REJECTED: "Rejected",
}
GIG_STATUS = {name: status for status, name in API_STATUS.items()}


class ApiError(Exception):
    """An MTurk error: RequestError (the caller's fault, 400) or ServiceFault (ours, 500)."""

    def __init__(
        self, message: str, *, kind: str = REQUEST_ERROR, status: int = 400, code: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status
        self.code = code or f"AWS.MechanicalTurk.{'ServiceFault' if status >= 500 else 'Error'}"

    def body(self) -> Params:
        return {"__type": self.kind, "Message": self.message, "TurkErrorCode": self.code}


def hit_id_text(hit_id: int) -> str:
    """7 -> "GBH00000007"."""
    return f"GBH{hit_id:08d}"


def assignment_id_text(assignment_id: int) -> str:
    """12 -> "GBA00000012"."""
    return f"GBA{assignment_id:08d}"


def parse_hit_id(text: object) -> int:
    match = _HIT_ID.match(text) if isinstance(text, str) else None
    if match is None:
        raise ApiError(f"Hit {text} does not exist.", code="AWS.MechanicalTurk.HITDoesNotExist")
    return int(match[1])


def parse_assignment_id(text: object) -> int:
    match = _ASSIGNMENT_ID.match(text) if isinstance(text, str) else None
    if match is None:
        raise ApiError(f"Assignment {text} does not exist.")
    return int(match[1])


def money_text(cents: int) -> str:
    """5 -> "0.05", 1234 -> "12.34"."""
    return f"{cents // 100}.{cents % 100:02d}"


def parse_money(text: object, name: str, most: int) -> int:
    """ "0.05" -> 5, "1" -> 100, "1.5" -> 150, up to `most` cents; anything else is a
    RequestError."""
    match = _MONEY.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ApiError(f"{name} must look like 0.05 (dollars and cents), not {str(text)[:40]!r}")
    cents = int(match[1]) * 100 + int((match[2] or "").ljust(2, "0"))
    if cents > most:
        raise ApiError(f"{name} must be at most {money_text(most)}")
    return cents


def timestamp(params: Params, name: str, least: float, most: float) -> float:
    """A time in epoch seconds (AWS JSON sends numbers), finite and within [least, most];
    NaN, Infinity and 1e308 are RequestErrors."""
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiError(f"{name} is required (a timestamp)")
    if not math.isfinite(value) or not least <= value <= most:
        raise ApiError(f"{name} must be a time from {least:.0f} to {most:.0f} (epoch seconds)")
    return float(value)


def page_token(last_id: int) -> str:
    return f"gb1.{last_id}"


def after_token(params: Params) -> int:
    """The id to continue after, from NextToken (0 to start)."""
    token = params.get("NextToken")
    if token is None:
        return 0
    match = _TOKEN.match(token) if isinstance(token, str) else None
    if match is None:
        raise ApiError("NextToken is not one gigbot gave out")
    return int(match[1])


def page_size(params: Params) -> int:
    return number(params, "MaxResults", 1, 100, default=10)


def text(params: Params, name: str, *, required: bool = False, most: int = 10_000) -> str:
    value = params.get(name)
    if value is None:
        if required:
            raise ApiError(f"{name} is required")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ApiError(f"{name} must be a non-empty string")
    if len(value) > most:
        raise ApiError(f"{name} is longer than {most} characters")
    return value


def names(value: object, name: str, allowed: tuple[str, ...]) -> list[str]:
    """`value` as a list of names from `allowed` (e.g. AssignmentStatuses); any other
    shape (a string, nested lists, numbers) is a RequestError."""
    if not isinstance(value, list) or not all(isinstance(n, str) and n in allowed for n in value):
        raise ApiError(f"{name} may hold {', '.join(allowed)}")
    return value


def number(params: Params, name: str, least: int, most: int, *, default: int | None = None) -> int:
    value = params.get(name, default)
    if value is None:
        raise ApiError(f"{name} is required")
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise ApiError(f"{name} must be a whole number from {least} to {most}")
    return value


def refuse_unsupported(params: Params, names: tuple[str, ...]) -> None:
    """Fields gigbot does not implement yet: a clear error beats silently ignoring them."""
    for name in names:
        if params.get(name):
            raise ApiError(f"{name} is not supported by gigbot yet")


def hit_status(hit: Hit, api: ApiHit, counts: SlotCounts, now: float) -> str:
    """MTurk's HITStatus for a gigbot HIT."""
    if api.disposed_at is not None or hit.status is HitStatus.CANCELLED:
        return "Disposed"
    live = hit.status in (HitStatus.OPEN, HitStatus.PAUSED) and (hit.expires_at or 0) > now
    if live and hit.status is HitStatus.OPEN and hit.slots_left > 0:
        return "Assignable"
    if counts.accepted or (live and hit.status is HitStatus.PAUSED):
        return "Unassignable"
    return "Reviewable"


def hit_json(hit: Hit, api: ApiHit, t: HitType, counts: SlotCounts, now: float) -> Params:
    status = hit_status(hit, api, counts, now)
    return {
        "HITId": hit_id_text(hit.id),
        "HITTypeId": t.id,
        "HITGroupId": t.id,
        "CreationTime": hit.created_at,
        "Title": hit.title,
        "Description": t.description,
        "Question": api.question,
        "Keywords": t.keywords,
        "HITStatus": status,
        "MaxAssignments": hit.max_assignments,
        "Reward": money_text(hit.reward_cents),
        "AutoApprovalDelayInSeconds": hit.auto_approve_s,
        "Expiration": hit.expires_at or hit.created_at,
        "AssignmentDurationInSeconds": hit.time_allotted_s,
        "RequesterAnnotation": api.annotation,
        "QualificationRequirements": t.requirement_list,
        "HITReviewStatus": "NotReviewed",
        "NumberOfAssignmentsPending": counts.accepted,
        "NumberOfAssignmentsAvailable": hit.slots_left if status == "Assignable" else 0,
        "NumberOfAssignmentsCompleted": counts.reviewed,
    }


def assignment_json(a: Assignment, hit: Hit, worker_alias: str, answer_xml: str) -> Params:
    found: Params = {
        "AssignmentId": assignment_id_text(a.id),
        "WorkerId": worker_alias,
        "HITId": hit_id_text(hit.id),
        "AssignmentStatus": API_STATUS[a.status],
        "AcceptTime": a.accepted_at,
        "Deadline": a.deadline_at,
        "Answer": answer_xml,
    }
    if a.submitted_at is not None:
        found["SubmitTime"] = a.submitted_at
        found["AutoApprovalTime"] = a.submitted_at + hit.auto_approve_s
    if a.status is AssignmentStatus.APPROVED and a.reviewed_at is not None:
        found["ApprovalTime"] = a.reviewed_at
    if a.status is AssignmentStatus.REJECTED and a.reviewed_at is not None:
        found["RejectionTime"] = a.reviewed_at
        found["RequesterFeedback"] = a.reject_reason or ""
    return found
