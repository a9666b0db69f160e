"""/apikey: a requester's keys for the MTurk-compatible API — create, list, revoke."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot.domain import Button, Screen, User
from bot.mturk import texts as mturk_texts
from handlers.common import GigContext, answer, edit, pressed_by, reply, sender_of


def _endpoint(context: GigContext) -> str | None:
    server = context.bot_data.get("mturk_server")
    return str(server.url) if server is not None else None


async def _keys_screen(context: GigContext, requester: User) -> Screen:
    keys = await context.services.api_keys.list(requester)
    rows = [(Button(mturk_texts.BTN_NEW_API_KEY, cb.NewApiKey().pack()),)]
    rows += [
        (
            Button(
                mturk_texts.BTN_REVOKE_API_KEY.format(short=k.access_key_id[-6:]),
                cb.RevokeApiKey(k.access_key_id).pack(),
            ),
        )
        for k in keys
        if k.active
    ]
    listed = [(k.access_key_id, k.active, k.created_at) for k in keys]
    now = context.market.clock.now()
    return Screen(mturk_texts.api_keys(listed, now, _endpoint(context)), tuple(rows))


async def api_keys(update: Update, context: GigContext) -> None:
    """List the requester's keys with New key / Revoke buttons."""
    requester = await sender_of(update, context)
    await reply(update, await _keys_screen(context, requester))


async def new_api_key(update: Update, context: GigContext) -> None:
    """Make a key pair and show the secret this once."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    made = await context.services.api_keys.create(requester)
    if made is None:
        await answer(query, mturk_texts.API_KEY_LIMIT, alert=True)
        return
    await answer(query)
    await edit(query, await _keys_screen(context, requester))
    await reply(update, Screen(mturk_texts.api_key_created(*made, _endpoint(context))))


async def revoke_api_key(update: Update, context: GigContext) -> None:
    """Revoke the key at once and redraw the list."""
    query, requester = await pressed_by(update, context)
    if requester is None:
        return
    data = cb.RevokeApiKey.unpack(str(query.data))
    done = await context.services.api_keys.revoke(requester, data.key_id)
    if not done:
        await answer(query, mturk_texts.API_KEY_NOT_FOUND, alert=True)
        return
    await answer(query, mturk_texts.API_KEY_REVOKED.format(key_id=data.key_id))
    await edit(query, await _keys_screen(context, requester))
