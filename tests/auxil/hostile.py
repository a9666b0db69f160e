"""Raw requests a hostile client sends: signed MTurk calls of any body, raw webhook posts."""

from __future__ import annotations

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
