"""Group channels: linking, the cards posted there, and what happens when the bot leaves.

Publishing a HIT (or a batch) queues one card per linked channel in the publishing
transaction: `enqueue_channel_cards(conn, requester_id, hit_id=... | batch_id=..., now=...)`.
The broadcaster posts it and, at most once a minute, queues an edit of its "N left"
counter (storage.channels.queue_counter_edits); the last edit says "closed". A slot that
comes back while the HIT is open opens the card again (trigger in migration 0014).
"""

from __future__ import annotations

from bot.delivery.results import LinkResult
from bot.domain import Channel, ChannelCard, User
from bot.i18n import language_of
from storage import channels, users
from storage.channels import enqueue_channel_cards
from storage.db import retrying
from storage.outbox import OutboxRow
from storage.usecases import UseCases

__all__ = ["CHANNEL_KINDS", "Channels", "enqueue_channel_cards"]

CHANNEL_KINDS = ("channel_card", "channel_edit")


ADMIN_STATUSES = frozenset({"administrator", "creator"})


class Channels(UseCases):
    """Links between requesters and their channels, and the cards they get."""

    @retrying
    async def link(
        self,
        requester: User,
        chat_id: int,
        title: str,
        *,
        chat_type: str,
        bot_status: str,
        requester_status: str,
        language: str | None = None,
    ) -> LinkResult:
        """Link a channel after Telegram confirmed the bot and the requester are admins; its
        cards are in `language` (bot/i18n.LANGUAGES), else the requester's (an already
        linked channel keeps its own unless one is given)."""
        if chat_type not in ("channel", "group", "supergroup"):
            return LinkResult.NOT_A_GROUP
        if bot_status not in ADMIN_STATUSES:
            return LinkResult.BOT_NOT_ADMIN
        if requester_status not in ADMIN_STATUSES:
            return LinkResult.YOU_NOT_ADMIN
        spoken = language or language_of(requester.language)
        async with self.db.transaction() as conn:
            made = await channels.link(conn, requester.id, chat_id, title, self.clock.now(), spoken)
            if not made and language is not None:
                await channels.set_language(conn, requester.id, chat_id, language)
        return LinkResult.LINKED if made else LinkResult.ALREADY

    async def language(self, requester: User, chat_id: int) -> str:
        """The language a requester's linked channel is posted to in."""
        async with self.db.reading() as conn:
            found = await users.language_of(conn, chat_id)
        return found or language_of(requester.language)

    @retrying
    async def unlink(self, requester: User, chat_id: int) -> bool:
        """Stop posting to a channel; False if it was not linked."""
        async with self.db.transaction() as conn:
            return await channels.unlink(conn, requester.id, chat_id)

    async def linked(self, requester: User) -> list[Channel]:
        async with self.db.reading() as conn:
            return await channels.linked(conn, requester.id)

    @retrying
    async def bot_removed(self, chat_id: int) -> int:
        """The bot was removed from a channel or group: its links stop."""
        async with self.db.transaction() as conn:
            return await channels.deactivate_chat(conn, chat_id)

    async def card(self, row: OutboxRow) -> ChannelCard | None:
        """The card an outbox row posts or edits, as it reads now; None when there is
        nothing to send (delivery/screens.py draws it)."""
        async with self.db.reading() as conn:
            card = await channels.card(conn, int(row.payload["post_id"]))
        if card is None:
            return None
        if row.kind == "channel_card" and card.closed:
            return None  # filled before it could be posted: nothing to announce
        return card
