"""Render fair-work outbox rows at send time: disputes, their outcome, messages, underpay."""

from __future__ import annotations

from bot.clock import Clock
from bot.domain import Screen
from bot.fair import screens as fair_screens
from bot.fair import texts as fair_texts
from bot.fair.disputes import Disputes
from bot.fair.relay import Relay
from bot.fair.reputation import Reputations
from bot.i18n import Translator
from bot.market.reading import Reading
from storage.db import Database
from storage.usecases import UseCases

COMPACT_TTL_S = 60.0
KINDS = frozenset(
    {"underpaid", "dispute", "dispute_closed", "dispute_expired", "dispute_over", "relay"}
)


class FairNotices(UseCases):
    def __init__(self, db: Database, clock: Clock, reading: Reading) -> None:
        super().__init__(db, clock)
        self.reading = reading
        # Read-only use: rendering needs no settings (limits apply when writing).
        self.reputation = Reputations(db, clock)
        self.disputes = Disputes(db, clock)
        self.relay = Relay(db, clock)
        self._compact: dict[tuple[int, str], tuple[float, str]] = {}

    async def compact_reputation(self, t: Translator, requester_id: int) -> str:
        """The one-line reputation, reused for a minute per language (a push wave shows the
        same line)."""
        now = self.clock.now()
        cached = self._compact.get((requester_id, t.language))
        if cached is not None and now - cached[0] < COMPACT_TTL_S:
            return cached[1]
        found = await self.reputation.card(requester_id)
        line = fair_texts.compact_reputation(t, found) if found else ""
        self._compact[(requester_id, t.language)] = (now, line)
        return line

    async def __call__(self, t: Translator, kind: str, payload: dict[str, object]) -> Screen | None:
        """The screen for one fair-work row, or None when it is no longer worth sending."""
        if kind == "underpaid":
            hit = await self.reading.hit(int(str(payload["hit_id"])))
            if hit is None:
                return None
            measured = (
                int(str(payload["median_s"])),
                int(str(payload["hourly_cents"])),
                int(str(payload["needed_cents"])),
            )
            if payload.get("batch_id") is not None:
                batch_id = int(str(payload["batch_id"]))
                return Screen(
                    fair_texts.underpaid_batch_notice(t, hit.title, batch_id, *measured)
                )
            return Screen(fair_texts.underpaid_notice(t, hit.title, hit.id, *measured))
        if kind == "relay":
            found = await self.relay.read(int(str(payload["message_id"])))
            return fair_screens.relayed(t, found) if found else None
        view = await self.disputes.view(int(str(payload["dispute_id"])))
        if view is None:
            return None
        d = view.dispute
        if kind == "dispute":
            if d.status != "open":
                return None
            due = t.duration(d.due_at - self.clock.now())
            return fair_screens.dispute(t, view, due)
        if kind == "dispute_over":
            return fair_screens.dispute_settled(t, view)
        if kind == "dispute_expired":
            return Screen(
                fair_texts.dispute_expired_notice(t, view.title, view.alias, view.reward_cents)
            )
        return Screen(
            fair_texts.dispute_closed_notice(t, view.title, d.status, view.reward_cents, d.reply)
        )
