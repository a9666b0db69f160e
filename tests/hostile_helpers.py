"""Plumbing for the hostile-input stories: raw signed MTurk requests, raw webhook posts."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from bot.demo.stage import WEBHOOK_SECRET, Stage
from bot.mturk.api import TARGET_PREFIX, ApiRequest, ApiResponse, RequesterApi


def signed(url: str, key: tuple[str, str], operation: str, body: bytes) -> AWSRequest:
    """A POST of `body` as `operation`, signed now by botocore's own SigV4 signer."""
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={
            "X-Amz-Target": TARGET_PREFIX + operation,
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    SigV4Auth(Credentials(*key), "mturk-requester", "us-east-1").add_auth(request)
    return request


async def post_signed(
    stage: Stage, key: tuple[str, str], operation: str, body: bytes
) -> httpx.Response:
    """Send any body, signed with `key`, to the bot's MTurk endpoint over HTTP."""
    request = signed(stage.mturk_url + "/", key, operation, body)
    assert request.url is not None
    async with httpx.AsyncClient() as client:
        return await client.post(request.url, content=body, headers=dict(request.headers))


async def handle_signed(
    stage: Stage, key: tuple[str, str], operation: str, body: bytes
) -> ApiResponse:
    """As post_signed, handed straight to the API object the HTTP server serves (faster)."""
    api: RequesterApi = stage.app.bot_data["mturk_server"].api
    request = signed(stage.mturk_url + "/", key, operation, body)
    headers = {k.lower(): v for k, v in request.headers.items()}
    headers["host"] = urlsplit(stage.mturk_url).netloc  # signed from the URL, as httpx sends
    response: ApiResponse = await api.handle(
        ApiRequest("POST", "/", "", lambda name: headers.get(name.lower()), body)
    )
    await stage.settle()
    return response


async def post_update(stage: Stage, body: bytes) -> httpx.Response:
    """POST `body` to the bot's webhook with the right secret, as Telegram would."""
    hook = stage.sim.delivery.webhook
    assert hook is not None, "a stage opened with webhook=True"
    async with httpx.AsyncClient() as client:
        return await client.post(
            hook.url, content=body, headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        )


def json_nested(depth: int, inner: Any = 1) -> str:
    """'[[[1]]]' for depth 3."""
    return "[" * depth + str(inner) + "]" * depth


# -- the invariants every hostile story ends with --------------------------------------


def money_problems(database: Path) -> list[str]:
    """What is wrong with the money: every transfer positive, the ledger summing to zero,
    the balances table agreeing with it, and each HIT's escrow equal to what its work can
    still claim (open, paused or closed: every slot not yet paid or rejected; expired or
    cancelled: the work accepted or submitted; a draft: nothing)."""
    problems: list[str] = []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        bad = db.execute("SELECT key, amount_cents FROM ledger WHERE amount_cents <= 0").fetchall()
        problems += [f"transfer {key} of {cents} cents" for key, cents in bad]
        summed = dict(
            db.execute(
                "SELECT account, SUM(amount) FROM (SELECT to_account AS account, amount_cents"
                " AS amount FROM ledger UNION ALL SELECT from_account, -amount_cents FROM ledger)"
                " GROUP BY account"
            ).fetchall()
        )
        if sum(summed.values()) != 0:
            problems.append(f"the ledger sums to {sum(summed.values())}")
        kept = dict(db.execute("SELECT account, cents FROM balances").fetchall())
        for account in set(summed) | set(kept):
            if summed.get(account, 0) != kept.get(account, 0):
                problems.append(
                    f"{account}: ledger {summed.get(account, 0)}, balances {kept.get(account, 0)}"
                )
        problems += [
            f"{account} is negative: {cents}"
            for account, cents in summed.items()
            if cents < 0 and account != "world"
        ]
        rows = db.execute(
            "SELECT h.id, h.status, h.reward_cents, h.max_assignments,"
            " SUM(a.status = 'accepted') + SUM(a.status = 'submitted'),"
            " SUM(a.status = 'approved') + SUM(a.status = 'rejected')"
            " FROM hits h LEFT JOIN assignments a ON a.hit_id = h.id GROUP BY h.id"
        ).fetchall()
        for hit_id, status, reward, most, working, done in rows:
            working, done = working or 0, done or 0
            if status == "draft":
                claimable = 0
            elif status in ("expired", "cancelled"):
                claimable = reward * working
            else:
                claimable = reward * (most - done)
            held = summed.get(f"escrow:{hit_id}", 0)
            if held != claimable:
                problems.append(
                    f"HIT {hit_id} ({status}, {reward}c x {most}, {working} working, "
                    f"{done} paid or rejected): escrow {held}, can still claim {claimable}"
                )
    return problems


def stage_problems(stage: Stage) -> list[str]:
    """Handler errors, Telegram-rule violations and money problems, as lines."""
    return [
        *(f"handler error: {e!r}" for e in stage.services.errors),
        *(f"Telegram rule broken: {v}" for v in stage.sim.violations),
        *money_problems(stage.services.settings.database),
    ]
