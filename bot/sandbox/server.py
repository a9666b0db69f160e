"""The HTTP face of the simulated Telegram: tornado on the running asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Awaitable
from typing import Any, Protocol

import tornado.httpserver
import tornado.iostream
import tornado.netutil
import tornado.web

from bot.sandbox.files import FileStore, Upload

JSON = dict[str, Any]


class Backend(Protocol):
    """What the HTTP layer needs from the simulation."""

    token: str
    files: FileStore

    async def handle_call(self, method: str, raw: JSON) -> tuple[int, JSON]:
        """Answer one Bot API call."""
        ...

    def unauthorized(self, method: str) -> None:
        """Record a call made with a wrong token."""
        ...


def _form_value(values: list[bytes]) -> str:
    return values[-1].decode("utf-8")


class Answering:
    """Counts requests not yet answered, so a stop can wait for their answers to be written."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def begin(self) -> None:
        """A request came in."""
        self.count += 1
        self._idle.clear()

    def end(self) -> None:
        """Its answer is written (or its caller hung up)."""
        self.count -= 1
        if not self.count:
            self._idle.set()

    async def idle(self) -> None:
        """Wait until every request begun has written its answer."""
        await self._idle.wait()


class _Base(tornado.web.RequestHandler):
    backend: Backend
    answering: Answering

    def initialize(self, backend: Backend, answering: Answering) -> None:
        self.backend = backend
        self.answering = answering

    def check_xsrf_cookie(self) -> None:
        """Bot API calls carry no cookies."""

    def _send_json(self, status: int, body: JSON) -> Awaitable[None]:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        return self.finish(json.dumps(body, ensure_ascii=False))


class ApiHandler(_Base):
    """POST/GET /bot<token>/<method>."""

    async def post(self, token: str, method: str) -> None:
        """Answer a call."""
        await self._call(token, method)

    async def get(self, token: str, method: str) -> None:
        """Answer a call made with query parameters."""
        await self._call(token, method)

    def _raw_params(self) -> JSON:
        raw: JSON = {k: _form_value(v) for k, v in self.request.query_arguments.items()}
        ctype = self.request.headers.get("Content-Type", "")
        if ctype.startswith("application/json") and self.request.body:
            body = json.loads(self.request.body)
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            raw.update(body)
        else:
            raw.update({k: _form_value(v) for k, v in self.request.body_arguments.items()})
        for name, parts in self.request.files.items():
            part = parts[-1]
            raw[name] = Upload(part.filename, part.body, part.content_type or None)
        return raw

    async def _call(self, token: str, method: str) -> None:
        self.answering.begin()
        try:
            status, body = await self._answer(token, method)
            with contextlib.suppress(tornado.iostream.StreamClosedError):
                await self._send_json(status, body)  # written out (or the caller hung up)
        finally:
            self.answering.end()

    async def _answer(self, token: str, method: str) -> tuple[int, JSON]:
        if token != self.backend.token:
            self.backend.unauthorized(method)
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        try:
            raw = self._raw_params()
        except ValueError as err:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {err}"}
        return await self.backend.handle_call(method, raw)


class FileHandler(_Base):
    """GET /file/bot<token>/<file_path>."""

    async def get(self, token: str, file_path: str) -> None:
        """Serve a stored file."""
        stored = self.backend.files.by_path(file_path) if token == self.backend.token else None
        if stored is None:
            self._send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.set_header("Content-Type", stored.mime_type or "application/octet-stream")
        self.finish(stored.content)


class NotFoundHandler(_Base):
    """Anything else."""

    async def get(self) -> None:
        """Say Not Found."""
        self._send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    post = get


class HttpServer:
    """A tornado server bound to a free port on 127.0.0.1."""

    def __init__(self, backend: Backend) -> None:
        self.answering = Answering()
        kwargs = {"backend": backend, "answering": self.answering}
        app = tornado.web.Application(
            [
                (r"/bot([^/]+)/([A-Za-z0-9_]*)", ApiHandler, kwargs),
                (r"/file/bot([^/]+)/(.+)", FileHandler, kwargs),
                (r".*", NotFoundHandler, kwargs),
            ],
            log_function=lambda handler: None,
        )
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=64 * 1024 * 1024)
        self._sockets: list[socket.socket] = []
        self.port = 0

    def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen and return the port."""
        self._sockets = tornado.netutil.bind_sockets(port, host, family=socket.AF_INET)
        self._server.add_sockets(self._sockets)
        self.port = int(self._sockets[0].getsockname()[1])
        return self.port

    def stop_listening(self) -> None:
        """Accept no new connections."""
        self._server.stop()

    async def answered(self, timeout: float) -> None:
        """Wait (up to `timeout` seconds) until the requests in progress have their answers
        written: released long polls, held calls let go."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self.answering.idle()

    async def stop(self) -> None:
        """Stop listening and drop open connections."""
        self._server.stop()
        await self._server.close_all_connections()
