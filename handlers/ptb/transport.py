"""AiohttpRequest: PTB's Bot API transport on aiohttp instead of httpx.

PTB's default (HTTPXRequest) spends about 1.4 ms of CPU per call on this 2-vCPU machine with
20 calls in flight, aiohttp about 0.15 ms (bench/bench_core_loop.py prints the effect).
BaseRequest is PTB's documented place for another HTTP library; this follows the shape of
ptbcontrib's aiohttp_request, which is not on PyPI.
"""

from __future__ import annotations

import asyncio
import ssl
from functools import cache
from urllib.parse import urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _sum(*parts: float | None) -> float | None:
    """A limit made of several waits; no limit if any part has none."""
    return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a pool of keep-alive connections to the Bot API.

    Timeouts as HTTPXRequest's, mapped onto aiohttp's: waiting for a free connection and
    opening one are bounded together by `pool_timeout` + `connect_timeout`, opening alone
    by `connect_timeout`, each wait for the answer by `read_timeout`. aiohttp has no
    write timeout: an upload is bounded as a whole by `media_write_timeout` + `read_timeout`.
    As with httpx, TLS is checked against certifi's CA bundle and HTTP(S)_PROXY / NO_PROXY
    are honoured; they are read once per host, not on every call as aiohttp would.
    """

    __slots__ = ("_pool_size", "_session", "_timeouts", "_media_write_timeout", "_proxies")

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str | None], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts[0]

    async def initialize(self) -> None:
        """Open the session (inside the running loop, where aiohttp wants it)."""
        if self._session is None or self._session.closed:
            tls = await asyncio.to_thread(tls_context)  # off the loop: tens of ms the first time
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=tls),
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        default_read, _, default_connect, default_pool = self._timeouts
        read = _given(read_timeout, default_read)
        connect = _given(connect_timeout, default_connect)
        timeout = aiohttp.ClientTimeout(
            total=self._upload_total(request_data, write_timeout, read),
            connect=_sum(_given(pool_timeout, default_pool), connect),
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method,
                url,
                data=_body(request_data),
                headers=_headers(request_data),
                timeout=timeout,
                proxy=self._proxy_for(url),
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err

    def _proxy_for(self, url: str) -> str | None:
        """The environment's proxy for this URL's host, looked up once."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname)
        if key not in self._proxies:
            bypass = parts.hostname is None or proxy_bypass(parts.hostname)
            self._proxies[key] = None if bypass else getproxies().get(parts.scheme)
        return self._proxies[key]

    def _upload_total(
        self, request_data: RequestData | None, write_timeout: ODVInput[float], read: float | None
    ) -> float | None:
        """An upload's whole time limit; None (no limit) for a call without files."""
        if request_data is None or not request_data.contains_files:
            return None
        return _sum(_given(write_timeout, self._media_write_timeout), read)


@cache
def tls_context() -> ssl.SSLContext:
    """Certificates checked against certifi's bundle, as httpx does (slim images have no
    system CA store). Built once per process (reading the bundle takes 15-100 ms) and
    shared by every transport: a context holds settings and certificates, not connections."""
    return ssl.create_default_context(cafile=certifi.where())


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _headers(request_data: RequestData | None) -> dict[str, str] | None:
    """A form's content type (aiohttp sets multipart's itself)."""
    if request_data is None or request_data.contains_files:
        return None
    return FORM


def _body(request_data: RequestData | None) -> bytes | aiohttp.FormData | None:
    """Form fields as PTB encodes them, url-encoded here (half the cost of aiohttp's own
    form building); multipart when the call carries files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return urlencode(fields).encode()
    form = aiohttp.FormData(fields)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
