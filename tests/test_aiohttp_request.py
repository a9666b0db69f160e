"""The bot's Bot API transport (handlers/ptb/transport.py): calls, uploads, timeouts, errors."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import RequestData

from bot.sandbox import Limits, SimTelegram
from handlers.ptb.transport import AiohttpRequest

TOKEN = "123456:TRANSPORT-TOKEN"


@contextlib.asynccontextmanager
async def bot_on(sim: SimTelegram, request: AiohttpRequest) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, base_url=sim.base_url, base_file_url=sim.base_file_url, request=request)
    async with bot:
        yield bot


@pytest.fixture
async def sim() -> AsyncIterator[SimTelegram]:
    async with SimTelegram(token=TOKEN, limits=Limits(enabled=False)) as running:
        yield running


@contextlib.asynccontextmanager
async def silent_server() -> AsyncIterator[int]:
    """A TCP server that accepts connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_calls_keyboards_and_errors_reach_telegram_as_sent(sim: SimTelegram) -> None:
    ann = sim.add_user("Ann")
    async with bot_on(sim, AiohttpRequest()) as bot:
        assert bot.id == sim.bot_user["id"]
        sent = await bot.send_message(ann.id, "héllo ✓ & <b>")
        await bot.edit_message_text("second", chat_id=ann.id, message_id=sent.message_id)
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text("second", chat_id=ann.id, message_id=sent.message_id)
    assert [c.method for c in sim.calls][-3:] == [
        "sendMessage",
        "editMessageText",
        "editMessageText",
    ]
    assert sim.calls[-3].params["text"] == "héllo ✓ & <b>"
    assert not sim.violations


async def test_an_upload_arrives_whole_with_its_name(sim: SimTelegram) -> None:
    ann = sim.add_user("Ann")
    content = b"id,answer\n1,yes\n" + bytes(range(256)) * 40
    async with bot_on(sim, AiohttpRequest()) as bot:
        await bot.send_document(ann.id, InputFile(content, filename="results.csv"), caption="ok")
    call = sim.calls[-1]
    assert call.method == "sendDocument" and call.params["caption"] == "ok"
    assert sim.sent_documents(ann.id) == [("results.csv", content)]


async def test_many_calls_in_flight_share_a_small_pool(sim: SimTelegram) -> None:
    ann = sim.add_user("Ann")
    async with bot_on(sim, AiohttpRequest(connection_pool_size=2, pool_timeout=10)) as bot:
        sent = await asyncio.gather(*(bot.send_message(ann.id, f"m{n}") for n in range(30)))
    assert sorted(m.text for m in sent) == sorted(f"m{n}" for n in range(30))


async def test_a_silent_server_times_out_and_a_closed_port_is_a_network_error() -> None:
    request = AiohttpRequest(read_timeout=0.2, connect_timeout=1)
    await request.initialize()
    try:
        async with silent_server() as port:
            with pytest.raises(TimedOut):
                await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", RequestData())
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.post(f"http://127.0.0.1:{closed_port()}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_a_per_call_read_timeout_wins_over_the_default() -> None:
    request = AiohttpRequest(read_timeout=30)
    await request.initialize()
    try:
        async with silent_server() as port:
            with pytest.raises(TimedOut):
                await asyncio.wait_for(
                    request.post(f"http://127.0.0.1:{port}/getMe", read_timeout=0.2), 5
                )
    finally:
        await request.shutdown()


async def test_it_must_be_initialized_and_can_be_initialized_again(sim: SimTelegram) -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{sim.base_url}{TOKEN}/getMe", "POST")
    for _ in range(2):
        await request.initialize()
        code, body = await request.do_request(f"{sim.base_url}{TOKEN}/getMe", "POST")
        assert code == 200 and b'"ok":true' in body.replace(b" ", b"")
        await request.shutdown()
    await request.shutdown()  # twice is harmless


@contextlib.asynccontextmanager
async def fake_proxy(seen: list[str]) -> AsyncIterator[int]:
    """An HTTP proxy that records each request line and answers getMe itself."""
    body = b'{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Via proxy"}}'

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head.split(b"\r\n")[0].decode())
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def test_the_environments_proxy_is_used_and_no_proxy_is_honoured(
    sim: SimTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    async with fake_proxy(seen) as port:
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        request = AiohttpRequest()
        await request.initialize()
        try:
            code, body = await request.do_request(
                f"http://api.telegram.example/bot{TOKEN}/getMe", "POST", RequestData()
            )
            assert code == 200 and b"Via proxy" in body
            # the simulated Telegram on 127.0.0.1 is reached directly (no_proxy)
            code, body = await request.do_request(f"{sim.base_url}{TOKEN}/getMe", "POST")
            assert code == 200 and b"Via proxy" not in body
        finally:
            await request.shutdown()
    assert seen == [f"POST http://api.telegram.example/bot{TOKEN}/getMe HTTP/1.1"]


async def test_a_certificate_nobody_signed_is_refused(tmp_path: Path) -> None:
    """TLS is verified (against certifi's bundle): a self-signed server is not trusted."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="certificate verify failed"):
            await request.do_request(f"https://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()
