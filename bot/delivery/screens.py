"""Screens of delivery: the card a linked channel shows for a HIT or a batch."""

from __future__ import annotations

from bot.delivery import texts as delivery_texts
from bot.domain import Button, ChannelCard, Screen
from bot.i18n import Translator


def start_link(t: Translator, bot_username: str, card: ChannelCard) -> str:
    """The deep link a card's button opens: t.me/<bot>?start=hit_<id> or batch_<id>."""
    target = f"hit_{card.hit_id}" if card.hit_id is not None else f"batch_{card.batch_id}"
    return f"https://t.me/{bot_username}?start={target}"


def channel_card(t: Translator, card: ChannelCard, bot_username: str) -> Screen:
    """The channel post: terms and counter, with a Start working button while open."""
    text = delivery_texts.channel_card(
        t, card.title, card.reward_cents, card.time_allotted_s, card.left, card.total, card.closed
    )
    if card.closed:
        return Screen(text)
    return Screen(
        text,
        ((Button(t(delivery_texts.BTN_START_WORKING), url=start_link(t, bot_username, card)),),),
    )
