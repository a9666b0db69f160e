"""The command tables and Telegram's command menus made from them, in every language.

Workers' commands are the default menu, once per language (Telegram shows the one of the
user's app language, `language_code`, and the English one to the rest); requesters and
admins get theirs in their own chat (BotCommandScopeChat), in their own language, which
replaces the default there, so it repeats the workers'. So does the chat menu of someone who
chose a language with /language. What the admins' commands do stays English (admin tools).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    Update,
)
from telegram.ext import ExtBot

from bot.i18n import EN, LANGUAGES, SOURCE, Translator, translator
from bot.market import texts as market_texts
from bot.parsing import whole_number
from bot.requesting import texts as requesting_texts
from bot.work import texts as work_texts
from handlers.common import GigContext

# (command, description) shown in Telegram's menus (the words are the features' texts);
# register() adds the handler of each.
WORKER_COMMANDS = work_texts.WORKER_MENU
REQUESTER_COMMANDS = requesting_texts.REQUESTER_MENU
ADMIN_COMMANDS = market_texts.ADMIN_MENU

# A scope, its commands, and the language_code it is for (None: everyone else).
Menu = tuple[BotCommandScope, Sequence[BotCommand], str | None]


def _commands(t: Translator, *tables: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, t(text)) for table in tables for name, text in table]


@cache
def chat_commands(t: Translator, requester: bool, admin: bool) -> Sequence[BotCommand]:
    """The menu of one chat, in its user's language: a worker's, a requester's, an admin's
    (made once per kind and language: start-up gives every requester's chat its menu)."""
    commands = _commands(t, WORKER_COMMANDS, *([REQUESTER_COMMANDS] if requester else []))
    return tuple(commands + (_commands(EN, ADMIN_COMMANDS) if admin else []))


def menu_language(language: str) -> str | None:
    """The language_code Telegram takes for a menu (two letters): "pt-br" -> "pt"; None for
    English, the default menu everyone else sees."""
    return None if language == SOURCE else language.split("-")[0]


def menus(admins: Mapping[int, str], requesters: Mapping[int, str]) -> Iterator[Menu]:
    """Every scope and its menu: the default in each language, each requester's chat and each
    admin's chat in their language (both maps: Telegram id -> language). Made one at a time
    as they are sent, so thousands of requesters never hold the event loop at once."""
    for code in LANGUAGES:
        workers = chat_commands(translator(code), False, False)
        yield BotCommandScopeDefault(), workers, menu_language(code)
    for tg_id, language in sorted(requesters.items()):
        if tg_id not in admins:
            yield BotCommandScopeChat(tg_id), chat_commands(translator(language), True, False), None
    for tg_id, language in sorted(admins.items()):
        yield BotCommandScopeChat(tg_id), chat_commands(translator(language), True, True), None


async def set_menus(
    bot: ExtBot[Any], admins: Mapping[int, str], requesters: Mapping[int, str]
) -> set[int]:
    """Publish every menu; return the chats that got their own."""
    for scope, commands, language in menus(admins, requesters):
        await bot.set_my_commands(commands, scope=scope, language_code=language)
    return set(admins) | set(requesters)


async def set_chat_menu(context: GigContext, tg_id: int, requester: bool) -> None:
    """Give one chat its own menu in its user's language now (after /language, or when they
    become a requester)."""
    admin = tg_id in context.settings.admins
    commands = chat_commands(context.t, requester or admin, admin)
    await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(tg_id))
    context.menu_chats.add(tg_id)


async def refresh_menu(update: Update, context: GigContext) -> None:
    """After /fund, /newpoll or 'I want to post tasks': a new requester gets the requester menu."""
    sender = update.effective_user
    if sender is None:
        return
    target = sender.id
    if sender.id in context.settings.admins and context.args:
        named = whole_number(context.args[0])
        if named is None:
            return
        target = named
    have = context.menu_chats
    if target in have:
        return
    user = await context.market.people.user(target)
    if user is None or not user.is_requester:
        return
    have.add(target)
    language = context.t if target == sender.id else translator(user.language)
    await context.bot.set_my_commands(
        chat_commands(language, True, target in context.settings.admins),
        scope=BotCommandScopeChat(target),
    )
