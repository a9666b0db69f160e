"""python-telegram-bot persistence on gigbot's SQLite file.

Only conversation states and user_data are kept (a survey being written survives a
restart); bot_data holds live services and is never persisted. Why not PicklePersistence:
a pickle beside the database is a second store that can disagree with it after a crash,
is unreadable by other processes, and rewrites the whole file on each flush; rows in the
same SQLite file (WAL) are written per changed key and visible to every bot process.

PTB writes changes every `update_interval` seconds and at shutdown, so a `kill -9` loses
at most the last interval of conversation steps (never money: that is in the ledger);
a DurableConversation writes each of its steps at once instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, BasePersistence, ConversationHandler, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from handlers.common import GigContext
from storage import persistence as rows
from storage.db import Database

UD = dict[Any, Any]


class SqlitePersistence(BasePersistence[UD, UD, UD]):
    """Conversations and user_data in the conversation_* tables, own connection."""

    def __init__(self, path: Path, update_interval: float = 5.0) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self.db = Database(path)
        self._open = False

    async def _database(self) -> Database:
        """Open (and migrate) on first use: PTB reads persistence before post_init."""
        if not self._open:
            await self.db.open()
            self._open = True
        return self.db

    async def get_user_data(self) -> dict[int, UD]:
        async with (await self._database()).reading() as conn:
            return await rows.user_data(conn)

    async def get_chat_data(self) -> dict[int, UD]:
        return {}

    async def get_bot_data(self) -> UD:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        async with (await self._database()).reading() as conn:
            stored = await rows.conversations(conn, name)
        return {tuple(json.loads(key)): state for key, state in stored.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        async with (await self._database()).transaction() as conn:
            await rows.set_conversation(conn, name, json.dumps(list(key)), new_state)

    async def update_user_data(self, user_id: int, data: UD) -> None:
        async with (await self._database()).transaction() as conn:
            await rows.set_user_data(conn, user_id, data)

    async def drop_user_data(self, user_id: int) -> None:
        async with (await self._database()).transaction() as conn:
            await rows.drop_user_data(conn, user_id)

    async def update_chat_data(self, chat_id: int, data: UD) -> None:
        return None

    async def update_bot_data(self, data: UD) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: UD) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: UD) -> None:
        return None

    async def refresh_bot_data(self, bot_data: UD) -> None:
        return None

    async def flush(self) -> None:
        """Close the connection (PTB calls this at shutdown, after the last update)."""
        await self.db.close()
        self._open = False


class DurableConversation(ConversationHandler[GigContext]):
    """A persistent conversation that stores each step (state and user_data) as it happens.

    Hazard: PTB would store them at its next `update_interval`; a `kill -9` between
    "Reject" and the typed reason would then forget what the reason is for, and the text
    would fall through to the catch-all text handler unanswered.
    """

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, GigContext, Any, Any, Any, Any],
        check_result: Any,
        context: GigContext,
    ) -> object | None:
        result = await super().handle_update(update, application, check_result, context)
        if update.effective_user is not None:
            # PTB marks the user's data for storing only after every handler group has run.
            application.mark_data_for_update_persistence(user_ids=update.effective_user.id)
        await application.update_persistence()
        return result
