"""The bot's Bot API transport (handlers/aiohttp_request.py): calls, uploads, timeouts, errors."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import RequestData

from bot.sandbox import Limits, SimTelegram
from handlers.aiohttp_request import AiohttpRequest

TOKEN = "123456:TRANSPORT-TOKEN"


@contextlib.asynccontextmanager
async def bot_on(sim: SimTelegram, request: AiohttpRequest) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, base_url=sim.base_url, base_file_url=sim.base_file_url, request=request)
    async with bot:
        yield bot


@pytest.fixture
async def sim() -> AsyncIterator[SimTelegram]:
    sim = SimTelegram(token=TOKEN, limits=Limits(enabled=False))
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


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
