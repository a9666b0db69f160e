"""AWS Signature Version 4: check that a request was signed with a given secret.

Follows the canonical-request recipe botocore signs with (auth.SigV4Auth): method, URI,
sorted query, the signed headers with trimmed values, the payload's SHA-256; then the
string to sign over the credential scope and the HMAC chain of the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import parse_qsl, quote

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_S = 15 * 60
_AMZ_DATE = re.compile(r"[0-9]{8}T[0-9]{6}Z")
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<cred>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),"
    r"\s*Signature=(?P<sig>[0-9a-f]{64})\s*$"
)


class SignatureError(Exception):
    """The request is not signed, badly signed, or signed too long ago."""


@dataclass(frozen=True, slots=True)
class Authorization:
    """The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.

    >>> a = parse_authorization('AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/'
    ...     'mturk-requester/aws4_request, SignedHeaders=host;x-amz-date, Signature=' + '0' * 64)
    >>> a.access_key_id, a.scope, a.signed_headers
    ('AKID', '20261127/us-east-1/mturk-requester/aws4_request', ('host', 'x-amz-date'))
    """

    access_key_id: str
    scope: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(header: str) -> Authorization:
    match = _AUTH.match(header.strip())
    if match is None:
        raise SignatureError("missing or malformed AWS4-HMAC-SHA256 Authorization header")
    key_id, _, scope = match["cred"].partition("/")
    if scope.count("/") != 3 or not scope.endswith("/aws4_request"):
        raise SignatureError("malformed credential scope")
    return Authorization(key_id, scope, tuple(match["signed"].split(";")), match["sig"])


def _canonical_query(query: str) -> str:
    pairs = sorted(
        (quote(k, safe="-_.~"), quote(v, safe="-_.~"))
        for k, v in parse_qsl(query, keep_blank_values=True)
    )
    return "&".join(f"{k}={v}" for k, v in pairs)


def _amz_time(text: str) -> datetime:
    """'20261127T093000Z' -> that moment (UTC); ValueError if it is not one (strptime's
    work without its cost, ~20 us a request).

    >>> _amz_time("20261127T093000Z").isoformat()
    '2026-11-27T09:30:00+00:00'
    """
    if not _AMZ_DATE.fullmatch(text):
        raise ValueError(text)
    return datetime(
        int(text[:4]),
        int(text[4:6]),
        int(text[6:8]),
        int(text[9:11]),
        int(text[11:13]),
        int(text[13:15]),
        tzinfo=UTC,
    )


# The key derived from a secret for a day's scope: the same for every request that day.
@lru_cache(maxsize=64)
def _signing_key(secret: str, scope: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def verify(
    auth: Authorization,
    secret: str,
    *,
    method: str,
    path: str,
    query: str,
    header: Callable[[str], str | None],
    body: bytes,
    now: float,
) -> None:
    """Raise SignatureError unless `auth` signs exactly this request with `secret`."""
    if "host" not in auth.signed_headers:
        raise SignatureError("the Host header must be signed")
    amz_date = header("x-amz-date") or ""
    try:
        signed_at = _amz_time(amz_date)
    except ValueError:
        raise SignatureError("missing or malformed X-Amz-Date") from None
    if not auth.scope.startswith(amz_date[:8] + "/"):
        raise SignatureError("credential scope date does not match X-Amz-Date")
    if abs(now - signed_at.timestamp()) > MAX_SKEW_S:
        raise SignatureError("signature expired: X-Amz-Date is more than 15 minutes off")
    payload_hash = hashlib.sha256(body).hexdigest()
    claimed = header("x-amz-content-sha256")
    if claimed is not None and claimed != payload_hash:
        raise SignatureError("X-Amz-Content-SHA256 does not match the body")
    lines = []
    for name in auth.signed_headers:
        value = header(name)
        if value is None:
            raise SignatureError(f"signed header {name} is missing")
        lines.append(f"{name}:{' '.join(value.split())}\n")
    canonical = "\n".join(
        [
            method,
            quote(path or "/", safe="/~"),
            _canonical_query(query),
            "".join(lines),
            ";".join(auth.signed_headers),
            payload_hash,
        ]
    )
    to_sign = "\n".join(
        [ALGORITHM, amz_date, auth.scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    expected = hmac.new(_signing_key(secret, auth.scope), to_sign.encode(), hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), auth.signature):
        raise SignatureError(
            "The request signature we calculated does not match the signature you provided"
        )
