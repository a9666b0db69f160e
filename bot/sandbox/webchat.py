"""The sandbox's web chat: a page with one chat pane per simulated person, and the small
JSON control API it uses (people, sending, pressing, uploading, the chats as they are).

It serves 127.0.0.1 only. Every POST must carry ``X-Sandbox: 1`` (a header another site's
page cannot add without a CORS preflight this server never grants) and every request a
Host of this server (no DNS rebinding).
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
import urllib.parse
from dataclasses import dataclass
from importlib import resources
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.sandbox.chatview import chat_view, signature
from bot.sandbox.sim import SimTelegram
from bot.sandbox.state import SimUser

JSON = dict[str, Any]

LONG_POLL_SECONDS = 20.0
_STATIC = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)
MAX_NAME = 32
MAX_TEXT = 4096


@dataclass
class Person:
    """Someone the page shows a pane for."""

    user: SimUser
    role: str


class WebChat:
    """People in the simulated Telegram and what they can do from the page."""

    def __init__(self, sim: SimTelegram) -> None:
        self.sim = sim
        self.people: list[Person] = []
        self.closing = False
        self._server: tornado.httpserver.HTTPServer | None = None
        self.host = "127.0.0.1"
        self.port = 0

    def add(self, user: SimUser, role: str) -> Person:
        """Give a simulated user a pane."""
        person = Person(user, role)
        self.people.append(person)
        return person

    def join(self, name: str, role: str = "worker") -> Person:
        """A new person opens the bot (they send /start)."""
        person = self.add(self.sim.add_user(name), role)
        self.sim.message(person.user, "/start")
        return person

    def person(self, user_id: int) -> Person:
        """Find a pane's person; KeyError if there is none."""
        for person in self.people:
            if person.user.id == user_id:
                return person
        raise KeyError(user_id)

    def signature(self) -> str:
        """Changes whenever anything the page shows changes."""
        return f"{len(self.people)}|" + signature(self.sim, [p.user for p in self.people])

    def snapshot(self) -> JSON:
        """Every pane's chat, and the version the page passes back to wait for a change."""
        return {
            "version": self.signature(),
            "bot": {"username": self.sim.world.bot.username},
            "chats": [chat_view(self.sim, p.user, p.role) for p in self.people],
        }

    async def changes(self, known: str | None, timeout: float = LONG_POLL_SECONDS) -> JSON:
        """Wait (long poll) until the snapshot differs from the version the page knows."""
        deadline = time.monotonic() + timeout
        while known == self.signature() and time.monotonic() < deadline and not self.closing:
            await asyncio.sleep(0.05)
        return self.snapshot()

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{self.host}:{self.port}/"

    def start(self, port: int = 0) -> int:
        """Listen on 127.0.0.1 (a free port unless given) and return the port."""
        app = tornado.web.Application(
            [
                (r"/", PageHandler, {"chat": self, "name": "index.html"}),
                (r"/static/(app\.js|app\.css)", StaticHandler, {"chat": self}),
                (r"/api/chats", ChatsHandler, {"chat": self}),
                (r"/api/users", UsersHandler, {"chat": self}),
                (r"/api/users/(\d+)", ChatHandler, {"chat": self}),
                (r"/api/users/(\d+)/send", SendHandler, {"chat": self}),
                (r"/api/users/(\d+)/press", PressHandler, {"chat": self}),
                (r"/api/users/(\d+)/pay", PayHandler, {"chat": self}),
                (r"/api/users/(\d+)/upload", UploadHandler, {"chat": self}),
                (r"/api/files/([A-Za-z0-9_-]+)", FileHandler, {"chat": self}),
            ],
            log_function=lambda handler: None,
        )
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=8 * 1024 * 1024)
        sockets = tornado.netutil.bind_sockets(port, self.host, family=socket.AF_INET)
        self._server.add_sockets(sockets)
        self.port = int(sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        """Release waiting pages and close the server."""
        self.closing = True
        if self._server is not None:
            self._server.stop()
            await asyncio.sleep(0.1)
            await self._server.close_all_connections()
            self._server = None


def _static(name: str) -> bytes:
    return resources.files("bot.sandbox").joinpath("static", name).read_bytes()


class _Base(tornado.web.RequestHandler):
    chat: WebChat

    def initialize(self, chat: WebChat, **_: Any) -> None:
        self.chat = chat

    def prepare(self) -> None:
        """Refuse other hosts' names (DNS rebinding) and POSTs without the sandbox header."""
        host = self.request.host.lower()
        allowed = {f"127.0.0.1:{self.chat.port}", f"localhost:{self.chat.port}"}
        if host not in allowed:
            self._fail(403, "wrong Host")
        elif self.request.method == "POST" and self.request.headers.get("X-Sandbox") != "1":
            self._fail(403, "missing X-Sandbox header")

    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")

    def _fail(self, status: int, problem: str) -> None:
        self._json({"ok": False, "error": problem}, status)

    def _json(self, body: JSON, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))

    def _body(self) -> JSON:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise tornado.web.HTTPError(400, "body is not JSON") from None
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400, "body must be a JSON object")
        return body

    def _person(self, user_id: str) -> Person:
        try:
            return self.chat.person(int(user_id))
        except KeyError:
            raise tornado.web.HTTPError(404, "no such user") from None

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Errors are JSON too, saying what was wrong."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        problem = exc.log_message if isinstance(exc, tornado.web.HTTPError) else None
        self._json({"ok": False, "error": problem or self._reason}, status_code)


class PageHandler(_Base):
    """GET /: the page."""

    def initialize(self, chat: WebChat, **kwargs: Any) -> None:
        self.chat = chat
        self.name = str(kwargs["name"])

    def get(self) -> None:
        """Serve the page with a strict Content-Security-Policy."""
        self.set_header("Content-Type", _STATIC[self.name])
        self.set_header("Content-Security-Policy", _CSP)
        self.finish(_static(self.name))


class StaticHandler(_Base):
    """GET /static/<name>: the script and the style sheet."""

    def get(self, name: str) -> None:
        """Serve one packaged file."""
        self.set_header("Content-Type", _STATIC[name])
        self.finish(_static(name))


class ChatsHandler(_Base):
    """GET /api/chats?known=<version>: every pane's chat, once something changed."""

    async def get(self) -> None:
        """Answer at once without `known`, else when the version moves (or after a while)."""
        known = self.get_query_argument("known", None)
        self._json(await self.chat.changes(known) if known else self.chat.snapshot())


class ChatHandler(_Base):
    """GET /api/users/<id>: one person's chat (messages, buttons, edits) and alerts."""

    def get(self, user_id: str) -> None:
        """Answer at once."""
        person = self._person(user_id)
        self._json(chat_view(self.chat.sim, person.user, person.role))


class UsersHandler(_Base):
    """POST /api/users {"name"}: a new worker opens the bot."""

    def post(self) -> None:
        """Create the person; they send /start."""
        name = str(self._body().get("name") or "").strip()
        if not name or len(name) > MAX_NAME:
            raise tornado.web.HTTPError(400, f"name must be 1 to {MAX_NAME} characters")
        person = self.chat.join(name)
        self._json({"ok": True, "id": person.user.id})


class SendHandler(_Base):
    """POST /api/users/<id>/send {"text", "reply_to"?}: the person types a message."""

    def post(self, user_id: str) -> None:
        """Send it to the bot."""
        person = self._person(user_id)
        body = self._body()
        text = str(body.get("text") or "")
        if not text.strip() or len(text) > MAX_TEXT:
            raise tornado.web.HTTPError(400, f"text must be 1 to {MAX_TEXT} characters")
        reply_to = body.get("reply_to")
        try:
            update = self.chat.sim.message(
                person.user, text, reply_to=int(reply_to) if reply_to else None
            )
        except ValueError as exc:
            raise tornado.web.HTTPError(400, str(exc)) from None
        self._json({"ok": True, "update_id": update["update_id"]})


class PressHandler(_Base):
    """POST /api/users/<id>/press {"message_id", "data"}: the person taps a button."""

    def post(self, user_id: str) -> None:
        """Press the button carrying exactly this callback data (it must be on the message)."""
        person = self._person(user_id)
        body = self._body()
        try:
            update = self.chat.sim.callback(
                person.user, int(body.get("message_id") or 0), str(body.get("data") or "")
            )
        except ValueError as exc:
            raise tornado.web.HTTPError(409, str(exc)) from None
        self._json({"ok": True, "update_id": update["update_id"]})


class PayHandler(_Base):
    """POST /api/users/<id>/pay {"message_id"}: the person pays an invoice; the payment
    goes through once the bot agrees at pre-checkout (as in Telegram)."""

    def post(self, user_id: str) -> None:
        """Press Pay on the invoice (it must be one, in this person's chat)."""
        person = self._person(user_id)
        body = self._body()
        try:
            update = self.chat.sim.pay(person.user, int(body.get("message_id") or 0))
        except ValueError as exc:
            raise tornado.web.HTTPError(409, str(exc)) from None
        self._json({"ok": True, "update_id": update["update_id"]})


class UploadHandler(_Base):
    """POST /api/users/<id>/upload (multipart "file", optional "caption"): send a file."""

    def post(self, user_id: str) -> None:
        """Send the document to the bot."""
        person = self._person(user_id)
        parts = self.request.files.get("file")
        if not parts:
            raise tornado.web.HTTPError(400, "no file")
        part = parts[0]
        caption = self.get_body_argument("caption", "") or None
        update = self.chat.sim.document(
            person.user,
            part.filename or "file",
            part.body,
            part.content_type if part.content_type != "application/octet-stream" else None,
            caption=caption,
        )
        self._json({"ok": True, "update_id": update["update_id"]})


class FileHandler(_Base):
    """GET /api/files/<file_id>: download a document from a chat (e.g. a CSV export)."""

    def get(self, file_id: str) -> None:
        """Serve it as an attachment, never rendered inline."""
        stored = self.chat.sim.files.get(file_id)
        if stored is None:
            raise tornado.web.HTTPError(404, "no such file")
        quoted = urllib.parse.quote(stored.filename, safe="")
        self.set_header("Content-Type", "application/octet-stream")
        self.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quoted}")
        self.finish(stored.content)
