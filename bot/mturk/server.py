"""The HTTP side: a tornado server on GIGBOT_MTURK_LISTEN, inside the bot's event loop."""

from __future__ import annotations

import json
import logging
import socket
import uuid

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.mturk.api import CONTENT_TYPE, ApiRequest, RequesterApi
from bot.mturk.ops import Operations
from bot.services import Services

MAX_BODY = 1024 * 1024
log = logging.getLogger(__name__)


def _access_log(handler: RequestHandler) -> None:
    """Refused requests are the caller's business: log them quietly."""
    log.debug("%s %s %s", handler.get_status(), handler.request.method, handler.request.uri)


class _Endpoint(RequestHandler):
    """POST / : one MTurk operation."""

    def initialize(self, api: RequesterApi) -> None:
        self.api = api

    async def post(self) -> None:
        await self._answer()

    async def get(self) -> None:
        await self._answer()

    async def _answer(self) -> None:
        request = ApiRequest(
            method=self.request.method or "",
            path=self.request.path,
            query=self.request.query,
            header=self.request.headers.get,
            body=self.request.body,
        )
        response = await self.api.handle(request)
        self.set_status(response.status)
        self.set_header("Content-Type", CONTENT_TYPE)
        self.set_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.finish(json.dumps(response.body, ensure_ascii=False))


def parse_listen(listen: str) -> tuple[str, int]:
    """'127.0.0.1:8765' -> ('127.0.0.1', 8765); port 0 picks a free one."""
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"expected host:port, got {listen!r}")
    return host.strip("[]"), int(port)


class MTurkServer:
    """Serves the requester API until stopped."""

    def __init__(self, api: RequesterApi, listen: str) -> None:
        self.api = api
        self.host, self.port = parse_listen(listen)
        self._server: HTTPServer | None = None

    @classmethod
    def for_services(cls, services: Services, listen: str) -> MTurkServer:
        """The API over the running bot's marketplace and accounts."""
        ops = Operations(
            services.db,
            services.market,
            services.accounts,
            services.clock,
            services.settings.min_reward_cents,
        )
        return cls(RequesterApi(services.db, ops), listen)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Bind and serve; the chosen port replaces 0."""
        app = Application([(r"/", _Endpoint, {"api": self.api})], log_function=_access_log)
        sockets = bind_sockets(self.port, self.host, family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(app, max_body_size=MAX_BODY, xheaders=False)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
