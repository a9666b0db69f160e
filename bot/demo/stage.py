"""A stage for scripted users: the real bot on a real database, talking to the simulated
Telegram over HTTP. Updates built by the simulator are fed to the Application one by one
(or, with Stage.open(webhook=True), POSTed by the simulator to gigbot's webhook server),
so each action finishes before the next (tests and `gigbot demo` read like stories).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from telegram import Update

from bot.clock import Clock, FakeClock
from bot.config import Settings
from bot.market.people import new_alias
from bot.runtime.app import build_application, services_of, start_app, stop_app
from bot.runtime.webhook import WebhookServer
from bot.sandbox import Limits, SimMessage, SimTelegram, SimUser
from bot.services import Services
from handlers.common import GigApp

ADMIN_TG_ID = 900_000_001
WEBHOOK_SECRET = "stage-webhook-secret"


class Actor:
    """One person in the simulated Telegram, with the gestures a phone allows."""

    def __init__(self, stage: Stage, user: SimUser) -> None:
        self.stage = stage
        self.user = user
        # The successful_payment update of this person's last payment (to deliver again).
        self.last_payment: dict[str, object] | None = None

    @property
    def tg_id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.first_name

    async def send(self, text: str, *, reply_to: int | None = None) -> None:
        """Type a message (or a /command) in the private chat with the bot."""
        await self.stage.deliver(
            self.stage.sim.message(self.user, text, reply_to=reply_to, enqueue=False)
        )

    async def tap(self, message_id: int, data: str) -> str | None:
        """Press the button with this callback data; return the alert text shown, if any."""
        seen = len(self.stage.sim.alerts(self.user))
        await self.stage.deliver(
            self.stage.sim.callback(self.user, message_id, data, enqueue=False)
        )
        alerts = self.stage.sim.alerts(self.user)[seen:]
        return str(alerts[-1].get("text") or "") if alerts else None

    async def press(self, label: str, message_id: int | None = None) -> str | None:
        """Press the button whose text contains `label` on the given (or latest) message."""
        message = self._message_with(label, message_id)
        for row in message.buttons():
            for text, data, _url in row:
                if label in text and data is not None:
                    return await self.tap(message.message_id, data)
        raise AssertionError(f"{self.name}: no button {label!r} in {message.text!r}")

    async def pay(self, message_id: int | None = None) -> str | None:
        """Press Pay on the invoice (the latest unless given): the bot is asked at
        pre-checkout, and if it agrees the payment goes through. Returns the bot's refusal
        (Telegram shows it in the payment form), or None once paid."""
        if message_id is None:
            invoices = [m for m in self.messages() if m.invoice is not None]
            if not invoices:
                raise AssertionError(f"{self.name} has no invoice to pay")
            message_id = invoices[-1].message_id
        sim = self.stage.sim
        checkout = sim.pay(self.user, message_id, enqueue=False, then_pay=False)
        query_id = str(checkout["pre_checkout_query"]["id"])
        await self.stage.deliver(checkout)
        answer = sim.checkout(query_id)
        if answer.ok is None:
            raise AssertionError(f"{self.name}: the bot did not answer the pre-checkout query")
        if not answer.ok:
            return answer.error_message or ""
        self.last_payment = sim.paid(query_id, enqueue=False)
        await self.stage.deliver(self.last_payment)
        return None

    def _message_with(self, label: str, message_id: int | None) -> SimMessage:
        if message_id is not None:
            return self.stage.sim.message_by_id(self.tg_id, message_id)
        for message in reversed(self.messages()):
            if any(label in text for row in message.buttons() for text, _, _ in row):
                return message
        raise AssertionError(f"{self.name} has no message with a {label!r} button")

    def messages(self) -> list[SimMessage]:
        """Messages from the bot in this user's private chat, oldest first."""
        return [m for m in self.stage.sim.messages(self.tg_id) if m.from_bot and not m.deleted]

    def last(self) -> SimMessage:
        found = self.messages()
        if not found:
            raise AssertionError(f"{self.name} got no message")
        return found[-1]

    def last_text(self) -> str:
        return self.last().text or ""

    def texts(self) -> list[str]:
        return [m.text or "" for m in self.messages()]


class Stage:
    """The simulated Telegram plus the real bot, ready for scripted users."""

    def __init__(
        self,
        sim: SimTelegram,
        app: GigApp,
        clock: Clock,
        webhook: WebhookServer | None = None,
        *,
        owns_sim: bool = True,
    ) -> None:
        self.sim = sim
        self.app = app
        self.clock = clock
        # With a webhook, updates travel as in production behind one: the simulator POSTs
        # each to gigbot's webhook server (bot/runtime/webhook.py) instead of a direct hand-over.
        self.webhook = webhook
        # Tests settle after each update (timers due, outbox flushed) so stories read in
        # order; a benchmark of update handling alone turns it off.
        self.settle_each_update = True
        # A stage from another_process() shares its simulator and leaves it running.
        self.owns_sim = owns_sim

    @classmethod
    async def open(
        cls,
        database: Path | str,
        *,
        clock: Clock | None = None,
        limits: Limits | None = None,
        send_rate: float | None = None,
        mturk_listen: str | None = None,
        min_hourly: float = 0.0,
        offer_up_to: int = 0,
        overrides: dict[str, object] | None = None,
        webhook: bool = False,
        aliases: Callable[[], str] = new_alias,
    ) -> Stage:
        """Start the simulator and the bot on `database` (and the MTurk API if asked).

        The fair-pay floor is off unless `min_hourly` is given: story tests and the demo
        use tiny rewards; tests of the floor turn it on. The bot's send budgets are scaled
        like the simulator's limits; `send_rate` (messages a second overall, absolute)
        overrides the overall budget. `overrides` replaces settings by name (the demo
        turns the real-time wave job off); `aliases` names new users (the demo's seeded ones).
        """
        sim = SimTelegram(limits=limits or Limits())
        await sim.start()
        clock = clock or FakeClock()
        # Limits off: budgets so large they never hold anything back.
        scale = sim.limits.scale if sim.limits.enabled else 1000.0
        update: dict[str, object] = {
            "send_scale": scale,
            "mturk_listen": mturk_listen,
            "min_hourly": min_hourly,
            "offer_up_to": offer_up_to,
        }
        if send_rate is not None:
            update["send_rate"] = send_rate / scale
        update.update(overrides or {})
        made = default_settings(sim, database).model_copy(update=update)
        app = build_application(made, clock, aliases)
        await start_app(app)
        return cls(sim, app, clock, await _serve_webhook(app) if webhook else None)

    async def close(self) -> None:
        if self.webhook is not None:
            await self.webhook.stop()
        await stop_app(self.app)
        if self.owns_sim:
            await self.sim.stop()

    async def another_process(self) -> Stage:
        """A second bot on the same database file and simulated Telegram, as a second
        process behind a load balancer would be (its own Application, services and
        connections); close it before this stage."""
        app = build_application(self.services.settings, self.clock)
        await start_app(app)
        return Stage(self.sim, app, self.clock, owns_sim=False)

    @property
    def services(self) -> Services:
        return services_of(self.app)

    @property
    def mturk_url(self) -> str:
        """Where the MTurk requester API listens (Stage.open(mturk_listen=...))."""
        server = self.app.bot_data["mturk_server"]
        return str(server.url)

    def user(
        self, first_name: str, username: str | None = None, language_code: str | None = "en"
    ) -> Actor:
        return Actor(
            self, self.sim.add_user(first_name, username=username, language_code=language_code)
        )

    def admin(self) -> Actor:
        return Actor(self, self.sim.add_user("Admin", id=ADMIN_TG_ID))

    async def deliver(self, update: dict[str, object]) -> None:
        """Hand one update to the bot, wait for its handlers, then send what is due."""
        await self._hand_over(update)
        if self.settle_each_update:
            await self.settle()

    async def deliver_many(self, updates: list[dict[str, object]]) -> None:
        """Hand many updates to the bot at once (races)."""
        await asyncio.gather(*(self._hand_over(u) for u in updates))
        await self.settle()

    async def _hand_over(self, update: dict[str, object]) -> None:
        """Straight to the Application, or through the webhook; back when handled."""
        if self.webhook is None:
            await self.app.process_update(Update.de_json(update, self.app.bot))
            return
        update_id = int(str(update["update_id"]))
        self.sim.delivery.push(update)
        await self.sim.delivery.taken(update_id)
        await self.webhook.handled(update_id)

    async def settle(self) -> None:
        """Apply what is due by the clock, then send everything the outbox holds now."""
        await self.services.first_waves.settle()
        await self.services.timers.run_due()
        await self.services.broadcaster.flush()


async def _serve_webhook(app: GigApp) -> WebhookServer:
    """gigbot's webhook server on a free local port, registered with the simulator."""
    server = WebhookServer(app, "/telegram-webhook", WEBHOOK_SECRET)
    port = server.start("127.0.0.1", 0)
    await app.bot.set_webhook(
        f"http://127.0.0.1:{port}/telegram-webhook", secret_token=WEBHOOK_SECRET
    )
    return server


def default_settings(sim: SimTelegram, database: Path | str) -> Settings:
    """Settings pointing the bot at the simulator."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        token=sim.token,
        api_url=sim.base_url,
        file_url=sim.base_file_url,
        database=str(database),
        admins=frozenset({ADMIN_TG_ID}),
        # Stories written before timed offers (#11) expect small polls to be races; the
        # offer stories open their stage with the product default (Stage.open(offer_up_to=5)).
        offer_up_to=0,
    )
