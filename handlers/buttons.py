"""Button handlers, prologue written once: who pressed, bail out, unpack the data.

A button handler names the kind of button it answers and is handed the press already
checked and unpacked (as aiogram's callback-data filter hands `callback_data`):

    @button(cb.Accept)
    async def accept_hit(tap: Tap[cb.Accept], context: GigContext) -> None:
        '''Give the worker the HIT, or say why not.'''
        outcome = await context.market.accepting.accept_from_card(tap.user, tap.data.hit_id, tap.at)

A press by someone gigbot does not know is answered "send /start" and goes no further.
register() pairs each handler with its button's pattern (`handler(accept_hit)`).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from telegram import CallbackQuery, Message, Update
from telegram.ext import CallbackQueryHandler

from bot.callbacks import CallbackData
from bot.domain import Screen, User
from handlers.common import GigContext, answer, edit, pressed_by, pressed_in, reply, respond

D = TypeVar("D", bound=CallbackData)
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Press(Generic[D]):
    """A button press: its update and query, and the button's data unpacked."""

    update: Update
    query: CallbackQuery
    data: D

    @property
    def at(self) -> tuple[int, int] | None:
        """The (chat id, message id) of the message whose button was pressed."""
        return pressed_in(self.query)

    async def answer(self, text: str | None = None, alert: bool = False) -> None:
        """Answer the press: a toast, an alert with `alert`, or just stop the spinner."""
        await answer(self.query, text, alert)

    async def edit(self, screen: Screen) -> None:
        """Redraw the pressed message."""
        await edit(self.query, screen)

    async def respond(self, screen: Screen, text: str | None = None, alert: bool = False) -> None:
        """Answer the press and redraw its message at once."""
        await respond(self.query, screen, text, alert)

    async def reply(self, screen: Screen) -> Message | None:
        """Send a new message below, in the chat of the pressed one."""
        return await reply(self.update, screen)


@dataclass(frozen=True, slots=True)
class Tap(Press[D]):
    """A button press by a registered user."""

    user: User


class Button(Generic[D, R]):
    """A button handler as PTB calls it, `(update, context) -> R`, with its button's kind."""

    def __init__(
        self,
        kind: type[D],
        run: Callable[[Update, CallbackQuery, D, GigContext], Awaitable[R]],
        declared: Callable[..., Awaitable[R]],
    ) -> None:
        self.kind = kind
        self.run = run
        functools.update_wrapper(self, declared)  # its name and docstring, for logs and readers

    async def __call__(self, update: Update, context: GigContext) -> R:
        query = update.callback_query
        assert query is not None and query.data is not None
        # The pattern matched, so the data unpacks.
        return await self.run(update, query, self.kind.unpack(query.data), context)

    @property
    def pattern(self) -> str:
        """What the button's callback data looks like (bot/callbacks.py)."""
        return self.kind.pattern()


@overload
def button(
    kind: type[D],
) -> Callable[[Callable[[Tap[D], GigContext], Awaitable[None]]], Button[D, None]]: ...


@overload
def button(
    kind: type[D], *, unknown: R
) -> Callable[[Callable[[Tap[D], GigContext], Awaitable[R]]], Button[D, R]]: ...


def button(kind: type[D], *, unknown: Any = None) -> Any:
    """Declare the handler of a `kind` button, pressed by a registered user; a conversation
    step names the state an unknown user's press leaves it in (`unknown=END`)."""

    def declare(handle: Callable[[Tap[D], GigContext], Awaitable[Any]]) -> Button[D, Any]:
        async def run(update: Update, query: CallbackQuery, data: D, context: GigContext) -> Any:
            _, user = await pressed_by(update, context)  # an unknown user is told to /start
            if user is None:
                return unknown
            return await handle(Tap(update, query, data, user), context)

        return Button(kind, run, handle)

    return declare


def open_button(
    kind: type[D],
) -> Callable[[Callable[[Press[D], GigContext], Awaitable[None]]], Button[D, None]]:
    """Declare the handler of a `kind` button anyone may press, known to gigbot or not."""

    def declare(handle: Callable[[Press[D], GigContext], Awaitable[None]]) -> Button[D, None]:
        async def run(update: Update, query: CallbackQuery, data: D, context: GigContext) -> None:
            await handle(Press(update, query, data), context)

        return Button(kind, run, handle)

    return declare


def handler(button: Button[Any, R]) -> CallbackQueryHandler[GigContext, R]:
    """The PTB handler that routes the button's presses, by its pattern, to it."""
    return CallbackQueryHandler(button, pattern=button.pattern)
