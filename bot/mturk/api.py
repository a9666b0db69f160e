"""One API request in, one response out: target, signature, JSON, operation, errors.

Framework-free, so the HTTP server (server.py) and the benchmark floor share it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot import bounds
from bot.domain import User
from bot.mturk import _sigv4 as sigv4
from bot.mturk._wire import SERVICE_FAULT, ApiError
from bot.mturk.ops import Operation
from storage import mturk
from storage.db import Database

log = logging.getLogger(__name__)

# The deepest request MTurk defines (a review policy's MapEntries) nests 5 levels.
MAX_DEPTH = 10
TARGET_PREFIX = "MTurkRequesterServiceV20170117."
CONTENT_TYPE = "application/x-amz-json-1.1"


@dataclass(frozen=True, slots=True)
class ApiRequest:
    method: str
    path: str
    query: str
    header: Callable[[str], str | None]  # case-insensitive lookup
    body: bytes


@dataclass(frozen=True, slots=True)
class ApiResponse:
    status: int
    body: dict[str, Any]


class RequesterApi:
    """MTurk's requester API over one marketplace."""

    def __init__(
        self,
        db: Database,
        operations: Mapping[str, Operation],
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.operations = operations  # by MTurk name: HITs, assignments, people
        # Signatures are dated in real time whatever clock the marketplace runs on.
        self.wall = wall

    async def handle(self, request: ApiRequest) -> ApiResponse:
        """Answer one request; every failure becomes an MTurk error body."""
        try:
            return ApiResponse(200, await self._handle(request))
        except ApiError as exc:
            return ApiResponse(exc.status, exc.body())
        except Exception:
            log.exception("MTurk API request failed")
            fault = ApiError(
                "gigbot could not complete the request", kind=SERVICE_FAULT, status=500
            )
            return ApiResponse(fault.status, fault.body())

    async def _handle(self, request: ApiRequest) -> dict[str, Any]:
        if request.method != "POST":
            raise ApiError("MTurk requests are POST / with X-Amz-Target", status=405)
        target = request.header("x-amz-target") or ""
        if not target.startswith(TARGET_PREFIX):
            raise ApiError(f"X-Amz-Target must start with {TARGET_PREFIX}")
        requester = await self.authenticate(request)
        operation = self.operations.get(target.removeprefix(TARGET_PREFIX))
        if operation is None:
            raise ApiError(
                f"{target.removeprefix(TARGET_PREFIX)} is not supported by gigbot",
                code="AWS.MechanicalTurk.UnsupportedOperation",
            )
        body = request.body or b"{}"
        try:
            params = await bounds.off_loop(len(body), bounds.loads, body, MAX_DEPTH)
        except bounds.TooDeep:
            raise ApiError(f"the body nests lists and objects over {MAX_DEPTH} deep") from None
        except ValueError:
            raise ApiError("the body is not JSON") from None
        if not isinstance(params, dict):
            raise ApiError("the body must be a JSON object")
        return await operation(requester, params)

    async def authenticate(self, request: ApiRequest) -> User:
        """The requester whose active key signed this request; ApiError otherwise."""
        try:
            auth = sigv4.parse_authorization(request.header("authorization") or "")
            # One indexed read: on the loop's thread, no hand-off to SQLite's (quick); kept
            # by this process on PostgreSQL until any process changes a key or a user.
            found = await mturk.kept_key_holder(self.db, auth.access_key_id)
            if found is None:
                raise sigv4.SignatureError(
                    f"The access key {auth.access_key_id} is unknown or revoked (/apikey)"
                )
            secret, requester = found
            sigv4.verify(
                auth,
                secret,
                method=request.method,
                path=request.path,
                query=request.query,
                header=request.header,
                body=request.body,
                now=self.wall(),
            )
        except sigv4.SignatureError as exc:
            raise ApiError(str(exc), status=403, code="AWS.NotAuthorized") from None
        return requester
