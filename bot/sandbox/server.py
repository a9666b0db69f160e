"""The HTTP face of the simulated Telegram: tornado on the running asyncio loop."""

from __future__ import annotations

import json
import socket
from typing import Any, Protocol

import tornado.httpserver
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


class _Base(tornado.web.RequestHandler):
    backend: Backend

    def initialize(self, backend: Backend) -> None:
        self.backend = backend

    def check_xsrf_cookie(self) -> None:
        """Bot API calls carry no cookies."""

    def _send_json(self, status: int, body: JSON) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))


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
        if token != self.backend.token:
            self.backend.unauthorized(method)
            self._send_json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        try:
            raw = self._raw_params()
        except ValueError as err:
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: {err}"}
            self._send_json(400, body)
            return
        status, body = await self.backend.handle_call(method, raw)
        self._send_json(status, body)


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
        kwargs = {"backend": backend}
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

    async def stop(self) -> None:
        """Stop listening and drop open connections."""
        self._server.stop()
        await self._server.close_all_connections()
