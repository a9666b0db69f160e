"""The command tables and Telegram's command menus made from them.

Workers' commands are the default menu; requesters and admins get theirs in their own
chat (BotCommandScopeChat), which replaces the default there, so it repeats the workers'.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    Update,
)
from telegram.ext import ExtBot

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

Menu = tuple[BotCommandScope, list[BotCommand]]


def _commands(*tables: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, text) for table in tables for name, text in table]


def menus(admins: Collection[int], requesters: Collection[int]) -> list[Menu]:
    """Every scope and its menu: the default, each requester's chat, each admin's chat."""
    found: list[Menu] = [(BotCommandScopeDefault(), _commands(WORKER_COMMANDS))]
    for_requesters = _commands(WORKER_COMMANDS, REQUESTER_COMMANDS)
    found += [
        (BotCommandScopeChat(t), for_requesters) for t in sorted(requesters) if t not in admins
    ]
    for_admins = _commands(WORKER_COMMANDS, REQUESTER_COMMANDS, ADMIN_COMMANDS)
    found += [(BotCommandScopeChat(tg_id), for_admins) for tg_id in sorted(admins)]
    return found


async def set_menus(
    bot: ExtBot[Any], admins: Collection[int], requesters: Collection[int]
) -> set[int]:
    """Publish every menu; return the chats that got their own."""
    for scope, commands in menus(admins, requesters):
        await bot.set_my_commands(commands, scope=scope)
    return set(admins) | set(requesters)


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
    await context.bot.set_my_commands(
        _commands(WORKER_COMMANDS, REQUESTER_COMMANDS), scope=BotCommandScopeChat(target)
    )
