"""The HTTP side: a tornado server on GIGBOT_MTURK_LISTEN, inside the bot's event loop."""

from __future__ import annotations

import json
import logging
import socket
import uuid
from html import escape

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.i18n import Translator, translator
from bot.mturk import texts as mturk_texts
from bot.mturk.api import CONTENT_TYPE, ApiRequest, RequesterApi
from bot.mturk.webtasks import MAX_FORM_FIELD, MAX_FORM_TOTAL, WebOutcome, WebResult, WebTasks
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


# A requester's HTML runs in a sandbox: an opaque origin (no cookies, storage or same-origin
# reads of gigbot), not framed elsewhere, and the token in the URL is never sent as Referer.
TASK_CSP = "sandbox allow-scripts allow-forms allow-popups allow-modals; frame-ancestors 'none'"
_TOKEN = r"([0-9]{1,18}-[0-9a-f]{1,64})"
_STATUS = {
    WebResult.OK: 200,
    WebResult.FORBIDDEN: 403,
    WebResult.NOT_ACTIVE: 409,
    WebResult.MISMATCH: 409,
    WebResult.PREVIEW: 409,
    WebResult.TOO_LARGE: 413,
    WebResult.EMPTY: 400,
}


def _page(body: str, language: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{mturk_texts.WEB_PAGE_TITLE}</title></head><body><p>{escape(body)}</p></body></html>"
    )


class _WebPage(RequestHandler):
    """Pages and posts of web tasks: plain HTML, never cached, never a Referer."""

    def initialize(self, web: WebTasks) -> None:
        self.web = web

    def check_xsrf_cookie(self) -> None:
        """The token in the path is what proves a post (turkSubmitTo), not a cookie."""

    def _safe_headers(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Content-Type-Options", "nosniff")

    def _translator(self, outcome: WebOutcome) -> Translator:
        """The worker's language: theirs in gigbot when the link names them, else their
        browser's first (Accept-Language), else English."""
        browser = self.request.headers.get("Accept-Language", "").split(",")[0].split(";")[0]
        return translator(outcome.language or browser)

    def _answer(self, outcome: WebOutcome, note: str = "") -> None:
        t = self._translator(outcome)
        self._safe_headers()
        self.set_status(_STATUS[outcome.result])
        if outcome.result is WebResult.OK and outcome.html:
            self.set_header("Content-Security-Policy", TASK_CSP)
            self.finish(outcome.html)
            return
        self.set_header("Content-Security-Policy", "default-src 'none'")
        if outcome.result is WebResult.OK and note:
            self.finish(_page(t(note), t.language))
        elif outcome.result is WebResult.OK:
            said = mturk_texts.web_page_submitted(t, outcome.title, outcome.reward_cents)
            self.finish(_page(said, t.language))
        elif outcome.result is WebResult.TOO_LARGE:
            said = mturk_texts.web_page_too_large(t, MAX_FORM_FIELD, MAX_FORM_TOTAL)
            self.finish(_page(said, t.language))
        else:
            self.finish(_page(t(mturk_texts.WEB_PAGE_REFUSED[outcome.result.value]), t.language))


class _TaskPage(_WebPage):
    """GET /w/<token>/task: an accepted assignment's HTMLQuestion."""

    async def get(self, token: str) -> None:
        self._answer(await self.web.page(token))


class _PreviewPage(_WebPage):
    """GET /p/<token>/task: an HTMLQuestion before accepting (assignmentId not available)."""

    async def get(self, token: str) -> None:
        self._answer(await self.web.preview(token), mturk_texts.WEB_PAGE_PREVIEW)


class _ExternalSubmit(_WebPage):
    """<turkSubmitTo>/mturk/externalSubmit: the worker's answers, as MTurk takes them (POST
    or GET, fields in the body or the query string, as forms and jsPsych send them)."""

    async def get(self, token: str = "") -> None:
        await self.post(token)

    async def post(self, token: str = "") -> None:
        fields = {  # the query string's and the body's fields, in that order
            name: [v.decode("utf-8", "replace") for v in values]
            for name, values in self.request.arguments.items()
        }
        token = token or (fields.get("gigbotToken") or [""])[0]
        # A page that submits with fetch() may read the outcome: it says nothing the token
        # does not already prove the sender knows.
        self.set_header("Access-Control-Allow-Origin", "*")
        self._answer(await self.web.submit(token, fields))


def parse_listen(listen: str) -> tuple[str, int]:
    """'127.0.0.1:8765' -> ('127.0.0.1', 8765); port 0 picks a free one."""
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"expected host:port, got {listen!r}")
    return host.strip("[]"), int(port)


class MTurkServer:
    """Serves the requester API until stopped."""

    def __init__(
        self, api: RequesterApi, web: WebTasks, listen: str, public_url: str | None = None
    ) -> None:
        self.api = api
        self.web = web
        self.host, self.port = parse_listen(listen)
        self.public_url = public_url.rstrip("/") if public_url else None
        self._server: HTTPServer | None = None

    @classmethod
    def for_services(cls, services: Services, listen: str) -> MTurkServer:
        """The API over the running bot's marketplace and accounts."""
        return cls(
            services.mturk_api, services.web_tasks, listen, services.settings.mturk_public_url
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Bind and serve; the chosen port replaces 0."""
        web = {"web": self.web}
        app = Application(
            [
                (r"/", _Endpoint, {"api": self.api}),
                (rf"/w/{_TOKEN}/task", _TaskPage, web),
                (rf"/p/{_TOKEN}/task", _PreviewPage, web),
                (rf"/w/{_TOKEN}/mturk/externalSubmit", _ExternalSubmit, web),
                (r"/mturk/externalSubmit", _ExternalSubmit, web),
            ],
            log_function=_access_log,
        )
        sockets = bind_sockets(self.port, self.host, family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self.web.base_url.set(self.public_url or self.url)
        self._server = HTTPServer(app, max_body_size=MAX_BODY, xheaders=False)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
