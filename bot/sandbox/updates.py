"""Builders of the updates users cause: messages, documents, button presses, membership."""

from __future__ import annotations

import itertools
import time
from typing import Any

from bot.sandbox.files import FileStore
from bot.sandbox.schema import Schema
from bot.sandbox.state import CallbackRecord, SimChat, SimMessage, SimUser, World

JSON = dict[str, Any]

_MEMBER_TYPES = {
    "creator": "ChatMemberOwner",
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "restricted": "ChatMemberRestricted",
    "left": "ChatMemberLeft",
    "kicked": "ChatMemberBanned",
}
_NOT_GRANTED = {"can_be_edited", "can_promote_members", "is_anonymous"}


def member_json(schema: Schema, status: str, user: JSON) -> JSON:
    """Render a ChatMember of the given status, filling its required fields plausibly."""
    type_name = _MEMBER_TYPES.get(status)
    if type_name is None:
        raise ValueError(f"unknown member status {status!r}; use one of {sorted(_MEMBER_TYPES)}")
    out: JSON = {"status": status, "user": user}
    for f in schema.types[type_name]["fields"]:
        name = f["name"]
        if not f["required"] or name in out:
            continue
        if f["types"][0] == "Integer":
            out[name] = 0
        else:
            out[name] = name not in _NOT_GRANTED
    return out


def command_entities(text: str, bot_username: str) -> list[JSON]:
    """Give a leading /command its bot_command entity, as the client does."""
    if not text.startswith("/"):
        return []
    word = text.split(maxsplit=1)[0] if text.strip() else text
    command, _, target = word.partition("@")
    if len(command) < 2 or (target and target.lower() != bot_username.lower()):
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(word.encode("utf-16-le")) // 2}]


class UpdateBuilder:
    """Turn what a simulated user does into stored messages and Update bodies."""

    def __init__(self, world: World, files: FileStore, schema: Schema) -> None:
        self.world = world
        self.files = files
        self.schema = schema
        self._query_ids = itertools.count(1)

    def _chat_for(self, user: SimUser, chat: SimChat | None) -> SimChat:
        if user.id not in self.world.users:
            raise ValueError(f"unknown user {user.id}; add it with add_user()")
        if chat is None:
            self.world.started.add(user.id)
            return self.world.chats[user.id]
        if chat.id not in self.world.chats:
            raise ValueError(f"unknown chat {chat.id}; add it with add_chat()")
        if not chat.is_private and self.world.member_status(chat.id, user.id) in ("left", "kicked"):
            self.world.members[(chat.id, user.id)] = "member"
        return chat

    def _post(self, user: SimUser, chat: SimChat, reply_to: int | None, **fields: Any) -> JSON:
        parent: SimMessage | None = None
        if reply_to is not None:
            parent = self.world.message(chat.id, reply_to)
            if parent is None:
                raise ValueError(f"no message {reply_to} in chat {chat.id} to reply to")
        channel = chat.type == "channel"
        msg = self.world.add_message(
            chat,
            from_bot=False,
            sender=None if channel else user.to_json(),
            sender_chat=chat.to_json() if channel else None,
            reply_to=parent,
            **fields,
        )
        return {"channel_post" if channel else "message": msg.to_json()}

    def message(
        self, user: SimUser, text: str, chat: SimChat | None = None, reply_to: int | None = None
    ) -> JSON:
        """Build a text message from user (a leading /command gets its entity)."""
        target = self._chat_for(user, chat)
        entities = command_entities(text, str(self.world.bot.username))
        return self._post(user, target, reply_to, text=text, entities=entities)

    def document(
        self,
        user: SimUser,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: SimChat | None = None,
        reply_to: int | None = None,
    ) -> JSON:
        """Build a document message from user; the file becomes downloadable via getFile."""
        target = self._chat_for(user, chat)
        stored = self.files.add(filename, content, mime_type)
        entities = command_entities(caption or "", str(self.world.bot.username))
        return self._post(
            user,
            target,
            reply_to,
            document=stored.document_json(),
            caption=caption,
            caption_entities=entities,
        )

    def callback(
        self,
        user: SimUser,
        message_id: int,
        data: str,
        chat: SimChat | None = None,
        check_button: bool = True,
    ) -> JSON:
        """Build a callback_query for an inline button with exactly this callback_data.

        check_button=False skips the check that such a button is on the message: a stale
        keyboard or a modified client can send data the message no longer carries.
        """
        target = self._chat_for(user, chat)
        msg = self.world.message(target.id, message_id)
        if msg is None:
            raise ValueError(f"no message {message_id} in chat {target.id}")
        if check_button and not any(data == cb for row in msg.buttons() for _, cb, _ in row):
            raise ValueError(
                f"message {message_id} in chat {target.id} has no button with callback_data "
                f"{data!r}; its buttons: {msg.buttons()}"
            )
        query_id = f"{user.id}{next(self._query_ids):08d}"
        self.world.callbacks[query_id] = CallbackRecord(user.id)
        return {
            "callback_query": {
                "id": query_id,
                "from": user.to_json(),
                "message": msg.to_json(),
                "chat_instance": str(abs(target.id * 7919) % 10**12),
                "data": data,
            }
        }

    def button_data(
        self, user: SimUser, message_id: int, text: str, chat: SimChat | None = None
    ) -> str:
        """Find the callback_data of the inline button labelled text."""
        chat_id = chat.id if chat else user.id
        msg = self.world.message(chat_id, message_id)
        if msg is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        for row in msg.buttons():
            for label, data, _url in row:
                if label == text and data is not None:
                    return data
        raise ValueError(
            f"message {message_id} in chat {chat_id} has no callback button {text!r}; "
            f"its buttons: {msg.buttons()}"
        )

    def my_chat_member(self, chat: SimChat, old: str, new: str, by: SimUser) -> JSON:
        """Build the bot's own membership change in chat, and apply it."""
        bot = self.world.bot.to_json()
        body = {
            "chat": chat.to_json(),
            "from": by.to_json(),
            "date": int(time.time()),
            "old_chat_member": member_json(self.schema, old, bot),
            "new_chat_member": member_json(self.schema, new, bot),
        }
        self.world.members[(chat.id, self.world.bot.id)] = new
        if chat.is_private:
            if new == "kicked":
                self.world.blocked.add(chat.id)
            else:
                self.world.blocked.discard(chat.id)
                self.world.started.add(chat.id)
        return {"my_chat_member": body}
