"""The simulated Telegram, driven by a real telegram.Bot and by plain HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.sandbox import Limits, SimTelegram, SimUser, UpdateSchemaError

# the sandbox always runs on a SQLite file.
pytestmark = pytest.mark.sqlite_only

TOKEN = "123456:TEST-TOKEN"


@contextlib.asynccontextmanager
async def running(limits: Limits | None = None) -> AsyncIterator[SimTelegram]:
    """Run a sim on a free port for the duration of the block."""
    async with SimTelegram(token=TOKEN, limits=limits or Limits()) as sim:
        yield sim


@contextlib.asynccontextmanager
async def real_bot(sim: SimTelegram) -> AsyncIterator[Bot]:
    """A real PTB Bot talking to the sim."""
    async with Bot(TOKEN, base_url=sim.base_url, base_file_url=sim.base_file_url) as bot:
        yield bot


def real_application(sim: SimTelegram) -> Application[Any, Any, Any, Any, Any, Any]:
    """A real PTB Application (not started) whose bot talks to the sim."""
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(sim.base_url)
        .base_file_url(sim.base_file_url)
        .build()
    )


@pytest.fixture
async def sim() -> AsyncIterator[SimTelegram]:
    async with running() as s:
        yield s


@pytest.fixture
async def bot(sim: SimTelegram) -> AsyncIterator[Bot]:
    async with real_bot(sim) as b:
        yield b


@pytest.fixture
async def http(sim: SimTelegram) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{sim.base_url}{TOKEN}/") as client:
        yield client


@pytest.fixture
def alice(sim: SimTelegram) -> SimUser:
    return sim.add_user("Alice", username="alice")


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


# -- basics ------------------------------------------------------------------------------


async def test_get_me_returns_the_bot(sim: SimTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "gigbot_test_bot" and me.is_bot and me.id == 123456
    assert sim.check(sim.bot_user, "User") == []
    assert sim.calls[0].method == "getMe" and sim.calls[0].ok
    assert sim.violations == []


async def test_send_edit_and_not_modified(sim: SimTelegram, bot: Bot, alice: SimUser) -> None:
    sent = await bot.send_message(
        alice.id, "<b>Pick</b> one", parse_mode="HTML", reply_markup=keyboard([("Accept", "acc:1")])
    )
    assert sent.message_id == 1 and sent.text == "Pick one"
    assert sent.entities[0].type == "bold"
    stored = sim.last_bot_message(alice)
    assert stored is not None and stored.text == "Pick one"
    assert stored.buttons() == [[("Accept", "acc:1", None)]]
    assert sim.check(stored.to_json(), "Message") == []

    edited = await bot.edit_message_text("Taken", chat_id=alice.id, message_id=1)
    assert isinstance(edited, object) and sim.message_by_id(alice, 1).edits == 1
    assert sim.message_by_id(alice, 1).reply_markup is None  # no markup passed: keyboard removed
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("Taken", chat_id=alice.id, message_id=1)
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=99)
    await bot.edit_message_reply_markup(alice.id, 1, reply_markup=keyboard([("B", "b")]))
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_reply_markup(alice.id, 1, reply_markup=keyboard([("B", "b")]))
    assert await bot.delete_message(alice.id, 1)
    assert sim.last_bot_message(alice) is None and sim.message_by_id(alice, 1).deleted
    assert sim.schema_errors == []


async def test_text_limits_and_html(bot: Bot, alice: SimUser) -> None:
    await bot.send_message(alice.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(alice.id, "a" * 4097)
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(alice.id, "  ")
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(alice.id, "<b>open", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(alice.id, "<blink>x</blink>", parse_mode="HTML")


async def test_lengths_count_utf16_code_units_as_telegram_does(
    sim: SimTelegram, bot: Bot, alice: SimUser
) -> None:
    """An emoji outside the BMP counts two: 2048 of them fill a message, 2049 are too long,
    the same for captions (1024) and button answers (200)."""
    await bot.send_message(alice.id, "😀" * 2048)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(alice.id, "😀" * 2049)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(alice.id, "<b>" + "😀" * 2048 + "</b>.", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)caption is too long"):
        await bot.send_document(alice.id, b"x", filename="x.txt", caption="😀" * 513)
    go = await bot.send_message(alice.id, "Go?", reply_markup=keyboard([("Accept", "acc:1")]))
    update = sim.press(alice, go.message_id, "Accept")
    with pytest.raises(BadRequest, match="(?i)message_too_long"):
        await bot.answer_callback_query(update["callback_query"]["id"], text="😀" * 101)
    assert await bot.answer_callback_query(update["callback_query"]["id"], text="😀" * 100)


async def test_markup_limits(bot: Bot, alice: SimUser) -> None:
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(alice.id, "x", reply_markup=keyboard([("A", "é" * 33)]))
    many = [[(str(i), str(i)) for i in range(r * 5, r * 5 + 5)] for r in range(21)]
    with pytest.raises(BadRequest, match="(?i)reply markup is too long"):
        await bot.send_message(alice.id, "x", reply_markup=keyboard(*many))
    with pytest.raises(BadRequest, match="(?i)too many buttons in a row"):
        await bot.send_message(
            alice.id, "x", reply_markup=keyboard([(str(i), "d") for i in range(9)])
        )
    await bot.send_message(alice.id, "x", reply_markup=keyboard([(str(i), "d") for i in range(8)]))


async def test_chat_access(sim: SimTelegram, bot: Bot, alice: SimUser) -> None:
    sim.block(alice)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "hi")
    sim.unblock(alice)
    await bot.send_message(alice.id, "hi")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999, "hi")
    stranger = sim.add_user("Stranger", started=False)
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(stranger.id, "hi")
    sim.message(stranger, "/start")
    await bot.send_message(stranger.id, "welcome")
    chan = sim.add_chat("News", type="channel", bot_status="member")
    with pytest.raises(BadRequest, match="(?i)need administrator rights"):
        await bot.send_message(chan.id, "post")
    sim.set_member(chan, sim.bot_user["id"], "left")
    with pytest.raises(Forbidden, match="not a member of the channel chat"):
        await bot.send_message(chan.id, "post")


# -- rate limits -------------------------------------------------------------------------


async def test_private_burst_then_429_while_other_chat_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter warns about int periods otherwise
    async with running(Limits(private_burst=3)) as sim, real_bot(sim) as bot:
        alice, bob = sim.add_user("Alice"), sim.add_user("Bob")
        for i in range(3):
            await bot.send_message(alice.id, f"m{i}")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(alice.id, "one too many")
        assert caught.value.retry_after == dtm.timedelta(seconds=1)
        await bot.send_message(bob.id, "still fine")
        assert [m.text for m in sim.messages(alice)] == ["m0", "m1", "m2"]
        assert len(sim.violations) == 1 and "retry after 1" in sim.violations[0]
        assert sim.calls[-2].error_code == 429


async def test_group_twenty_per_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with running() as sim, real_bot(sim) as bot:
        group = sim.add_chat("Workers", type="supergroup")
        for i in range(20):
            await bot.send_message(group.id, f"post {i}")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(group.id, "21st")
        retry = caught.value.retry_after
        assert isinstance(retry, dtm.timedelta)
        assert dtm.timedelta(seconds=58) <= retry <= dtm.timedelta(seconds=60)
        assert len(sim.messages(group)) == 20


async def test_a_flooded_chat_is_refused_until_the_flood_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with running() as sim, real_bot(sim) as bot:
        alice, bob = sim.add_user("Alice"), sim.add_user("Bob")
        sim.flood(alice)
        for _ in range(2):
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(alice.id, "refused")
            assert caught.value.retry_after == dtm.timedelta(seconds=1)
        await bot.send_message(bob.id, "others pass")
        sim.reset_records()  # forgets past sends; the flood stays
        with pytest.raises(RetryAfter):
            await bot.send_message(alice.id, "still refused")
        sim.flood(alice, False)
        await bot.send_message(alice.id, "through")
        assert [m.text for m in sim.messages(alice)] == ["through"]
        assert [m.text for m in sim.messages(bob)] == ["others pass"]


async def test_limits_can_be_disabled_and_scaled() -> None:
    async with running(Limits(enabled=False, private_burst=1)) as sim, real_bot(sim) as bot:
        alice = sim.add_user("Alice")
        for _ in range(5):
            await bot.send_message(alice.id, "x")
    async with running(Limits(group_per_min=2, scale=10)) as sim, real_bot(sim) as bot:
        group = sim.add_chat("G")
        for _ in range(20):
            await bot.send_message(group.id, "x")
        assert sim.violations == []


# -- callbacks ---------------------------------------------------------------------------


async def test_callback_and_answer_once(sim: SimTelegram, bot: Bot, alice: SimUser) -> None:
    await bot.send_message(alice.id, "Go?", reply_markup=keyboard([("Accept", "acc:12")]))
    with pytest.raises(ValueError, match="no button"):
        sim.callback(alice, 1, "acc:13")
    with pytest.raises(ValueError, match="no callback button"):
        sim.press(alice, 1, "Decline")
    update = sim.press(alice, 1, "Accept")
    query_id = update["callback_query"]["id"]
    assert update["callback_query"]["data"] == "acc:12"
    assert await bot.answer_callback_query(query_id, text="Accepted", show_alert=True)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id, text="again")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query("nonsense")
    assert sim.alerts(alice) == [{"text": "Accepted", "show_alert": True}]


# -- files -------------------------------------------------------------------------------


async def test_document_roundtrip(sim: SimTelegram, bot: Bot, alice: SimUser) -> None:
    sent = await bot.send_document(
        alice.id,
        b"id,reward\n1,0.05\n",
        filename="report.csv",
        caption="Your <i>report</i>",
        parse_mode="HTML",
    )
    assert sent.document is not None and sent.caption == "Your report"
    assert sim.sent_documents(alice) == [("report.csv", b"id,reward\n1,0.05\n")]
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"id,reward\n1,0.05\n"

    update = sim.document(alice, "items.csv", b"a,b\n", mime_type="text/csv", caption="/newbatch")
    doc = update["message"]["document"]
    assert update["message"]["caption_entities"][0]["type"] == "bot_command"
    upload = await bot.get_file(doc["file_id"])
    assert bytes(await upload.download_as_bytearray()) == b"a,b\n"
    again = await bot.send_document(alice.id, doc["file_id"])  # resend by file_id
    assert again.document is not None and again.document.file_name == "items.csv"
    photo = await bot.send_photo(alice.id, "https://example.org/cat.jpg")
    assert photo.photo
    assert sim.schema_errors == []


# -- schema and protocol -----------------------------------------------------------------


async def test_unknown_method_and_parameters(
    sim: SimTelegram, http: httpx.AsyncClient, alice: SimUser
) -> None:
    r = await http.post("fooBar", data={"x": "1"})
    assert r.status_code == 404 and r.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found",
    }
    r = await http.post(
        "sendMessage", data={"chat_id": str(alice.id), "text": "hi", "colour": "red"}
    )
    assert r.status_code == 200 and r.json()["result"]["text"] == "hi"
    assert sim.calls[-1].params == {"chat_id": alice.id, "text": "hi", "colour": "red"}
    r = await http.post("sendMessage", data={"chat_id": str(alice.id)})
    assert r.status_code == 400 and r.json()["description"] == "Bad Request: message text is empty"
    r = await http.post("editMessageText", data={"chat_id": "1", "message_id": "x", "text": "t"})
    assert r.status_code == 400
    markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a", "colour": 1}]]})
    r = await http.post(
        "sendMessage", data={"chat_id": str(alice.id), "text": "k", "reply_markup": markup}
    )
    assert r.status_code == 400
    r = await http.post("sendMessage", json={"chat_id": alice.id, "text": "json body"})
    assert r.json()["ok"]
    assert sim.schema_errors == [
        "fooBar: unknown method",
        "sendMessage: unknown parameter 'colour'",
        "sendMessage: missing required parameter 'text'",
        "editMessageText: message_id: 'x' is not Integer",
        "sendMessage: reply_markup.inline_keyboard[0][0]: unknown field 'colour' in "
        "InlineKeyboardButton",
    ]
    assert all(p in sim.violations for p in sim.schema_errors)
    async with httpx.AsyncClient() as other:
        r = await other.post(f"{sim.base_url}1:WRONG/getMe")
    assert r.status_code == 401


async def test_returned_objects_match_the_schema(
    sim: SimTelegram, http: httpx.AsyncClient, alice: SimUser
) -> None:
    chan = sim.add_chat("Gig News", type="channel", username="gignews")
    sim.set_member(chan, alice, "creator")
    checks = [
        ("getMe", {}, "User"),
        ("sendMessage", {"chat_id": "@gignews", "text": "post"}, "Message"),
        ("getChat", {"chat_id": str(chan.id)}, "ChatFullInfo"),
        ("getChat", {"chat_id": str(alice.id)}, "ChatFullInfo"),
        (
            "getChatMember",
            {"chat_id": str(chan.id), "user_id": str(sim.bot_user["id"])},
            "ChatMember",
        ),
        ("getChatMember", {"chat_id": str(chan.id), "user_id": str(alice.id)}, "ChatMember"),
        ("getWebhookInfo", {}, "WebhookInfo"),
    ]
    for method, params, type_name in checks:
        r = await http.post(method, data=params)
        assert r.status_code == 200, r.text
        assert sim.check(r.json()["result"], type_name) == [], method
    admins = (await http.post("getChatAdministrators", data={"chat_id": str(chan.id)})).json()
    assert {a["status"] for a in admins["result"]} == {"administrator", "creator"}
    assert sim.messages(chan)[0].to_json()["sender_chat"]["id"] == chan.id
    assert sim.schema_errors == []


async def test_commands_menu(sim: SimTelegram, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Begin"), ("hits", "Open HITs")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "hits"]
    assert sim.commands['{"type": "default"}'][1] == {"command": "hits", "description": "Open HITs"}
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Bad-Name", "x")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


# -- updates -----------------------------------------------------------------------------


async def test_every_built_update_parses_and_matches_schema(
    sim: SimTelegram, bot: Bot, alice: SimUser
) -> None:
    group = sim.add_chat("Workers", type="group")
    chan = sim.add_chat("News", type="channel", username="news")
    await bot.send_message(alice.id, "Go?", reply_markup=keyboard([("Accept", "acc:1")]))
    built = [
        sim.message(alice, "/start hit_12"),
        sim.message(alice, "/start@gigbot_test_bot"),
        sim.message(alice, "my answer", reply_to=1),
        sim.message(alice, "hi all", chat=group),
        sim.message(alice, "announcement", chat=chan),
        sim.document(alice, "items.csv", b"x", mime_type="text/csv", caption="/newbatch"),
        sim.callback(alice, 1, "acc:1"),
        sim.my_chat_member(alice, old="member", new="kicked"),
        sim.my_chat_member(chan, old="left", new="administrator", by=alice),
    ]
    for data in built:
        assert sim.check(data, "Update") == []
        update = Update.de_json(data, bot)
        assert update is not None and update.update_id == data["update_id"]
    assert [u["update_id"] for u in built] == list(range(1, 10))
    first = Update.de_json(built[0], bot)
    assert first.message is not None and first.message.text == "/start hit_12"
    assert first.message.entities[0].length == len("/start")
    assert built[1]["message"]["entities"][0]["length"] == len("/start@gigbot_test_bot")
    assert built[2]["message"]["reply_to_message"]["text"] == "Go?"
    assert "channel_post" in built[4]
    assert alice.id in sim.world.blocked  # kicked in private chat == blocked
    with pytest.raises(ValueError):
        sim.message(alice, "x", reply_to=77)
    assert sim.updates == built and sim.schema_errors == []
    with pytest.raises(UpdateSchemaError):
        sim._emit({"message": {"message_id": 1}}, enqueue=False)


async def test_get_updates_long_poll_with_offset(
    sim: SimTelegram, bot: Bot, alice: SimUser
) -> None:
    loop = asyncio.get_running_loop()
    poll = asyncio.ensure_future(bot.get_updates(timeout=5))
    await asyncio.wait_for(sim.delivery.polled(), 5)
    assert not poll.done()
    started = loop.time()
    sim.message(alice, "/start")
    updates = await poll
    assert loop.time() - started < 1 and [u.message.text for u in updates if u.message] == [
        "/start"
    ]
    sim.message(alice, "second")
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [1, 2]  # nothing confirmed yet
    confirmed = await bot.get_updates(offset=2, timeout=0)
    assert [u.update_id for u in confirmed] == [2]
    assert await bot.get_updates(offset=3, timeout=0) == ()
    sim.message(alice, "ignored", enqueue=False)
    assert await bot.get_updates(offset=3, timeout=0) == ()


async def test_webhook_push_with_secret_and_retry(
    sim: SimTelegram, bot: Bot, alice: SimUser
) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    failures = [500]

    class Hook(tornado.web.RequestHandler):
        def post(self) -> None:
            if failures:
                self.set_status(failures.pop())
                return
            received.append(
                (
                    self.request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                    json.loads(self.request.body),
                )
            )

    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
    server = tornado.httpserver.HTTPServer(
        tornado.web.Application([(r"/hook", Hook)], log_function=lambda h: None)
    )
    server.add_sockets(sockets)
    url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook"
    try:
        await bot.set_webhook(url, secret_token="s3cret")
        with pytest.raises(Conflict):
            await bot.get_updates()
        sim.message(alice, "/start")
        await asyncio.wait_for(sim.delivery.taken(sim.updates[0]["update_id"]), 10)
        assert received == [("s3cret", sim.updates[0])]
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        assert info.last_error_message is not None and "500" in info.last_error_message
        await bot.delete_webhook()
        sim.message(alice, "back to polling")
        assert len(await bot.get_updates()) == 1
    finally:
        server.stop()
        await server.close_all_connections()


@contextlib.asynccontextmanager
async def webhook_server(handler: type[tornado.web.RequestHandler]) -> AsyncIterator[str]:
    """A local webhook served by `handler`; its URL."""
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
    server = tornado.httpserver.HTTPServer(
        tornado.web.Application([(r"/hook", handler)], log_function=lambda h: None)
    )
    server.add_sockets(sockets)
    try:
        yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook"
    finally:
        server.stop()
        await server.close_all_connections()


async def test_a_webhook_may_answer_with_one_call_which_is_checked_and_run(
    sim: SimTelegram, bot: Bot, alice: SimUser
) -> None:
    answers = [
        (
            "application/json",
            json.dumps({"method": "sendMessage", "chat_id": alice.id, "text": "hi"}),
        ),
        ("application/x-www-form-urlencoded", f"method=sendMessage&chat_id={alice.id}&text=form"),
        ("application/json", json.dumps({"method": "sendMessage", "chat_id": alice.id})),
        ("application/json", json.dumps({"method": "noSuchMethod"})),
        ("text/plain", "method=sendMessage"),  # not a call: ignored, as by Telegram
    ]

    class Hook(tornado.web.RequestHandler):
        def post(self) -> None:
            ctype, body = answers.pop(0)
            self.set_header("Content-Type", ctype)
            self.finish(body)

    async with webhook_server(Hook) as url:
        await bot.set_webhook(url)
        for n in range(5):
            sim.message(alice, f"update {n}")
            await sim.delivery.taken(sim.updates[-1]["update_id"])
    assert [m.text for m in sim.bot_messages(alice)] == ["hi", "form"]
    assert sim.webhook_calls == ["sendMessage", "sendMessage", "sendMessage", "noSuchMethod"]
    failed = [c for c in sim.calls if not c.ok]
    assert [c.description for c in failed][0] == "Bad Request: message text is empty"
    assert any("noSuchMethod" in v for v in sim.violations)


async def test_webhook_pushes_chats_at_once_and_each_chat_in_order(
    sim: SimTelegram, bot: Bot, alice: SimUser
) -> None:
    bob = sim.add_user("Bob")
    gate = asyncio.Event()
    seen: list[str] = []

    class Hook(tornado.web.RequestHandler):
        async def post(self) -> None:
            text = json.loads(self.request.body)["message"]["text"]
            seen.append(text)
            if text == "alice 1":
                await gate.wait()  # Alice's first update is slow to handle

    async with webhook_server(Hook) as url:
        await bot.set_webhook(url)
        sim.message(alice, "alice 1")
        sim.message(alice, "alice 2")
        sim.message(bob, "bob 1")
        # (a Telegram pushing one update at a time would never get to Bob: time out)
        await asyncio.wait_for(sim.delivery.taken(sim.updates[-1]["update_id"]), 5)
        assert seen == ["alice 1", "bob 1"], "Bob is not held up; Alice's second waits"
        gate.set()
        await asyncio.wait_for(sim.delivery.taken(sim.updates[1]["update_id"]), 5)
    assert seen == ["alice 1", "bob 1", "alice 2"]
    assert sim.delivery.pending == []


async def test_until_waits_for_the_bots_calls(sim: SimTelegram, bot: Bot, alice: SimUser) -> None:
    waiting = asyncio.ensure_future(sim.until(lambda: len(sim.bot_messages(alice)) == 2))
    await bot.send_message(alice.id, "one")
    assert not waiting.done()
    await bot.send_message(alice.id, "two")
    await asyncio.wait_for(waiting, 5)
    with pytest.raises(TimeoutError, match="waiting for a third message"):
        await sim.until(
            lambda: len(sim.bot_messages(alice)) == 3, timeout=0.05, what="a third message"
        )


async def test_until_wakes_for_a_held_call(sim: SimTelegram, bot: Bot, alice: SimUser) -> None:
    sim.hold("sendMessage")
    sending = asyncio.ensure_future(bot.send_message(alice.id, "stuck"))
    await sim.until(lambda: sim.held == 1, timeout=5, what="the held call")
    assert not sending.done() and sim.messages(alice) == []
    sim.release()
    assert (await sending).text == "stuck"


async def test_polled_waits_for_a_long_poll_to_wait(sim: SimTelegram, bot: Bot) -> None:
    waiting = asyncio.ensure_future(sim.delivery.polled())
    await asyncio.sleep(0)
    assert not waiting.done() and sim.delivery.parked == 0
    poll = asyncio.ensure_future(bot.get_updates(timeout=5))
    await asyncio.wait_for(waiting, 5)
    assert sim.delivery.parked == 1 and not poll.done()
    await asyncio.wait_for(sim.delivery.polled(), 1)  # one is waiting: at once
    sim.message(sim.add_user("Bob"), "hi")
    assert len(await poll) == 1 and sim.delivery.parked == 0


async def test_stop_releases_a_waiting_long_poll() -> None:
    async with running() as sim, real_bot(sim) as bot:
        poll = asyncio.ensure_future(bot.get_updates(timeout=30))
        await asyncio.wait_for(sim.delivery.polled(), 5)
        await sim.stop()
        assert await asyncio.wait_for(poll, 2) == ()


# -- the real Application ----------------------------------------------------------------


async def test_real_application_polls_and_answers(sim: SimTelegram, alice: SimUser) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(
            f"Hello {update.message.text}", reply_markup=keyboard([("Accept", "acc:1")])
        )

    async def accept(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("Accepted")
        await update.callback_query.edit_message_text("You took it.")

    app = real_application(sim)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(accept))

    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        sim.message(alice, "/start hit_12")
        await sim.until(lambda: sim.last_bot_message(alice) is not None, what="the reply")
        last = sim.last_bot_message(alice)
        assert last is not None and last.text == "Hello /start hit_12"
        sim.press(alice, last.message_id, "Accept")
        await sim.until(
            lambda: sim.message_by_id(alice, last.message_id).edits == 1, what="the edit"
        )
        assert sim.message_by_id(alice, last.message_id).text == "You took it."
        assert sim.alerts(alice) == [{"text": "Accepted", "show_alert": False}]
        await app.updater.stop()
        await app.stop()
    assert sim.violations == []


async def test_real_application_in_webhook_mode(sim: SimTelegram, alice: SimUser) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("hi via webhook")

    app = real_application(sim)
    app.add_handler(CommandHandler("start", start))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="tg",
            webhook_url=f"http://127.0.0.1:{port}/tg",
            secret_token="abc",
        )
        sim.message(alice, "/start")
        await sim.until(lambda: sim.last_bot_message(alice) is not None, what="the reply")
        last = sim.last_bot_message(alice)
        assert last is not None and last.text == "hi via webhook"
        await app.updater.stop()
        await app.stop()
    assert sim.violations == []
