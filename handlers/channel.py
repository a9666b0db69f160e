"""Channels: /linkchannel, /unlinkchannel, and the bot's own membership changes."""

from __future__ import annotations

from html import escape

from telegram import Chat, ChatFullInfo, Update
from telegram.error import BadRequest, Forbidden

from bot.delivery import texts as delivery_texts
from bot.domain import Screen
from bot.i18n import LANGUAGES
from bot.parsing import whole_number
from handlers.common import GigContext, reply, sender_of


def _chat_ref(arg: str) -> str | int:
    """`@name` or `-100123` as Telegram's chat_id: "@name" -> "@name", "-5" -> -5."""
    text = arg.strip()
    number = whole_number(text.removeprefix("-"))
    if number is not None:
        return -number if text.startswith("-") else number
    return text if text.startswith("@") else "@" + text


async def _find_chat(context: GigContext, arg: str) -> ChatFullInfo | None:
    try:
        return await context.bot.get_chat(_chat_ref(arg))
    except (BadRequest, Forbidden):
        return None


def _languages(context: GigContext) -> str:
    """The languages a channel can be posted to in: "en (English), es (Spanish), …"."""
    return ", ".join(f"{code} ({context.t.language_name(code)})" for code in LANGUAGES)


async def link_channel(update: Update, context: GigContext) -> None:
    """Link a channel where the bot and the requester are admins (its cards in the
    requester's language, or the one given after it), or say what is missing."""
    requester = await sender_of(update, context)
    if not context.args:
        usage = context.t(delivery_texts.LINKCHANNEL_USAGE, languages=escape(_languages(context)))
        await reply(update, Screen(usage))
        return
    language = None
    if len(context.args) > 1:
        language = context.args[1].lower().replace("_", "-")
        if language not in LANGUAGES:
            refused = context.t(
                delivery_texts.UNKNOWN_LANGUAGE,
                code=escape(context.args[1]),
                languages=escape(_languages(context)),
            )
            await reply(update, Screen(refused))
            return
    chat = await _find_chat(context, context.args[0])
    if chat is None:
        await reply(update, Screen(context.t(delivery_texts.CHANNEL_NOT_FOUND)))
        return
    title = chat.title or chat.username or str(chat.id)
    bot_status, requester_status = "left", "left"
    if chat.type != Chat.PRIVATE:
        bot_status = (await context.bot.get_chat_member(chat.id, context.bot.id)).status
        requester_status = (await context.bot.get_chat_member(chat.id, requester.tg_id)).status
    result = await context.channels.link(
        requester,
        chat.id,
        title,
        chat_type=chat.type,
        bot_status=bot_status,
        requester_status=requester_status,
        language=language,
    )
    spoken = await context.channels.language(requester, chat.id)
    said = context.t(
        delivery_texts.CHANNEL_LINK_TEXTS[result],
        title=escape(title),
        language=escape(context.t.language_name(spoken)),
    )
    await reply(update, Screen(said))


async def unlink_channel(update: Update, context: GigContext) -> None:
    """Stop posting to a linked channel."""
    requester = await sender_of(update, context)
    linked = await context.channels.linked(requester)
    if not context.args:
        listing = delivery_texts.linked_channels(context.t, [c.title for c in linked])
        await reply(
            update, Screen(context.t(delivery_texts.UNLINKCHANNEL_USAGE).format(linked=listing))
        )
        return
    ref = _chat_ref(context.args[0])
    chat = await _find_chat(context, context.args[0]) if isinstance(ref, str) else None
    chat_id = chat.id if chat is not None else ref
    found = next((c for c in linked if c.chat_id == chat_id), None)
    if found is None or not await context.channels.unlink(requester, found.chat_id):
        await reply(update, Screen(context.t(delivery_texts.CHANNEL_NOT_LINKED)))
        return
    await reply(
        update, Screen(context.t(delivery_texts.CHANNEL_UNLINKED).format(title=escape(found.title)))
    )


async def bot_membership_changed(update: Update, context: GigContext) -> None:
    """Removed from a channel: stop posting there. Blocked or unblocked: stop or resume."""
    change = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    gone = status in ("left", "kicked")
    if change.chat.type == Chat.PRIVATE:
        await context.market.people.set_active(change.chat.id, not gone)
    elif gone:
        await context.channels.bot_removed(change.chat.id)
