"""python-telegram-bot persistence on gigbot's SQLite file, shared by every bot process.

Only conversation states and user_data are kept (a survey being written survives a
restart); bot_data holds live services and is never persisted. Why not PicklePersistence:
a pickle beside the database is a second store that can disagree with it after a crash,
is unreadable by other processes, and rewrites the whole file on each flush; rows in the
same SQLite file (WAL) are written per changed key and visible to every bot process.

Writing: a DurableConversation stores each of its steps (state and user_data) at once, so
neither a `kill -9` nor another process ever sees an older step (money is in the ledger
anyway). PTB also writes, every `update_interval` seconds and at shutdown, the user_data
of every user who sent an update; a copy equal to what this process last read or wrote is
not written (it would undo what another process stored since).

Reading: PTB loads everything once, at start. Several processes on one database (webhook
behind a load balancer: Reject tapped on one, the reason typed on another) each hold a
copy, so before each update that a durable conversation could take (any of its entry
points, state handlers or fallbacks would: a typed text, /cancel, a Reject or Dispute
button...) `SharedState.load` reads, in ONE SELECT, that update's stored state in each
such conversation and the user's user_data. It is a TypeHandler in the first handler group
(handlers/__init__.py: SHARED_STATE), because ConversationHandler.check_update is synchronous and
cannot read. A missing row means no conversation, so one ended on another process is over
here too. A copy this process has changed but not yet stored (an update in flight) is
never replaced by such a read.

One step at a time per user: a reply goes out inside the handler, before PTB stores the
step it took, so a quick answer handled by another process could find the step before it
(the labels of a batch answered with "Please send the items as a file" after the file was
read). So for an update a durable conversation could take, SharedState.load first holds the
user's step: in this process (one such update of a user at a time) and in the database
(the user's conversation_steps row), waiting while another process holds it; StepDone, the
last handler group, lets it go once the update is done and its step stored. A process
killed mid-step holds its user's next step STEP_HOLD_S at most.

Hazard: user_data is conversation scratch space. It is fresh in the handlers of durable
conversations only; anywhere else it may be an older copy than another process's (read it
there, and add that handler's updates to what SharedState loads for). PTB's own hook for
this, `refresh_user_data`, runs before every update: a SELECT for each press no
conversation takes cost 5-15% of bench/bench_core_loop.py's accept/answer/submit rate
(long polling fell to 0.49-0.53 x the echo bot, at the 0.5 target).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import secrets
import socket
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    BasePersistence,
    ConversationHandler,
    PersistenceInput,
)
from telegram.ext._utils.trackingdict import TrackingDict
from telegram.ext._utils.types import ConversationDict, ConversationKey

from handlers.common import GigContext
from storage import persistence as rows
from storage.db import Database, retrying

UD = dict[Any, Any]
log = logging.getLogger(__name__)

STEP_HOLD_S = 10.0  # real seconds a user's step stays held by a process that stopped mid-step
STEP_POLL_S = 0.02  # how often a process waiting for another's step looks again


def _key_text(key: ConversationKey) -> str:
    return json.dumps(list(key))


def _takes(check: object) -> bool:
    """A handler's check_update result means it would handle the update (PTB's own test)."""
    return check is not None and check is not False


class SqlitePersistence(BasePersistence[UD, UD, UD]):
    """Conversations and user_data in the conversation_* tables, own connection."""

    def __init__(self, path: Path | str, update_interval: float = 5.0) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self.db = Database(path)
        self._open = False
        self._opening = asyncio.Lock()  # PTB reads several things at once at initialize
        # What this process last read from or wrote to the database: a copy equal to it
        # holds nothing new; one that differs holds a step not yet stored.
        self._users: dict[int, UD] = {}
        self._states: dict[tuple[str, str], object] = {}
        # Who this process is to other processes, and the users whose step it holds.
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._steps: dict[int, tuple[asyncio.Lock, int]] = {}  # user: lock, updates using it
        self._holding: dict[int, int] = {}  # user: the update holding their step here
        self.waited_for_a_step = asyncio.Event()  # set once an update here waited for another's

    async def _database(self) -> Database:
        """Open (and migrate) on first use: PTB reads persistence before post_init, several
        reads at once (opened twice, the second connection raced the first's migrations)."""
        async with self._opening:
            if not self._open:
                await self.db.open()
                self._open = True
        return self.db

    async def get_user_data(self) -> dict[int, UD]:
        async with (await self._database()).reading() as conn:
            stored = await rows.user_data(conn)
        self._users = copy.deepcopy(stored)
        return stored

    async def get_chat_data(self) -> dict[int, UD]:
        return {}

    async def get_bot_data(self) -> UD:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        async with (await self._database()).reading() as conn:
            stored = await rows.conversations(conn, name)
        self._states.update({(name, key): state for key, state in stored.items()})
        return {tuple(json.loads(key)): state for key, state in stored.items()}

    @retrying
    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        async with (await self._database()).transaction() as conn:
            await rows.set_conversation(conn, name, _key_text(key), new_state)
        self._remember_state((name, _key_text(key)), new_state)

    @retrying
    async def update_user_data(self, user_id: int, data: UD) -> None:
        """Store one user's data, unless it is what this process last read or wrote."""
        if data == self._users.get(user_id, {}):
            return
        async with (await self._database()).transaction() as conn:
            await rows.set_user_data(conn, user_id, data)
        self._remember_user(user_id, copy.deepcopy(data))

    @retrying
    async def drop_user_data(self, user_id: int) -> None:
        async with (await self._database()).transaction() as conn:
            await rows.drop_user_data(conn, user_id)
        self._remember_user(user_id, {})

    def _remember_user(self, user_id: int, data: UD) -> None:
        """Note what is stored for this user; nothing (the usual case) takes no memory."""
        if data:
            self._users[user_id] = data
        else:
            self._users.pop(user_id, None)

    def _remember_state(self, at: tuple[str, str], state: object | None) -> None:
        if state is None:
            self._states.pop(at, None)
        else:
            self._states[at] = state

    async def update_chat_data(self, chat_id: int, data: UD) -> None:
        return None

    async def update_bot_data(self, data: UD) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: UD) -> None:
        """Nothing here: SharedState reads user_data with the conversation states."""
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: UD) -> None:
        return None

    async def refresh_bot_data(self, bot_data: UD) -> None:
        return None

    async def refresh(
        self,
        wanted: list[tuple[DurableConversation, ConversationKey]],
        user_id: int | None,
        user_data: UD | None,
    ) -> None:
        """Take the stored states of these conversations at these keys, and the user's
        data, in one SELECT."""
        names = sorted({conversation.title for conversation, _ in wanted})
        keys = sorted({_key_text(key) for _, key in wanted})
        async with (await self._database()).reading() as conn:
            states, data = await rows.shared_state(conn, names, keys, user_id)
            # Still under the lock, so none of this process's writes lands in between.
            for conversation, key in wanted:
                at = (conversation.title, _key_text(key))
                if conversation.state_at(key) != self._states.get(at):
                    continue  # a step taken here by an update in flight, stored when it ends
                self._remember_state(at, states.get(at))
                conversation.take_stored(key, states.get(at))
            if user_id is None or user_data is None:
                return
            if user_data != self._users.get(user_id, {}):
                return  # changed here by an update in flight, and stored when it ends
            self._remember_user(user_id, data)
            user_data.clear()
            user_data.update(copy.deepcopy(data))

    async def begin_step(self, user_id: int, update_id: int) -> None:
        """Hold this user's conversation step for this update, once no other update here
        or in another process holds it (it is stored first) or the hold ran out."""
        lock, using = self._steps.get(user_id, (asyncio.Lock(), 0))
        self._steps[user_id] = (lock, using + 1)
        try:
            await asyncio.wait_for(lock.acquire(), STEP_HOLD_S)
        except TimeoutError:  # an update here never let go: as if it had
            log.warning("user %s's conversation step was held too long here", user_id)
            self._unuse(user_id)
            return
        self._holding[user_id] = update_id
        try:
            db = await self._database()
            while True:
                now = time.time()
                async with db.transaction() as conn:
                    if await rows.claim_step(conn, user_id, self.holder, now, now + STEP_HOLD_S):
                        return
                self.waited_for_a_step.set()
                await asyncio.sleep(STEP_POLL_S)
        except BaseException:
            await self.end_step(user_id, update_id)
            raise

    @retrying
    async def end_step(self, user_id: int, update_id: int) -> None:
        """The update is done (its step stored): the user's next one may be taken anywhere."""
        if self._holding.get(user_id) != update_id:
            return
        del self._holding[user_id]
        try:
            async with (await self._database()).transaction() as conn:
                await rows.release_step(conn, user_id, self.holder)
        except Exception:  # the hold runs out by itself
            log.warning("could not release user %s's conversation step", user_id, exc_info=True)
        finally:
            self._steps[user_id][0].release()
            self._unuse(user_id)

    def _unuse(self, user_id: int) -> None:
        lock, using = self._steps[user_id]
        if using == 1:
            del self._steps[user_id]
        else:
            self._steps[user_id] = (lock, using - 1)

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

    @property
    def title(self) -> str:
        """The name its states are stored under (a persistent conversation has one)."""
        assert self.name is not None
        return self.name

    def could_handle(self, update: Update) -> bool:
        """Whether any of its handlers, in any state, would take this update: if none
        would, check_update ignores it whatever the stored state is."""
        candidates = [*self.entry_points, *self.fallbacks]
        candidates.extend(h for handlers in self.states.values() for h in handlers)
        return any(_takes(h.check_update(update)) for h in candidates)

    # The only use of PTB internals (python-telegram-bot 22): `_get_key`, the key PTB
    # files an update under (per_chat / per_user / per_message), and `_conversations`,
    # the TrackingDict of states by key (once persistence is initialised). Writing its
    # `.data` does not mark the key to be written back, like PTB's own loading at start
    # (`update_no_track`).

    def key_for(self, update: Update) -> ConversationKey | None:
        """The key check_update would look this update up by; None if it would not look."""
        if update.channel_post or update.edited_channel_post:
            return None
        try:
            return self._get_key(update)
        except RuntimeError:  # no chat, user or message to build the key from
            return None

    def state_at(self, key: ConversationKey) -> object | None:
        return self._conversations.get(key)

    def take_stored(self, key: ConversationKey, state: object | None) -> None:
        """Be in the stored `state` at `key`; None: no conversation there."""
        tracked = self._conversations
        assert isinstance(tracked, TrackingDict), "a persistent conversation, initialised"
        states = tracked.data
        if state is None:
            states.pop(key, None)
        else:
            states[key] = state


def keyed(
    conversations: list[DurableConversation], update: Update
) -> list[tuple[DurableConversation, ConversationKey]]:
    """Each conversation that files this update under a key, with that key."""
    return [(c, key) for c in conversations if (key := c.key_for(update)) is not None]


class StoredConversations:
    """Some durable conversations, and the persistence their stored states are read from."""

    def __init__(
        self, persistence: SqlitePersistence, conversations: list[DurableConversation]
    ) -> None:
        self.persistence = persistence
        self.conversations = conversations


class SharedState(StoredConversations):
    """Before each update, the stored states of the durable conversations it could reach."""

    async def load(self, update: Update, context: GigContext) -> None:
        """Nothing the user sees: the handlers after this one see the stored states."""
        wanted = [
            (conversation, key)
            for conversation, key in keyed(self.conversations, update)
            if conversation.could_handle(update)
        ]
        if wanted:
            user = update.effective_user
            if user is not None:  # StepDone lets it go when the update is done
                await self.persistence.begin_step(user.id, update.update_id)
            await self.persistence.refresh(wanted, user.id if user else None, context.user_data)


class StepDone(StoredConversations):
    """After every other handler group: the update is done, its conversation step stored."""

    async def end(self, update: Update, context: GigContext) -> None:
        """Nothing the user sees: another process may now take the user's next step."""
        user = update.effective_user
        if user is not None:
            await self.persistence.end_step(user.id, update.update_id)
