"""What every handler module shares: the typed context, replying with screens, sending."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, CallbackContext, ConversationHandler, ExtBot

from bot import formatting
from bot.clock import Clock
from bot.config import Settings
from bot.deadlines.holds import Holds
from bot.delivery.channels import Channels
from bot.delivery.outbox import SendOutcome, SendStatus
from bot.domain import Button, Screen, User
from bot.fair.fairwork import FairWork
from bot.fit import ALERT_MAX, clip, fit_html
from bot.i18n import Translator, translator
from bot.market.accounts import Accounts
from bot.market.market import Market
from bot.matching.qualifications import Qualifications
from bot.matching.waves import Matcher
from bot.money.deposits import Deposits
from bot.money.payouts import Payouts
from bot.mturk.keys import ApiKeys
from bot.mturk.webtasks import WebTasks
from bot.parsing import ParseError
from bot.requesting.tools import Requesting
from bot.services import Services
from bot.work.desk import WorkerDesk
from bot.work.tagging import BatchWork
from handlers.ptb.edits import edit_text
from handlers.ptb.keyboards import markup
from handlers.ptb.webhook_reply import answer_in_response

log = logging.getLogger(__name__)
T = TypeVar("T")

HARMLESS = (
    "message is not modified",
    "message to edit not found",
    "query is too old",
    "there is no text in the message to edit",  # a forged press on a file the bot sent
)
# Why a message can't be redrawn any more: edit_or_reply then answers with a new one.
UNEDITABLE = ("message to edit not found", "message can't be edited")
# A button that asks for a typed text (a reject reason, a dispute) waits this long for it;
# later texts are not taken as the answer (the question may long be forgotten).
TEXT_WAIT_S = 15 * 60
_ASKED_AT = "asked_at"
# bot_data keys (bot/runtime/app.py fills them at start).
SERVICES = "services"
MENU_CHATS = "menu_chats"
MTURK_SERVER = "mturk_server"


class GigContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with what handlers use, one hop away: `context.market`, `context.desk`...
    and `context.t`, the language of the update's user (resolved once per update)."""

    _translator: Translator | None = None
    # The update's registered user as resolve_language read them, for the first lookup of
    # the sender (known_user, sender_of): one read of the user a tap, not two.
    _sender: User | None = None

    @property
    def t(self) -> Translator:
        """The update's user's language: every text a handler says goes through it
        (bot/i18n.py); resolve_language sets it before any handler runs."""
        return self._translator or translator(None)

    def first_look(self, tg_id: int) -> User | None:
        """The sender as read before any handler ran, once: a later lookup in the same
        update (after a handler may have changed the user) reads the database again."""
        read, self._sender = self._sender, None
        return read if read is not None and read.tg_id == tg_id else None

    def speak(self, language: str | None) -> Translator:
        """Speak `language` (a user's language code) from now on in this update."""
        self._translator = translator(language)
        return self._translator

    @property
    def services(self) -> Services:
        """Everything the bot runs on (bot/services.py), put in bot_data at start."""
        services = self.bot_data[SERVICES]
        assert isinstance(services, Services)
        return services

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def market(self) -> Market:
        """HITs and assignments: publish, accept, answer, review."""
        return self.services.market

    @property
    def accounts(self) -> Accounts:
        """Requesters' money: balance, escrow, funding."""
        return self.services.accounts

    @property
    def desk(self) -> WorkerDesk:
        """The worker's side: what to show them, their preferences and record."""
        return self.services.desk

    @property
    def batch_work(self) -> BatchWork:
        """Handing in a batch's items and moving on through it."""
        return self.services.batch_work

    @property
    def matcher(self) -> Matcher:
        """Who gets which HIT pushed, and why."""
        return self.services.matcher

    @property
    def holds(self) -> Holds:
        """Timed offers and the timer concierge."""
        return self.services.holds

    @property
    def qualifications(self) -> Qualifications:
        return self.services.qualifications

    @property
    def requesting(self) -> Requesting:
        """The requester's tools: drafts, batches, /myhits, results, review, bonuses."""
        return self.services.requesting

    @property
    def fair(self) -> FairWork:
        """Reputation, the pay floor, disputes, the relay, /free."""
        return self.services.fair

    @property
    def api_keys(self) -> ApiKeys:
        return self.services.api_keys

    @property
    def web_tasks(self) -> WebTasks:
        return self.services.web_tasks

    @property
    def channels(self) -> Channels:
        return self.services.channels

    @property
    def deposits(self) -> Deposits:
        """Money in: invoices, pre-checkout, the credit, refunds."""
        return self.services.deposits

    @property
    def payouts(self) -> Payouts:
        """Money out: withdrawals, payout batches."""
        return self.services.payouts

    @property
    def menu_chats(self) -> set[int]:
        """Chats that already have the requester (or admin) command menu."""
        chats = self.bot_data.setdefault(MENU_CHATS, set())
        assert isinstance(chats, set)
        return chats

    @property
    def mturk_url(self) -> str | None:
        """Where this process serves the MTurk-compatible API, if it does."""
        server = self.bot_data.get(MTURK_SERVER)
        return str(server.url) if server is not None else None


GigApp = Application[Any, GigContext, Any, Any, Any, Any]


def fitted(screen: Screen) -> str:
    """The screen's text within Telegram's 4096 units: screens keep their own budgets
    (with a way to see the whole), this only guarantees that nothing a user typed can
    make a message fail (bot/fit.py)."""
    return fit_html(screen.text)


async def reply(update: Update, screen: Screen) -> Message | None:
    """Answer in the chat the update came from."""
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_text(
        fitted(screen), parse_mode=ParseMode.HTML, reply_markup=markup(screen)
    )


async def begin(
    update: Update, context: GigContext, key: str, data: dict[str, Any], ask: Screen
) -> None:
    """A guided conversation starts: the sender known (registered on first contact), its
    data under `key` in user_data fresh, its first question asked."""
    await sender_of(update, context)
    assert context.user_data is not None
    context.user_data[key] = data
    await reply(update, ask)


async def drop(update: Update, context: GigContext, key: str, said: str) -> int:
    """A guided conversation is cancelled: its data under `key` forgotten, `said` shown."""
    assert context.user_data is not None
    context.user_data.pop(key, None)
    await reply(update, Screen(said))
    return ConversationHandler.END


async def typed(
    update: Update, context: GigContext, parse: Callable[[str], T], ask: str
) -> T | None:
    """What `parse` makes of the text the user sent; None once they were shown what is
    wrong with it and `ask` (said already in their language) again: a conversation then
    stays at its step."""
    message = update.effective_message
    assert message is not None
    try:
        return parse(message.text or "")
    except ParseError as exc:
        await reply(update, Screen(formatting.try_again(context.t, exc.said(context.t), ask)))
        return None


async def edit(query: CallbackQuery, screen: Screen) -> None:
    """Replace the pressed message with a new screen; an identical screen is fine."""
    shown = query.message
    try:
        if isinstance(shown, Message):  # the usual case: answered without reading it back
            await edit_text(
                query.get_bot(), shown.chat.id, shown.message_id, fitted(screen), markup(screen)
            )
        else:  # inline, or too old to read: as PTB edits those
            await query.edit_message_text(
                fitted(screen), parse_mode=ParseMode.HTML, reply_markup=markup(screen)
            )
    except BadRequest as exc:
        if not is_harmless(exc):
            raise


async def edit_buttons(query: CallbackQuery, rows: tuple[tuple[Button, ...], ...]) -> None:
    """Replace only the pressed message's buttons (its text stays as it is)."""
    try:
        await query.edit_message_reply_markup(markup(Screen("", rows)))
    except BadRequest as exc:
        if not is_harmless(exc):
            raise


async def answer(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    """Answer a button press - in the webhook response when there is one (bot/runtime/webhook.py);
    a query already answered (redelivered update) is fine."""
    text = clip(text, ALERT_MAX) if text is not None else None
    if answer_in_response(query.id, text, alert):
        return
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        if not is_harmless(exc):
            raise


async def respond(
    query: CallbackQuery, screen: Screen, text: str | None = None, alert: bool = False
) -> None:
    """Answer the press and redraw its message at the same time (one round trip of latency)."""
    await asyncio.gather(answer(query, text, alert), edit(query, screen))


def is_harmless(exc: TelegramError) -> bool:
    """Errors that only mean 'nothing to do'."""
    return any(part in exc.message.lower() for part in HARMLESS)


async def resolve_language(update: Update, context: GigContext) -> None:
    """Before any handler: the language of the update's user, as they chose it (/language)
    or, for someone gigbot does not know yet, as their Telegram app is set."""
    sender = update.effective_user
    if sender is None:
        return
    user = await context.market.people.user(sender.id)  # the handler's known_user, too
    context._sender = user
    context.speak((user.language if user is not None else None) or sender.language_code)


async def known_user(update: Update, context: GigContext) -> User | None:
    """The registered user behind this update, if any."""
    sender = update.effective_user
    if sender is None:
        return None
    return context.first_look(sender.id) or await context.market.people.user(sender.id)


async def sender_of(update: Update, context: GigContext) -> User:
    """The user behind this update, registering them on first contact."""
    sender = update.effective_user
    assert sender is not None
    found = context.first_look(sender.id) or await context.market.people.user(sender.id)
    if found is not None:
        return found
    language = sender.language_code or "en"
    return await context.market.people.register(sender.id, sender.first_name, language)


class TelegramSender:
    """The broadcaster's way into Telegram, with errors mapped to outcomes."""

    def __init__(self, bot: ExtBot[Any]) -> None:
        self.bot = bot

    async def send(self, chat_id: int, screen: Screen) -> SendOutcome:
        """Send a new message."""
        try:
            message = await self.bot.send_message(
                chat_id, fitted(screen), parse_mode=ParseMode.HTML, reply_markup=markup(screen)
            )
        except TelegramError as exc:
            return _outcome(chat_id, exc)
        return SendOutcome(SendStatus.SENT, message_id=message.message_id)

    async def edit(self, chat_id: int, message_id: int, screen: Screen) -> SendOutcome:
        """Redraw a message sent before (a countdown); one already showing it is fine."""
        try:
            await edit_text(self.bot, chat_id, message_id, fitted(screen), markup(screen))
        except TelegramError as exc:
            return _outcome(chat_id, exc)
        return SendOutcome(SendStatus.SENT, message_id=message_id)


def _outcome(chat_id: int, exc: TelegramError) -> SendOutcome:
    """What the broadcaster should do after Telegram refused a call."""
    if isinstance(exc, RetryAfter):
        log.warning("429 for chat %s: retry after %s", chat_id, exc.retry_after)
        wait = exc.retry_after
        seconds = wait if isinstance(wait, int | float) else wait.total_seconds()
        return SendOutcome(SendStatus.RETRY, retry_after=float(seconds), error="429")
    if isinstance(exc, Forbidden):
        log.warning("403 for chat %s: %s", chat_id, exc.message)
        return SendOutcome(SendStatus.BLOCKED, error=exc.message)
    if isinstance(exc, BadRequest) and "message is not modified" in exc.message.lower():
        return SendOutcome(SendStatus.SENT, error="not modified")
    if isinstance(exc, TimedOut):
        # The request may have reached Telegram: sending again could duplicate it.
        return SendOutcome(SendStatus.FAILED, error=exc.message)
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        return SendOutcome(SendStatus.RETRY, retry_after=1.0, error=exc.message)
    return SendOutcome(SendStatus.FAILED, error=exc.message)


def pressed_in(query: CallbackQuery) -> tuple[int, int] | None:
    """The (chat id, message id) of the message whose button was pressed."""
    shown = query.message
    return (shown.chat.id, shown.message_id) if shown is not None else None


async def pressed_by(update: Update, context: GigContext) -> tuple[CallbackQuery, User | None]:
    """The pressed button and its registered user; an unknown user is told to /start."""
    query = update.callback_query
    assert query is not None and query.data is not None
    user = await known_user(update, context)
    if user is None:
        await answer(query, context.t(formatting.NOT_REGISTERED), alert=True)
    return query, user


def note_asked(context: GigContext) -> None:
    """A button has just asked this user for a typed text."""
    assert context.user_data is not None
    context.user_data[_ASKED_AT] = context.clock.now()


def asked_long_ago(context: GigContext) -> bool:
    """Whether the question this text would answer was asked over TEXT_WAIT_S ago."""
    assert context.user_data is not None
    asked = float(context.user_data.pop(_ASKED_AT, 0.0) or 0.0)
    return context.clock.now() - asked > TEXT_WAIT_S


async def edit_at(context: GigContext, at: tuple[int, int], screen: Screen) -> bool:
    """Redraw the bot's message at (chat id, message id), e.g. a card a button asked a
    typed text for; False if it is gone or too old to edit."""
    chat_id, message_id = at
    try:
        await context.bot.edit_message_text(
            screen.text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(screen),
        )
    except BadRequest as exc:
        if "message is not modified" in exc.message.lower():
            return True
        if not any(gone in exc.message.lower() for gone in UNEDITABLE):
            raise
        return False
    return True


async def edit_or_reply(
    update: Update, context: GigContext, at: tuple[int, int] | None, screen: Screen
) -> None:
    """Redraw the message at `at` (edit_at); if there is none to redraw, answer below."""
    if at is None or not await edit_at(context, at, screen):
        await reply(update, screen)
