"""SimTelegram: the fake Bot API server plus the users who talk to the bot."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any

from bot.sandbox.delivery import Delivery
from bot.sandbox.files import FileStore
from bot.sandbox.limits import Limits
from bot.sandbox.methods import BotApi
from bot.sandbox.schema import Schema, load_schema
from bot.sandbox.server import HttpServer
from bot.sandbox.state import (
    JSON,
    Call,
    Charge,
    Checkout,
    Records,
    SimChat,
    SimMessage,
    SimUser,
    World,
)
from bot.sandbox.updates import UpdateBuilder


class UpdateSchemaError(ValueError):
    """A built update does not match the Bot API schema (a bug in the sim)."""


class SimTelegram:
    """A fake Telegram the real python-telegram-bot Application can talk to over HTTP."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        limits: Limits | None = None,
        bot_username: str = "gigbot_test_bot",
        bot_name: str = "GigBot",
    ) -> None:
        self.token = token
        self.limits = limits or Limits()
        self.schema: Schema = load_schema()
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.world = World(SimUser(bot_id, bot_name, bot_username, is_bot=True))
        self.files = FileStore()
        self.records = Records()
        self.delivery = Delivery()
        self.api = BotApi(
            self.world, self.files, self.schema, self.limits, self.records, self.delivery
        )
        self.delivery.on_reply = self._webhook_call
        self.api.emit = self._emit_caused
        self.builder = UpdateBuilder(self.world, self.files, self.schema)
        self._server: HttpServer | None = None
        self._update_ids = itertools.count(1)
        self.host = "127.0.0.1"
        self.port = 0
        self._held_methods: set[str] = set()
        self._gate = asyncio.Event()
        self.held = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (a free port unless given) on the running loop."""
        self._server = HttpServer(self)
        self.port = self._server.start(self.host, port)

    async def stop(self) -> None:
        """Release long polls, stop webhook pushes, let answers go out, close the server."""
        self.release()
        await self.delivery.close()
        if self._server is None:
            return
        self._server.stop_listening()
        # Released long polls still have to write their answers before connections close.
        await self._server.answered(timeout=1.0)
        await self._server.stop()
        self._server = None

    async def __aenter__(self) -> SimTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What ApplicationBuilder().base_url() wants."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What ApplicationBuilder().base_file_url() wants."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def bot_user(self) -> JSON:
        """The bot's User JSON, as getMe returns it."""
        return dict(self.api.bot_json)

    # -- backend for the HTTP layer --------------------------------------------------------

    async def handle_call(self, method: str, raw: JSON) -> tuple[int, JSON]:
        """Answer one Bot API call."""
        if method in self._held_methods:
            self.held += 1
            self.records.touch()
            await self._gate.wait()
        return await self.api.call(method, raw)

    async def _webhook_call(self, method: str, raw: JSON) -> None:
        """Run the call a webhook answered an update with (recorded like any call)."""
        self.records.webhook_calls.append(method)
        await self.handle_call(method, raw)

    @property
    def webhook_calls(self) -> list[str]:
        """Methods the bot called in its webhook responses, in order."""
        return self.records.webhook_calls

    async def until(
        self, check: Callable[[], bool], timeout: float = 10.0, *, what: str = "the condition"
    ) -> None:
        """Wait for the bot's calls (answered or held) to make `check` true; `check` is
        looked at after each. TimeoutError naming `what` after `timeout` real seconds."""
        try:
            async with asyncio.timeout(timeout):
                while not check():
                    await self.records.changed.wait()
        except TimeoutError:
            raise TimeoutError(f"gave up after {timeout:g} s waiting for {what}") from None

    def hold(self, *methods: str) -> None:
        """Keep calls of these methods waiting, unanswered and without effect, until release().

        A stuck or slow Telegram; `held` counts the calls that were made to wait.
        """
        self._held_methods = set(methods)
        self._gate = asyncio.Event()

    def release(self) -> None:
        """Answer the held calls (in the order they arrived) and hold nothing more."""
        self._held_methods = set()
        self._gate.set()

    def unauthorized(self, method: str) -> None:
        """Record a call made with a wrong token."""
        self.records.add_call(Call(method, {}, False, 401, "Unauthorized", time.monotonic()))

    # -- the world -------------------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        username: str | None = None,
        language_code: str | None = "en",
        last_name: str | None = None,
        started: bool = True,
        id: int | None = None,
    ) -> SimUser:
        """Create a user and their private chat (started=False: they never opened the bot)."""
        user = SimUser(
            id or self.world.new_user_id(), first_name, username, last_name, language_code
        )
        self.world.users[user.id] = user
        self.world.chats[user.id] = SimChat(
            user.id, "private", username=username, first_name=first_name, last_name=last_name
        )
        if started:
            self.world.started.add(user.id)
        return user

    def add_chat(
        self,
        title: str,
        type: str = "supergroup",
        username: str | None = None,
        bot_status: str | None = None,
        id: int | None = None,
    ) -> SimChat:
        """Create a group, supergroup or channel; the bot is a member (channel: admin)."""
        if type not in ("group", "supergroup", "channel"):
            raise ValueError(f"chat type must be group, supergroup or channel, not {type!r}")
        chat = SimChat(id or self.world.new_chat_id(type), type, title=title, username=username)
        self.world.chats[chat.id] = chat
        default = "administrator" if type == "channel" else "member"
        self.world.members[(chat.id, self.world.bot.id)] = bot_status or default
        return chat

    def set_member(self, chat: SimChat | int, who: SimUser | int, status: str = "member") -> None:
        """Set a user's (or the bot's) status in a chat, as getChatMember reports it."""
        self.world.members[(_chat_id(chat), who if isinstance(who, int) else who.id)] = status

    def flood(self, chat: SimChat | SimUser | int, on: bool = True) -> None:
        """Refuse every send to this chat with 429 (retry_after as Limits says, nothing
        taken from its budget) until flood(chat, False): a chat stuck in Telegram's flood wait."""
        if on:
            self.api.limiter.flooded.add(_chat_id(chat))
        else:
            self.api.limiter.flooded.discard(_chat_id(chat))

    def block(self, user: SimUser | int) -> None:
        """Make the user block the bot: sends and edits to them get 403."""
        self.world.blocked.add(user if isinstance(user, int) else user.id)

    def unblock(self, user: SimUser | int) -> None:
        """Undo block()."""
        self.world.blocked.discard(user if isinstance(user, int) else user.id)

    # -- updates ---------------------------------------------------------------------------

    def _emit(self, body: JSON, enqueue: bool) -> JSON:
        update: JSON = {"update_id": next(self._update_ids), **body}
        errors = self.schema.check_object(update, "Update")
        if errors:
            raise UpdateSchemaError("; ".join(errors))
        self.records.updates.append(update)
        if enqueue:
            self.delivery.push(update)
        return update

    def _emit_caused(self, body: JSON) -> None:
        """An update a Bot API call caused (a payment, a refund's service message)."""
        self._emit(body, enqueue=True)

    def message(
        self,
        user: SimUser,
        text: str,
        chat: SimChat | None = None,
        reply_to: int | None = None,
        enqueue: bool = True,
    ) -> JSON:
        """User sends a text (private chat unless chat is given)."""
        return self._emit(self.builder.message(user, text, chat, reply_to), enqueue)

    def document(
        self,
        user: SimUser,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: SimChat | None = None,
        reply_to: int | None = None,
        enqueue: bool = True,
    ) -> JSON:
        """User sends a file; getFile and download work for it."""
        body = self.builder.document(user, filename, content, mime_type, caption, chat, reply_to)
        return self._emit(body, enqueue)

    def callback(
        self,
        user: SimUser,
        message_id: int,
        data: str,
        chat: SimChat | None = None,
        enqueue: bool = True,
        check_button: bool = True,
    ) -> JSON:
        """User presses the inline button carrying exactly this callback_data."""
        body = self.builder.callback(user, message_id, data, chat, check_button)
        return self._emit(body, enqueue)

    def press(
        self,
        user: SimUser,
        message_id: int,
        text: str,
        chat: SimChat | None = None,
        enqueue: bool = True,
    ) -> JSON:
        """User presses the inline callback button labelled text."""
        data = self.builder.button_data(user, message_id, text, chat)
        return self.callback(user, message_id, data, chat, enqueue)

    def pay(
        self,
        user: SimUser,
        message_id: int,
        enqueue: bool = True,
        then_pay: bool = True,
        chat: SimChat | SimUser | None = None,
    ) -> JSON:
        """User presses Pay on the invoice `message_id` (in their chat unless `chat` is
        given: an invoice someone forwarded): the pre_checkout_query update.

        With `then_pay`, the successful_payment message follows on its own once the bot
        answers ok (as Telegram does); without, call paid() to build it (a story that
        hands updates to the bot itself)."""
        where = user.id if chat is None else _chat_id(chat)
        query_id, body = self.api.checkout(user.id, where, message_id, then_pay)
        return self._emit(body, enqueue)

    def checkout(self, query_id: str) -> Checkout:
        """How the bot answered a pre_checkout_query (ok is None until it did)."""
        return self.world.checkouts[query_id]

    def paid(self, query_id: str, enqueue: bool = True) -> JSON:
        """The payment of a checkout the bot answered ok: the successful_payment message."""
        return self._emit(self.api.paid(query_id), enqueue)

    @property
    def charges(self) -> dict[str, Charge]:
        """Completed payments by telegram_payment_charge_id (refunded or not)."""
        return self.world.charges

    def my_chat_member(
        self,
        chat_or_user: SimChat | SimUser,
        old: str = "member",
        new: str = "kicked",
        by: SimUser | None = None,
        enqueue: bool = True,
    ) -> JSON:
        """The bot's membership changes (a private chat: the user blocks or unblocks it)."""
        if isinstance(chat_or_user, SimUser):
            chat = self.world.chats[chat_or_user.id]
            by = by or chat_or_user
        else:
            chat = chat_or_user
        if by is None:
            raise ValueError("my_chat_member in a group or channel needs by=<the user acting>")
        return self._emit(self.builder.my_chat_member(chat, old, new, by), enqueue)

    @property
    def updates(self) -> list[JSON]:
        """Every update built, in order."""
        return self.records.updates

    # -- records ---------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every Bot API request, in order."""
        return self.records.calls

    @property
    def violations(self) -> list[str]:
        """Schema problems and rate-limit breaches."""
        return self.records.violations

    @property
    def schema_errors(self) -> list[str]:
        """Schema problems only."""
        return self.records.schema_errors

    @property
    def commands(self) -> dict[str, list[JSON]]:
        """Command menus by scope JSON (plus "|<language_code>" when one was given)."""
        return self.records.commands

    def messages(self, chat: SimChat | SimUser | int) -> list[SimMessage]:
        """Every message of a chat in order, deleted ones included (flagged)."""
        return list(self.world.history.get(_chat_id(chat), []))

    def message_by_id(self, chat: SimChat | SimUser | int, message_id: int) -> SimMessage:
        """Find one message (deleted ones too); KeyError if there is none."""
        history = self.world.history.get(_chat_id(chat), [])
        if not 1 <= message_id <= len(history):
            raise KeyError(f"no message {message_id} in chat {_chat_id(chat)}")
        return history[message_id - 1]

    def bot_messages(self, chat: SimChat | SimUser | int) -> list[SimMessage]:
        """The bot's live messages in a chat."""
        return [m for m in self.messages(chat) if m.from_bot and not m.deleted]

    def last_bot_message(self, chat: SimChat | SimUser | int) -> SimMessage | None:
        """The bot's latest live message in a chat."""
        mine = self.bot_messages(chat)
        return mine[-1] if mine else None

    def alerts(self, user: SimUser | int) -> list[JSON]:
        """answerCallbackQuery answers to the user's presses: {"text", "show_alert"}."""
        return list(self.records.alerts.get(user if isinstance(user, int) else user.id, []))

    def sent_documents(self, chat: SimChat | SimUser | int) -> list[tuple[str, bytes]]:
        """Filename and content of every document the bot sent to a chat."""
        out: list[tuple[str, bytes]] = []
        for msg in self.messages(chat):
            if msg.from_bot and msg.document is not None:
                stored = self.files.get(str(msg.document["file_id"]))
                if stored is not None:
                    out.append((stored.filename, stored.content))
        return out

    def calls_to(self, method: str) -> list[Call]:
        """The calls of one method."""
        return [c for c in self.records.calls if c.method == method]

    def reset_records(self) -> None:
        """Forget calls, violations, updates and alerts; reset the rate limiter."""
        self.records.clear()
        self.api.limiter.reset()

    def check(self, obj: Any, type_name: str) -> list[str]:
        """Check any JSON against a Bot API type (for tests of returned objects)."""
        return self.schema.check_object(obj, type_name)


def _chat_id(chat: SimChat | SimUser | int) -> int:
    return chat if isinstance(chat, int) else chat.id
