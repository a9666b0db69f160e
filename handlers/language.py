"""/language: the language gigbot speaks to this user, a button per language."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot.domain import Button, Screen
from bot.i18n import LANGUAGES, native_name
from bot.work import texts as work_texts
from handlers.buttons import Tap, button
from handlers.common import GigContext, reply, sender_of
from handlers.menus import set_chat_menu

TICK = "✓ "


def language_screen(context: GigContext) -> Screen:
    """What gigbot speaks now, and a button per language, each in its own name."""
    current = context.t.language
    buttons = [
        Button((TICK if code == current else "") + native_name(code), cb.Language(code).pack())
        for code in LANGUAGES
    ]
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Screen(work_texts.language_menu(context.t), rows)


async def language_command(update: Update, context: GigContext) -> None:
    """Show the language gigbot speaks here, and the others to switch to."""
    await sender_of(update, context)
    await reply(update, language_screen(context))


@button(cb.Language)
async def choose_language(tap: Tap[cb.Language], context: GigContext) -> None:
    """Speak the chosen language from now on: this message, the menu, every later one."""
    code = tap.data.code
    if code not in LANGUAGES:
        await tap.answer()
        return
    await context.desk.set_language(tap.user, code)
    context.speak(code)
    await tap.respond(Screen(work_texts.language_set(context.t), language_screen(context).rows))
    await set_chat_menu(context, tap.user.tg_id, tap.user.is_requester)
