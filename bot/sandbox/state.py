"""The simulated world: users, chats, memberships, messages, and the call records."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.markup import buttons

JSON = dict[str, Any]


@dataclass
class SimUser:
    """A Telegram user; their private chat with the bot has the same id."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_json(self) -> JSON:
        """Render as a Bot API User."""
        out: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        if self.language_code:
            out["language_code"] = self.language_code
        return out


@dataclass
class SimChat:
    """A chat: private (id == user id), group, supergroup or channel (negative ids)."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    @property
    def is_private(self) -> bool:
        """Tell whether this is a one-to-one chat with a user."""
        return self.type == "private"

    def to_json(self) -> JSON:
        """Render as a Bot API Chat."""
        out: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


@dataclass
class SimMessage:
    """One message as Telegram stores it, with what tests like to assert on."""

    chat_id: int
    message_id: int
    from_bot: bool
    text: str | None = None
    caption: str | None = None
    reply_markup: JSON | None = None
    document: JSON | None = None
    edits: int = 0
    deleted: bool = False
    date: int = 0
    entities: list[JSON] = field(default_factory=list)
    caption_entities: list[JSON] = field(default_factory=list)
    photo: list[JSON] | None = None
    chat: JSON = field(default_factory=dict)
    sender: JSON | None = None
    sender_chat: JSON | None = None
    reply_to: SimMessage | None = None
    edit_date: int | None = None
    pinned: bool = False
    invoice: JSON | None = None  # Invoice: what the Pay button pays
    successful_payment: JSON | None = None  # service message: the user paid
    refunded_payment: JSON | None = None  # service message: the bot refunded a payment
    invoice_payload: str | None = None  # what sendInvoice was given, for the Pay button

    def buttons(self) -> list[list[tuple[str, str | None, str | None]]]:
        """List the inline buttons row by row as (text, callback_data, url)."""
        return buttons(self.reply_markup)

    def to_json(self, with_reply: bool = True) -> JSON:
        """Render as a Bot API Message."""
        out: JSON = {"message_id": self.message_id, "date": self.date, "chat": self.chat}
        if self.sender is not None:
            out["from"] = self.sender
        if self.sender_chat is not None:
            out["sender_chat"] = self.sender_chat
        if self.edit_date is not None:
            out["edit_date"] = self.edit_date
        if with_reply and self.reply_to is not None:
            out["reply_to_message"] = self.reply_to.to_json(with_reply=False)
        if self.text is not None:
            out["text"] = self.text
            if self.entities:
                out["entities"] = self.entities
        if self.document is not None:
            out["document"] = self.document
        if self.photo is not None:
            out["photo"] = self.photo
        for key in ("invoice", "successful_payment", "refunded_payment"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.caption:
            out["caption"] = self.caption
            if self.caption_entities:
                out["caption_entities"] = self.caption_entities
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            out["reply_markup"] = self.reply_markup
        return out


@dataclass
class Call:
    """One Bot API request and how the sim answered it."""

    method: str
    params: JSON
    ok: bool
    error_code: int | None = None
    description: str | None = None
    at: float = 0.0


@dataclass
class Records:
    """Everything tests assert on besides messages."""

    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    schema_errors: list[str] = field(default_factory=list)
    updates: list[JSON] = field(default_factory=list)
    alerts: dict[int, list[JSON]] = field(default_factory=dict)
    commands: dict[str, list[JSON]] = field(default_factory=dict)
    webhook_calls: list[str] = field(default_factory=list)  # run from a webhook's answer
    changed: asyncio.Event = field(default_factory=asyncio.Event)  # replaced at each change

    def add_call(self, call: Call) -> None:
        """Record a call and wake whoever waits for the next change."""
        self.calls.append(call)
        self.touch()

    def touch(self) -> None:
        """Wake whoever waits for the simulator to change (a call, a held call)."""
        self.changed.set()
        self.changed = asyncio.Event()

    def clear(self) -> None:
        """Forget calls, violations and updates (commands and chats stay)."""
        self.calls.clear()
        self.violations.clear()
        self.schema_errors.clear()
        self.updates.clear()
        self.alerts.clear()
        self.webhook_calls.clear()


@dataclass
class Checkout:
    """A pre_checkout_query the sim issued: the user pressed Pay on an invoice."""

    user_id: int
    message_id: int
    currency: str
    total_amount: int
    payload: str
    made_at: float  # time.monotonic(): Telegram waits 10 seconds for the answer
    pay_when_ok: bool = False  # send successful_payment on its own once answered ok
    ok: bool | None = None  # None until answered
    error_message: str | None = None


@dataclass
class Charge:
    """A completed payment, by telegram_payment_charge_id."""

    user_id: int
    currency: str
    total_amount: int
    payload: str
    provider_charge_id: str
    refunded: bool = False


@dataclass
class CallbackRecord:
    """A callback query the sim issued, waiting for answerCallbackQuery."""

    user_id: int
    answered: bool = False


class World:
    """Users, chats, memberships and the message history of every chat."""

    def __init__(self, bot: SimUser) -> None:
        self.bot = bot
        self.users: dict[int, SimUser] = {}
        self.chats: dict[int, SimChat] = {}
        self.members: dict[tuple[int, int], str] = {}
        self.blocked: set[int] = set()
        self.started: set[int] = set()
        self.history: dict[int, list[SimMessage]] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.pinned: dict[int, int] = {}
        self.checkouts: dict[str, Checkout] = {}
        self.charges: dict[str, Charge] = {}
        self._user_ids = itertools.count(100001)
        self._group_ids = itertools.count(1)

    def new_user_id(self) -> int:
        """Hand out the next user id."""
        return next(self._user_ids)

    def new_chat_id(self, type: str) -> int:
        """Hand out a negative id shaped like Telegram's for the chat type."""
        n = next(self._group_ids)
        return -(1001000000000 + n) if type in ("supergroup", "channel") else -(4000000000 + n)

    def find_chat(self, ref: int | str) -> SimChat | None:
        """Resolve a chat_id parameter: an id, or @username of a public chat."""
        if isinstance(ref, str):
            name = ref.removeprefix("@").lower()
            return next(
                (
                    c
                    for c in self.chats.values()
                    if not c.is_private and c.username and c.username.lower() == name
                ),
                None,
            )
        return self.chats.get(ref)

    def add_message(self, chat: SimChat, **fields: Any) -> SimMessage:
        """Store a new message with the chat's next message id."""
        history = self.history.setdefault(chat.id, [])
        msg = SimMessage(
            chat_id=chat.id,
            message_id=len(history) + 1,
            date=int(time.time()),
            chat=chat.to_json(),
            **fields,
        )
        history.append(msg)
        return msg

    def message(self, chat_id: int, message_id: int) -> SimMessage | None:
        """Find a live (not deleted) message."""
        history = self.history.get(chat_id, [])
        if 1 <= message_id <= len(history) and not history[message_id - 1].deleted:
            return history[message_id - 1]
        return None

    def member_status(self, chat_id: int, user_id: int) -> str:
        """Tell a user's status in a chat ("left" unless set)."""
        return self.members.get((chat_id, user_id), "left")
