"""The Bot API methods the simulated Telegram answers, with Telegram's own errors."""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox.delivery import ConflictError, Delivery
from bot.sandbox.files import FileStore, StoredFile, Upload
from bot.sandbox.html import HtmlError, parse_html, strip_text, utf16_len
from bot.sandbox.limits import Limits, RateLimiter
from bot.sandbox.markup import check_markup
from bot.sandbox.schema import Schema
from bot.sandbox.state import JSON, Call, Charge, Checkout, Records, SimChat, SimMessage, World
from bot.sandbox.updates import member_json

Handler = Callable[[JSON], Awaitable[Any]]

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
STARS = "XTR"
_ADMIN = ("creator", "administrator")


class ApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram's description, optional retry_after."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad(description: str) -> ApiError:
    """Make a 400 Bad Request."""
    return ApiError(400, f"Bad Request: {description}")


class BotApi:
    """Answer Bot API calls against the world; one coroutine per method."""

    def __init__(
        self,
        world: World,
        files: FileStore,
        schema: Schema,
        limits: Limits,
        records: Records,
        delivery: Delivery,
    ) -> None:
        self.world = world
        self.files = files
        self.schema = schema
        self.limits = limits
        self.limiter = RateLimiter(limits)
        self.records = records
        self.delivery = delivery
        # Updates a call causes (a payment after an ok pre-checkout answer, a refund's
        # service message); SimTelegram sets it to build and queue them.
        self.emit: Callable[[JSON], None] = lambda body: None
        self._charge_ids = itertools.count(1)
        self.bot_json: JSON = {
            **world.bot.to_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.ok,
            "close": self.ok,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "sendChatAction": self.send_chat_action,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getMyCommands": self.get_my_commands,
            "setMyDescription": self.ok,
            "setMyShortDescription": self.ok,
            "setMyName": self.ok,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
            "leaveChat": self.leave_chat,
            "setChatMenuButton": self.ok,
            "pinChatMessage": self.pin_chat_message,
            "sendInvoice": self.send_invoice,
            "answerPreCheckoutQuery": self.answer_pre_checkout_query,
            "refundStarPayment": self.refund_star_payment,
            "unpinChatMessage": self.ok,
        }

    async def call(self, method: str, raw: JSON) -> tuple[int, JSON]:
        """Check and run one call; return the HTTP status and the JSON answer."""
        name = self.schema.method_name(method)
        if name is None or name not in self.handlers:
            what = "unknown method" if name is None else "method not simulated"
            self._schema_problem(f"{method}: {what}")
            return self._answer(method, raw, ApiError(404, "Not Found"))
        decoded = self.schema.decode_params(name, raw)
        for problem in decoded.problems(name):
            self._schema_problem(problem)
        params = {**{k: raw[k] for k in decoded.unknown}, **decoded.params}
        if decoded.missing:
            missing = decoded.missing[0]
            what = "message text is empty" if missing == "text" else f"{missing} is empty"
            return self._answer(name, params, bad(what))
        if decoded.wrong:
            return self._answer(name, params, bad(f"can't parse {decoded.wrong[0]}"))
        try:
            result = await self.handlers[name](params)
        except ApiError as err:
            return self._answer(name, params, err)
        except ConflictError as err:
            return self._answer(name, params, ApiError(409, str(err)))
        return self._answer(name, params, result)

    def _schema_problem(self, problem: str) -> None:
        self.records.schema_errors.append(problem)
        self.records.violations.append(problem)

    def _answer(self, method: str, params: JSON, result: Any) -> tuple[int, JSON]:
        now = time.monotonic()
        if not isinstance(result, ApiError):
            self.records.add_call(Call(method, params, True, at=now))
            return 200, {"ok": True, "result": result}
        err = result
        self.records.add_call(Call(method, params, False, err.code, err.description, now))
        body: JSON = {"ok": False, "error_code": err.code, "description": err.description}
        if err.retry_after is not None:
            body["parameters"] = {"retry_after": err.retry_after}
            self.records.violations.append(
                f"{method}: rate limit in chat {params.get('chat_id')}: {err.description}"
            )
        return err.code, body

    # -- helpers ---------------------------------------------------------------------------

    def _chat(self, ref: Any) -> SimChat:
        chat = self.world.find_chat(ref)
        if chat is None:
            raise bad("chat not found")
        return chat

    def _writable(self, ref: Any) -> SimChat:
        """Resolve a chat the bot wants to write to, or raise Telegram's refusal."""
        chat = self._chat(ref)
        if chat.is_private:
            if chat.id in self.world.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat.id not in self.world.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            return chat
        status = self.world.member_status(chat.id, self.world.bot.id)
        if chat.type == "channel":
            if status in ("left", "kicked"):
                raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
            if status not in _ADMIN:
                raise bad("need administrator rights in the channel chat")
        elif status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        elif status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _rate(self, chat: SimChat) -> None:
        retry = self.limiter.acquire(chat.id, chat.is_private, time.monotonic())
        if retry is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)

    def _formatted(
        self, params: JSON, key: str, entities_key: str, limit: int, too_long: str
    ) -> tuple[str, list[JSON]]:
        text = str(params.get(key, ""))
        entities: list[JSON] = list(params.get(entities_key) or [])
        mode = str(params.get("parse_mode") or "").lower()
        if mode == "html":
            try:
                text, entities = parse_html(text)
            except HtmlError as err:
                raise bad(str(err)) from None
        text, entities = strip_text(text, entities)
        if utf16_len(text) > limit:  # Telegram counts UTF-16 code units: an emoji is two
            raise bad(too_long)
        return text, entities

    def _text(self, params: JSON) -> tuple[str, list[JSON]]:
        text, entities = self._formatted(
            params, "text", "entities", self.limits.text_max, "message is too long"
        )
        if not text:
            raise bad("message text is empty")
        return text, entities

    def _caption(self, params: JSON) -> tuple[str | None, list[JSON]]:
        if "caption" not in params:
            return None, []
        text, entities = self._formatted(
            params,
            "caption",
            "caption_entities",
            self.limits.caption_max,
            "message caption is too long",
        )
        return text or None, entities

    def _markup(self, params: JSON, inline_only: bool = False) -> JSON | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if inline_only and "inline_keyboard" not in markup:
            raise bad("inline keyboard expected")
        problem = check_markup(markup, self.limits)
        if problem:
            raise bad(problem)
        return dict(markup)

    def _reply_to(self, chat: SimChat, params: JSON) -> SimMessage | None:
        reply = params.get("reply_parameters")
        if not reply:
            return None
        target_chat = chat if "chat_id" not in reply else self._chat(reply["chat_id"])
        msg = self.world.message(target_chat.id, int(reply["message_id"]))
        if msg is None and not reply.get("allow_sending_without_reply"):
            raise bad("message to be replied not found")
        return msg

    def _own_message(self, params: JSON, missing: str) -> tuple[SimChat, SimMessage]:
        if "inline_message_id" in params or "chat_id" not in params or "message_id" not in params:
            raise bad(missing)
        chat = self._writable(params["chat_id"])
        msg = self.world.message(chat.id, int(params["message_id"]))
        if msg is None:
            raise bad(missing)
        if not msg.from_bot:
            raise bad("message can't be edited")
        return chat, msg

    def _send(self, chat: SimChat, params: JSON, **fields: Any) -> JSON:
        """Store a bot message after the rate limiter agreed."""
        reply_to = self._reply_to(chat, params)
        self._rate(chat)
        channel = chat.type == "channel"
        msg = self.world.add_message(
            chat,
            from_bot=True,
            sender=None if channel else self.world.bot.to_json(),
            sender_chat=chat.to_json() if channel else None,
            reply_to=reply_to,
            reply_markup=self._markup(params),
            **fields,
        )
        return msg.to_json()

    def _file(self, value: Any, kind: str, default_name: str) -> StoredFile:
        if isinstance(value, Upload):
            return self.files.add(
                value.filename or default_name, value.content, value.mime_type, kind
            )
        text = str(value)
        stored = self.files.get(text)
        if stored is not None:
            return stored
        if text.startswith(("http://", "https://")):
            name = text.rstrip("/").rsplit("/", 1)[-1] or default_name
            return self.files.add(name, b"", None, kind)
        raise bad("wrong file identifier/HTTP URL specified")

    # -- methods ---------------------------------------------------------------------------

    async def ok(self, params: JSON) -> bool:
        """Accept a call that changes nothing the sim tracks."""
        return True

    async def get_me(self, params: JSON) -> JSON:
        """Return the bot's User."""
        return self.bot_json

    async def get_updates(self, params: JSON) -> list[JSON]:
        """Long-poll the update queue."""
        return await self.delivery.get_updates(
            params.get("offset"),
            int(params.get("limit", 100)),
            float(params.get("timeout", 0)),
            params.get("allowed_updates"),
        )

    async def set_webhook(self, params: JSON) -> bool:
        """Start pushing updates to a URL."""
        self.delivery.set_webhook(
            str(params["url"]),
            params.get("secret_token"),
            params.get("allowed_updates"),
            bool(params.get("drop_pending_updates", False)),
            int(params.get("max_connections", 40)),
            params.get("ip_address"),
        )
        return True

    async def delete_webhook(self, params: JSON) -> bool:
        """Stop pushing updates."""
        self.delivery.delete_webhook(bool(params.get("drop_pending_updates", False)))
        return True

    async def get_webhook_info(self, params: JSON) -> JSON:
        """Describe the webhook."""
        return self.delivery.webhook_info()

    async def send_message(self, params: JSON) -> JSON:
        """Send a text message."""
        chat = self._writable(params["chat_id"])
        text, entities = self._text(params)
        self._markup(params)
        return self._send(chat, params, text=text, entities=entities)

    async def send_document(self, params: JSON) -> JSON:
        """Send a document (upload, file_id or URL)."""
        chat = self._writable(params["chat_id"])
        caption, entities = self._caption(params)
        self._markup(params)
        stored = self._file(params["document"], "documents", "document")
        return self._send(
            chat,
            params,
            document=stored.document_json(),
            caption=caption,
            caption_entities=entities,
        )

    async def send_photo(self, params: JSON) -> JSON:
        """Send a photo (upload, file_id or URL)."""
        chat = self._writable(params["chat_id"])
        caption, entities = self._caption(params)
        self._markup(params)
        stored = self._file(params["photo"], "photos", "photo.jpg")
        return self._send(
            chat, params, photo=stored.photo_json(), caption=caption, caption_entities=entities
        )

    async def send_chat_action(self, params: JSON) -> bool:
        """Show 'typing…' (nothing is stored)."""
        self._writable(params["chat_id"])
        return True

    async def edit_message_text(self, params: JSON) -> JSON:
        """Replace a bot message's text (and its inline keyboard: absent means removed)."""
        chat, msg = self._own_message(params, "message to edit not found")
        if msg.text is None:
            raise bad("there is no text in the message to edit")
        text, entities = self._text(params)
        markup = self._markup(params, inline_only=True)
        if text == msg.text and entities == msg.entities and markup == msg.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        self._rate(chat)
        msg.text, msg.entities, msg.reply_markup = text, entities, markup
        return self._edited(msg)

    async def edit_message_reply_markup(self, params: JSON) -> JSON:
        """Replace a bot message's inline keyboard."""
        chat, msg = self._own_message(params, "message to edit not found")
        markup = self._markup(params, inline_only=True)
        if markup == msg.reply_markup or (not markup and not msg.reply_markup):
            raise ApiError(400, NOT_MODIFIED)
        self._rate(chat)
        msg.reply_markup = markup
        return self._edited(msg)

    def _edited(self, msg: SimMessage) -> JSON:
        msg.edits += 1
        msg.edit_date = int(time.time())
        return msg.to_json()

    async def delete_message(self, params: JSON) -> bool:
        """Delete a message."""
        chat = self._chat(params["chat_id"])
        msg = self.world.message(chat.id, int(params["message_id"]))
        if msg is None:
            raise bad("message to delete not found")
        msg.deleted = True
        return True

    async def answer_callback_query(self, params: JSON) -> bool:
        """Answer a button press, once, within 200 characters."""
        record = self.world.callbacks.get(str(params["callback_query_id"]))
        if record is None or record.answered:
            raise ApiError(400, QUERY_INVALID)
        text = params.get("text")
        if text is not None and utf16_len(str(text)) > self.limits.answer_max:
            raise bad("MESSAGE_TOO_LONG")
        record.answered = True
        self.records.alerts.setdefault(record.user_id, []).append(
            {"text": text, "show_alert": bool(params.get("show_alert", False))}
        )
        return True

    async def get_file(self, params: JSON) -> JSON:
        """Describe a file and where to download it."""
        stored = self.files.get(str(params["file_id"]))
        if stored is None:
            raise bad("invalid file_id")
        return stored.file_json()

    @staticmethod
    def _commands_key(params: JSON) -> str:
        """The menu's key: its scope, and its language when one is given: botapi.json says
        "a two-letter ISO 639-1 language code" ("es", not "es-419" or "Spanish")."""
        key = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        lang = params.get("language_code")
        if lang and not (len(str(lang)) == 2 and str(lang).isascii() and str(lang).islower()):
            raise bad("language_code must be a two-letter ISO 639-1 code")
        return f"{key}|{lang}" if lang else key

    async def set_my_commands(self, params: JSON) -> bool:
        """Store the command menu for a scope."""
        commands: list[JSON] = params["commands"]
        if len(commands) > 100:
            raise bad("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            name = str(command["command"])
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command["description"])) <= 256:
                raise bad("command description must be non-empty")
        self.records.commands[self._commands_key(params)] = list(commands)
        return True

    async def delete_my_commands(self, params: JSON) -> bool:
        """Forget the command menu for a scope."""
        self.records.commands.pop(self._commands_key(params), None)
        return True

    async def get_my_commands(self, params: JSON) -> list[JSON]:
        """Return the command menu for a scope."""
        return self.records.commands.get(self._commands_key(params), [])

    async def get_chat(self, params: JSON) -> JSON:
        """Return ChatFullInfo."""
        chat = self._chat(params["chat_id"])
        return {
            **chat.to_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _user_json(self, user_id: int) -> JSON:
        if user_id == self.world.bot.id:
            return self.world.bot.to_json()
        user = self.world.users.get(user_id)
        if user is None:
            raise bad("user not found")
        return user.to_json()

    async def get_chat_member(self, params: JSON) -> JSON:
        """Return a user's membership in a chat."""
        chat = self._chat(params["chat_id"])
        user_id = int(params["user_id"])
        user = self._user_json(user_id)
        if chat.is_private:
            status = "member" if user_id in (chat.id, self.world.bot.id) else "left"
        else:
            status = self.world.member_status(chat.id, user_id)
        return member_json(self.schema, status, user)

    async def get_chat_administrators(self, params: JSON) -> list[JSON]:
        """List the chat's owner and administrators."""
        chat = self._chat(params["chat_id"])
        if chat.is_private:
            raise bad("there are no administrators in the private chat")
        return [
            member_json(self.schema, status, self._user_json(user_id))
            for (chat_id, user_id), status in self.world.members.items()
            if chat_id == chat.id and status in _ADMIN
        ]

    async def leave_chat(self, params: JSON) -> bool:
        """Make the bot leave a group or channel."""
        chat = self._chat(params["chat_id"])
        if chat.is_private:
            raise bad("chat member status can't be changed in private chats")
        self.world.members[(chat.id, self.world.bot.id)] = "left"
        return True

    async def pin_chat_message(self, params: JSON) -> bool:
        """Pin a message."""
        chat = self._writable(params["chat_id"])
        msg = self.world.message(chat.id, int(params["message_id"]))
        if msg is None:
            raise bad("message to pin not found")
        msg.pinned = True
        self.world.pinned[chat.id] = msg.message_id
        return True

    # -- payments --------------------------------------------------------------------------

    async def send_invoice(self, params: JSON) -> JSON:
        """Send an invoice: Telegram Stars (XTR, no provider token, one price) or a fiat
        currency through a payment provider's token."""
        chat = self._writable(params["chat_id"])
        title, description = str(params["title"]), str(params["description"])
        if not 1 <= utf16_len(title) <= 32:
            raise bad("INVOICE_TITLE_INVALID: title must be 1-32 characters")
        if not 1 <= utf16_len(description) <= 255:
            raise bad("INVOICE_DESCRIPTION_INVALID: description must be 1-255 characters")
        payload = str(params["payload"])
        if not 1 <= len(payload.encode()) <= 128:
            raise bad("INVOICE_PAYLOAD_INVALID: payload must be 1-128 bytes")
        currency = str(params["currency"])
        prices: list[JSON] = list(params["prices"])
        token = str(params.get("provider_token") or "")
        if currency == STARS:
            if token:
                raise bad("PAYMENT_PROVIDER_INVALID: pass an empty provider_token for Stars")
            if len(prices) != 1:
                raise bad("STARS_INVOICE_INVALID: exactly one price for Telegram Stars")
            if params.get("max_tip_amount") or params.get("suggested_tip_amounts"):
                raise bad("STARS_INVOICE_INVALID: no tips in Telegram Stars")
        elif not token:
            raise bad("PAYMENT_PROVIDER_INVALID")
        elif len(currency) != 3 or not currency.isupper():
            raise bad("CURRENCY_INVALID")
        if not prices or any(int(p["amount"]) <= 0 for p in prices):
            raise bad("CURRENCY_TOTAL_AMOUNT_INVALID")
        markup = self._markup(params, inline_only=True)
        if markup is not None:
            first = (markup.get("inline_keyboard") or [[{}]])[0][0]
            if not first.get("pay"):
                raise bad("the first button of an invoice must be a Pay button")
        invoice = {
            "title": title,
            "description": description,
            "start_parameter": str(params.get("start_parameter") or ""),
            "currency": currency,
            "total_amount": sum(int(p["amount"]) for p in prices),
        }
        return self._send(chat, params, invoice=invoice, invoice_payload=payload)

    def checkout(
        self, user_id: int, chat_id: int, message_id: int, pay_when_ok: bool
    ) -> tuple[str, JSON]:
        """The user pressed Pay on the invoice (in their chat, or one forwarded elsewhere):
        a new pre_checkout_query (id, body)."""
        msg = self.world.message(chat_id, message_id)
        if msg is None or msg.invoice is None or msg.invoice_payload is None:
            raise ValueError(f"no invoice {message_id} in chat {chat_id}")
        query_id = secrets.token_hex(8)
        invoice = msg.invoice
        self.world.checkouts[query_id] = Checkout(
            user_id,
            message_id,
            str(invoice["currency"]),
            int(invoice["total_amount"]),
            msg.invoice_payload,
            time.monotonic(),
            pay_when_ok,
        )
        body = {
            "id": query_id,
            "from": self._user_json(user_id),
            "currency": invoice["currency"],
            "total_amount": invoice["total_amount"],
            "invoice_payload": msg.invoice_payload,
        }
        return query_id, {"pre_checkout_query": body}

    def paid(self, query_id: str) -> JSON:
        """The payment of a checkout answered ok goes through: the service message in the
        user's chat carrying successful_payment (as an update body)."""
        checkout = self.world.checkouts[query_id]
        if checkout.ok is not True:
            raise ValueError(f"checkout {query_id} was not answered ok: {checkout}")
        stars = checkout.currency == STARS
        charge_id = f"{'stx' if stars else 'tch'}{next(self._charge_ids):06d}{query_id[:6]}"
        provider_id = "" if stars else f"prv{charge_id}"
        self.world.charges[charge_id] = Charge(
            checkout.user_id,
            checkout.currency,
            checkout.total_amount,
            checkout.payload,
            provider_id,
        )
        payment = {
            "currency": checkout.currency,
            "total_amount": checkout.total_amount,
            "invoice_payload": checkout.payload,
            "telegram_payment_charge_id": charge_id,
            "provider_payment_charge_id": provider_id,
        }
        return self._service_message(checkout.user_id, successful_payment=payment)

    def _service_message(self, user_id: int, **fields: Any) -> JSON:
        chat = self._chat(user_id)
        user = self._user_json(user_id)
        msg = self.world.add_message(chat, from_bot=False, sender=user, **fields)
        return {"message": msg.to_json()}

    async def answer_pre_checkout_query(self, params: JSON) -> bool:
        """Answer a pre-checkout query once, within 10 seconds; a refusal says why."""
        checkout = self.world.checkouts.get(str(params["pre_checkout_query_id"]))
        if checkout is None or checkout.ok is not None:
            raise bad("QUERY_ID_INVALID")
        waited = time.monotonic() - checkout.made_at
        if waited > self.limits.checkout_answer_s:
            self.records.violations.append(
                f"answerPreCheckoutQuery after {waited:.1f} s (Telegram waits "
                f"{self.limits.checkout_answer_s:.0f} s)"
            )
            raise bad("QUERY_ID_INVALID")
        ok = bool(params["ok"])
        error = params.get("error_message")
        if not ok and not error:
            raise bad("error_message is required when ok is false")
        checkout.ok, checkout.error_message = ok, (None if ok else str(error))
        if ok and checkout.pay_when_ok:
            self.emit(self.paid(str(params["pre_checkout_query_id"])))
        return True

    async def refund_star_payment(self, params: JSON) -> bool:
        """Give a user back the Stars of a payment, once; Telegram then posts a
        refunded_payment service message in their chat."""
        charge_id = str(params["telegram_payment_charge_id"])
        charge = self.world.charges.get(charge_id)
        if charge is None or charge.user_id != int(params["user_id"]):
            raise bad("CHARGE_NOT_FOUND")
        if charge.currency != STARS:
            raise bad("CHARGE_NOT_FOUND: only Telegram Stars payments are refunded this way")
        if charge.refunded:
            raise bad("CHARGE_ALREADY_REFUNDED")
        charge.refunded = True
        refund = {
            "currency": charge.currency,
            "total_amount": charge.total_amount,
            "invoice_payload": charge.payload,
            "telegram_payment_charge_id": charge_id,
        }
        self.emit(self._service_message(charge.user_id, refunded_payment=refund))
        return True
