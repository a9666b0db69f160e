"""The webhook server of `gigbot run` when GIGBOT_WEBHOOK_URL is set (wiring: imports telegram).

What PTB's own webhook server does - check Telegram's secret header, hand each update to
the Application - plus one thing it cannot: a button press is answered in the webhook
response (handlers/ptb/webhook_reply.py), so a tap costs one Bot API request (the edit) instead
of two, and the button's spinner stops as soon as the handler knows what to say.
Other updates are acknowledged at once, as PTB does.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import socket
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot import bounds
from handlers.common import GigApp
from handlers.ptb.webhook_reply import CURRENT, ReplySlot

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024
# Telegram's updates nest about 8 levels (a reply's keyboard: rows of buttons); 32 is roomy.
MAX_DEPTH = 32


class _Updates(RequestHandler):
    """POST <path>: one update from Telegram."""

    def initialize(self, server: WebhookServer) -> None:
        self.server = server

    def check_xsrf_cookie(self) -> None:
        """Telegram proves itself with the secret header, not a cookie."""

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.server.secret.encode()):
            self.set_status(403)
            return
        try:
            body = self.request.body
            found = await bounds.off_loop(len(body), bounds.loads, body, MAX_DEPTH)
        except ValueError:  # not JSON (or not UTF-8), or nested too deeply
            found = None
        update = parse_update(found, self.server.app)
        if update is None:
            self.set_status(400)
            return
        call = await self.server.handle(update)
        if call is not None:
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(call, ensure_ascii=False))


def parse_update(data: object, app: GigApp) -> Update | None:
    """The update a webhook body's JSON holds, or None when it holds none (answered with a
    400): not an object, no whole update_id, or fields PTB cannot read."""
    if not isinstance(data, dict):
        return None
    update_id = data.get("update_id")
    if isinstance(update_id, bool) or not isinstance(update_id, int) or update_id < 0:
        return None
    try:
        return Update.de_json(data, app.bot)
    except (AttributeError, KeyError, OverflowError, RecursionError, TypeError, ValueError):
        return None


class WebhookServer:
    """Serves `path` on listen:port for one Application until stopped."""

    def __init__(self, app: GigApp, path: str, secret: str) -> None:
        self.app = app
        self.path = "/" + path.lstrip("/")
        self.secret = secret
        self._server: HTTPServer | None = None
        self._handling: dict[int, asyncio.Future[None]] = {}  # by update_id
        self.answers_in_response = True  # False: presses are answered by a request (bench)

    def start(self, listen: str, port: int) -> int:
        """Bind and serve (OSError if the port is taken); the port, chosen if 0."""
        sockets = bind_sockets(port, listen, family=socket.AF_INET)
        web = Application([(self.path, _Updates, {"server": self})], log_function=_quiet)
        self._server = HTTPServer(web, max_body_size=MAX_BODY)
        self._server.add_sockets(sockets)
        return int(sockets[0].getsockname()[1])

    async def handle(self, update: Update) -> dict[str, object] | None:
        """Hand the update to the Application; the call to answer with, if any."""
        query = update.callback_query
        slot = (
            ReplySlot(query.id, asyncio.get_running_loop().create_future())
            if query and self.answers_in_response
            else None
        )
        token = CURRENT.set(slot)
        try:  # the task copies the context: the handlers see the slot
            task = asyncio.ensure_future(
                self.app.update_processor.process_update(update, self.app.process_update(update))
            )
        finally:
            CURRENT.reset(token)
        self._handling[update.update_id] = task
        task.add_done_callback(lambda _: self._handling.pop(update.update_id, None))
        if slot is None:
            return None
        either: list[asyncio.Future[Any]] = [slot.call, task]
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        if not slot.call.done():
            slot.call.cancel()  # handled without an answer: nothing to reply with
            return None
        log.debug("update %s: answerCallbackQuery in the webhook response", update.update_id)
        return slot.call.result()

    async def handled(self, update_id: int) -> None:
        """Wait until the handlers of an update taken here are done."""
        task = self._handling.get(update_id)
        if task is not None:
            await asyncio.wait([task])

    async def stop(self) -> None:
        """Take no more updates; let the ones being handled finish."""
        if self._server is not None:
            self._server.stop()
        if self._handling:
            await asyncio.wait(list(self._handling.values()))
        if self._server is not None:
            await self._server.close_all_connections()
            self._server = None


def _quiet(handler: RequestHandler) -> None:
    log.debug("webhook %s %s", handler.get_status(), handler.request.method)
