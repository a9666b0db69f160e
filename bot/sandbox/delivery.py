"""Getting updates to the bot: the getUpdates queue, long polling, and webhook pushes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import aiohttp

JSON = dict[str, Any]

# Telegram leaves these out unless asked for by name.
_OPT_IN = {"chat_member", "message_reaction", "message_reaction_count"}
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def _chat_of(update: JSON) -> object:
    """The chat an update belongs to (Telegram keeps each chat's updates in order)."""
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        inner = value.get("message")
        message: JSON = inner if isinstance(inner, dict) else value
        chat = message.get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return chat["id"]
        sender = value.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return sender["id"]
    return ("update", update.get("update_id"))


class ConflictError(Exception):
    """getUpdates is not possible right now; str() is Telegram's description."""


@dataclass
class Webhook:
    """The webhook Telegram pushes to, and how delivery went."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


class Delivery:
    """Pending updates, handed out by getUpdates or pushed to a webhook in order."""

    def __init__(self, retry_delay: float = 0.05) -> None:
        self.pending: list[JSON] = []
        self.allowed: list[str] = []
        self.webhook: Webhook | None = None
        self.delivered: list[JSON] = []
        self._changed = asyncio.Event()
        self._closing = False
        self._poll_generation = 0
        self._worker: asyncio.Task[None] | None = None
        self._client: aiohttp.ClientSession | None = None
        self._retry_delay = retry_delay
        self._failures = 0
        self._pushes: set[asyncio.Task[None]] = set()  # POSTs on their way
        self._busy: set[object] = set()  # chats with an update on its way
        self._sending: set[int] = set()  # update_ids on their way
        self._retry_at: dict[object, float] = {}  # chats waiting after a failed POST
        self._delivered_ids: set[int] = set()
        self._waiters: dict[int, asyncio.Future[None]] = {}
        self.parked = 0  # long polls waiting here for an update
        self._park_waiters: list[asyncio.Future[None]] = []
        # Runs the Bot API call a webhook answered with (set by the simulator).
        self.on_reply: Callable[[str, JSON], Awaitable[object]] | None = None

    def push(self, update: JSON) -> None:
        """Queue an update for the bot."""
        self.pending.append(update)
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _wanted(self, update: JSON) -> bool:
        kind = next(k for k in update if k != "update_id")
        return kind in self.allowed if self.allowed else kind not in _OPT_IN

    def _take(self, limit: int) -> list[JSON]:
        self.pending = [u for u in self.pending if self._wanted(u)]
        return self.pending[:limit]

    async def get_updates(
        self, offset: int | None, limit: int, timeout: float, allowed: list[str] | None
    ) -> list[JSON]:
        """Answer getUpdates: confirm below offset, then wait up to timeout for something."""
        if self.webhook is not None:
            raise ConflictError(_CONFLICT_WEBHOOK)
        if allowed is not None:
            self.allowed = list(allowed)
        if offset is not None and offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        elif offset is not None and offset < 0:
            self.pending = self.pending[offset:]
        limit = min(max(limit, 1), 100)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # a waiting older request is now terminated
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            batch = self._take(limit)
            left = deadline - time.monotonic()
            if batch or left <= 0 or self._closing:
                return batch
            changed = self._changed
            self.parked += 1
            for waiter in self._park_waiters:
                if not waiter.done():
                    waiter.set_result(None)
            self._park_waiters.clear()
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), left)
            finally:
                self.parked -= 1
            if generation != self._poll_generation:
                raise ConflictError(_CONFLICT_POLL)
            if self.webhook is not None:
                return []

    def set_webhook(
        self,
        url: str,
        secret_token: str | None,
        allowed: list[str] | None,
        drop_pending: bool,
        max_connections: int,
        ip_address: str | None,
    ) -> None:
        """Start pushing updates to url (an empty url removes the webhook)."""
        if drop_pending:
            self.pending.clear()
        if allowed is not None:
            self.allowed = list(allowed)
        if not url:
            self.delete_webhook(drop_pending)
            return
        self.webhook = Webhook(url, secret_token, max_connections, ip_address)
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._push_loop())
        self._notify()

    def delete_webhook(self, drop_pending: bool) -> None:
        """Stop pushing; undelivered updates stay for getUpdates unless dropped."""
        if drop_pending:
            self.pending.clear()
        self.webhook = None
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        self._notify()

    def webhook_info(self) -> JSON:
        """Render WebhookInfo."""
        hook = self.webhook
        info: JSON = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.ip_address:
                info["ip_address"] = hook.ip_address
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
            if self.allowed:
                info["allowed_updates"] = self.allowed
        return info

    async def _push_loop(self) -> None:
        """Push pending updates as Telegram does: up to max_connections at once, one at a
        time per chat and in order per chat; a failed one is retried after a pause."""
        busy, sending, retry_at, tasks = self._busy, self._sending, self._retry_at, self._pushes
        while True:
            hook, changed = self.webhook, self._changed
            if hook is None:
                await changed.wait()
                continue
            now = time.monotonic()
            waiting: set[object] = set()
            for update in self._take(len(self.pending)):
                key = _chat_of(update)
                if update["update_id"] in sending or key in busy or key in waiting:
                    waiting.add(key)  # later updates of a busy chat wait their turn
                    continue
                if retry_at.get(key, 0.0) > now:
                    waiting.add(key)
                    continue
                if len(tasks) >= hook.max_connections:
                    break
                busy.add(key)
                sending.add(update["update_id"])
                task = asyncio.get_running_loop().create_task(self._deliver(hook, update, key))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            pause = min((at - now for at in retry_at.values() if at > now), default=None)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), pause)

    async def _deliver(self, hook: Webhook, update: JSON, key: object) -> None:
        """POST one update; on success it leaves the queue, else its chat waits a while."""
        try:
            error = await self._post(hook, update)
            if error is None:
                self._failures = 0
                self._retry_at.pop(key, None)
                if update in self.pending:
                    self.pending.remove(update)
                self.delivered.append(update)
                self._delivered_ids.add(update["update_id"])
                waiter = self._waiters.pop(update["update_id"], None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)
            else:
                self._failures += 1
                hook.last_error_date = int(time.time())
                hook.last_error_message = error
                pause = min(self._retry_delay * 2 ** min(self._failures, 6), 2.0)
                self._retry_at[key] = time.monotonic() + pause
        finally:
            self._busy.discard(key)
            self._sending.discard(update["update_id"])
            self._notify()

    async def polled(self) -> None:
        """Wait until a getUpdates long poll is waiting here for an update."""
        if self.parked:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._park_waiters.append(waiter)
        await waiter

    async def taken(self, update_id: int) -> None:
        """Wait until the webhook took this update (and the call it answered with ran)."""
        if update_id in self._delivered_ids:
            return
        waiter = self._waiters.get(update_id)
        if waiter is None:
            waiter = self._waiters[update_id] = asyncio.get_running_loop().create_future()
        await waiter

    async def _post(self, hook: Webhook, update: JSON) -> str | None:
        if self._client is None:
            self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10.0))
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        )
        try:
            async with self._client.post(hook.url, json=update, headers=headers) as response:
                if not 200 <= response.status < 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                ctype, body = response.headers.get("Content-Type", ""), await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Connection failed: {exc.__class__.__name__}"
        await self._run_reply(ctype, body)
        return None

    async def _run_reply(self, ctype: str, body: bytes) -> None:
        """A webhook may answer with one Bot API call (JSON or form fields with `method`);
        Telegram runs it and tells nobody the result."""
        if not body or self.on_reply is None:
            return
        params: JSON
        if ctype.startswith("application/json"):
            parsed = json.loads(body)
            params = parsed if isinstance(parsed, dict) else {}
        elif ctype.startswith("application/x-www-form-urlencoded"):
            params = dict(parse_qsl(body.decode()))
        else:
            return
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            await self.on_reply(method, params)

    async def close(self) -> None:
        """Release long polls, stop pushing, close the HTTP client."""
        self._closing = True
        self._notify()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        for push in list(self._pushes):
            push.cancel()
        if self._pushes:
            await asyncio.wait(list(self._pushes))
        if self._client is not None:
            await self._client.close()
            self._client = None
