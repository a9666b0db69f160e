"""A command abandons a pending one-text prompt (a reject reason, a dispute, a message).

Hazard: the reject reason and the "fairtext" conversation take the next text the user
types, whenever it comes. After Reject, /balance, "hello", the "hello" went to the worker
as the rejection reason, irreversibly. So any command other than the prompt's own /cancel
ends these conversations first (stored at once, so every bot process sees it), says so in
one line, and the command is then answered as usual. The multi-step conversations
(/newsurvey, /newbatch, /qualify) are left alone: they have /done and /cancel of their own.

Costs one SELECT per command message (not per button press) to read the stored states:
a prompt may have been opened on another process.
"""

from __future__ import annotations

from telegram import Update

from bot.domain import Screen
from bot.fair import texts as fair_texts
from bot.money import texts as money_texts
from bot.requesting import texts as requesting_texts
from handlers.common import GigContext, reply
from handlers.ptb.persistence import StoredConversations, keyed

# The one-text conversations (handlers/__init__.py names them) and what is said on dropping.
DROPPED = {
    "reject": requesting_texts.REJECT_DROPPED,
    "fairtext": fair_texts.FAIR_TEXT_DROPPED,
    "terms": requesting_texts.TERMS_DROPPED,
    "payout": money_texts.ADDRESS_DROPPED,
}
OWN_COMMANDS = {"cancel"}


def command_of(text: str) -> str:
    """The command a message starts with, lower case: '/Cancel@gigbot x' -> 'cancel'."""
    return text.split(maxsplit=1)[0].lstrip("/").split("@")[0].lower() if text else ""


class DropPrompts(StoredConversations):
    """Before a command is handled, end the user's pending one-text prompts."""

    async def on_command(self, update: Update, context: GigContext) -> None:
        """One line per dropped prompt; the command itself is answered after this."""
        message = update.effective_message
        if message is None or command_of(message.text or "") in OWN_COMMANDS:
            return
        wanted = keyed(self.conversations, update)
        if not wanted:
            return
        await self.persistence.refresh(wanted, None, None)
        for conversation, key in wanted:
            if conversation.state_at(key) is None:
                continue
            conversation.take_stored(key, None)
            await self.persistence.update_conversation(conversation.title, key, None)
            await reply(update, Screen(context.t(DROPPED[conversation.title])))
