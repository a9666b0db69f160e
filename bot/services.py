"""The one composition root: every service built through its constructor, in dependency
order; opened in post_init and closed in post_shutdown.

Two things exist only once the bot runs, and are wired in as objects now: the real-time
scheduler (attached to `agenda` at start-up, bot/deadlines/timers.py) and the values
start-up learns (`bot_username`, `web_address`: bot/config.py Later).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Later, Settings
from bot.deadlines.holds import Holds
from bot.deadlines.timers import Agenda, Timers
from bot.delivery.channels import Channels
from bot.delivery.notices import Notices
from bot.delivery.outbox import Broadcaster, Sender
from bot.delivery.pacing import SendLimits
from bot.fair.fairwork import FairWork, floor_cents
from bot.market.accounts import Accounts
from bot.market.first_waves import FirstWaves
from bot.market.market import Market
from bot.market.people import new_alias
from bot.matching.fanout import FanOut
from bot.matching.qualifications import Qualifications
from bot.matching.waves import Matcher, Waves
from bot.money.deposits import Deposits, DepositTerms
from bot.money.payouts import Payouts
from bot.mturk.api import RequesterApi
from bot.mturk.keys import ApiKeys
from bot.mturk.ops import Operations
from bot.mturk.people import PeopleOps
from bot.mturk.webtasks import WebTasks
from bot.requesting.tools import Requesting
from bot.work.desk import WorkerDesk
from bot.work.tagging import BatchWork
from storage.db import Database


@dataclass(frozen=True)
class Services:
    """Everything handlers reach through GigContext."""

    settings: Settings
    clock: Clock
    db: Database
    market: Market
    accounts: Accounts
    desk: WorkerDesk
    batch_work: BatchWork
    matcher: Matcher
    qualifications: Qualifications
    agenda: Agenda
    timers: Timers
    holds: Holds
    requesting: Requesting
    fair: FairWork
    channels: Channels
    broadcaster: Broadcaster
    first_waves: FirstWaves
    api_keys: ApiKeys
    web_tasks: WebTasks
    mturk_api: RequesterApi
    deposits: Deposits
    payouts: Payouts
    bot_username: Later[str]  # from getMe, at start-up
    errors: list[BaseException]  # of background work (first waves), for tests to see

    @classmethod
    def build(
        cls,
        settings: Settings,
        clock: Clock,
        sender: Sender,
        *,
        aliases: Callable[[], str] = new_alias,
    ) -> Services:
        """Wire the services (nothing is opened yet); `aliases` names new users."""
        db = Database(settings.database, same_cpu=settings.same_cpu)
        # Rung after a commit that queued messages; the broadcaster wakes up to send them.
        outbox_bell = asyncio.Event()
        wake = outbox_bell.set
        agenda = Agenda()  # told of each new deadline
        floor = floor_cents(settings)
        fee_bp = round(settings.fee_percent * 100)  # GIGBOT_FEE_PERCENT in basis points
        waves = Waves(
            FanOut(
                factor=settings.fanout_factor,
                widen=settings.fanout_widen,
                wait_s=settings.fanout_wait,
                max_wave=settings.fanout_max_wave,
                explore_share=settings.fanout_explore,
                offer_s=settings.offer_seconds,
                offer_tick_s=settings.offer_tick_seconds,
            ),
            settings.max_active,
            agenda.note,
        )
        market = Market.build(
            db,
            clock,
            max_active=settings.max_active,
            auto_approve_s=settings.default_auto_approve,
            waves=waves,
            reminders=settings.reminders,
            min_hourly_cents=floor,
            fee_bp=fee_bp,
            on_outbox=wake,
            on_timer=agenda.note,
            new_alias=aliases,
        )
        desk = WorkerDesk(db, clock)
        bot_username: Later[str] = Later("")
        channels = Channels(db, clock)
        web_tasks = WebTasks(db, market, clock, Later(""), on_outbox=wake)
        notices = Notices(
            db,
            clock,
            market.reading,
            desk,
            channels,
            bot_username,
            reminders=settings.reminders,
            preview_link=web_tasks.preview_url,
            task_link=web_tasks.task_url,
        )
        broadcaster = Broadcaster(
            db,
            clock,
            sender,
            notices,
            limits=SendLimits(global_per_sec=settings.send_rate, scale=settings.send_scale),
            lease_s=settings.send_lease_s,
            bell=outbox_bell,
        )
        holds = Holds(
            db, clock, waves, reminders=settings.reminders, on_outbox=wake, on_timer=agenda.note
        )
        requesting = Requesting.build(
            db,
            clock,
            waves,
            market.reviewing,
            min_hourly_cents=floor,
            fee_bp=fee_bp,
            on_outbox=wake,
            on_timer=agenda.note,
        )
        accounts = Accounts(db, clock, on_outbox=wake)
        errors: list[BaseException] = []
        first_waves = FirstWaves(market.publishing, errors)  # of HITs made by the MTurk API
        operations = Operations(
            db, market, accounts, clock, settings.min_reward_cents, web_tasks, first_waves
        )
        people_operations = PeopleOps(
            db, clock, requesting.bonuses, requesting.blocks, on_outbox=wake
        )
        terms = DepositTerms(
            star_cents=settings.star_cents,
            fiat=settings.fiat_currency if settings.payment_provider_token else None,
            amounts=settings.deposit_amounts,
            min_cents=round(settings.deposit_min * 100),
            max_cents=round(settings.deposit_max * 100),
            refund_days=settings.refund_days,
        )
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            market=market,
            accounts=accounts,
            desk=desk,
            batch_work=BatchWork(db, clock, market, desk),
            matcher=Matcher(db, clock, waves, on_outbox=wake),
            qualifications=Qualifications(db, clock, on_outbox=wake),
            agenda=agenda,
            timers=Timers(
                db,
                clock,
                agenda,
                holds,
                market.reviewing,
                waves,
                reminders=settings.reminders,
                on_outbox=wake,
            ),
            holds=holds,
            requesting=requesting,
            fair=FairWork(db, clock, settings, waves, on_outbox=wake),
            channels=channels,
            broadcaster=broadcaster,
            first_waves=first_waves,
            api_keys=ApiKeys(db, clock),
            web_tasks=web_tasks,
            mturk_api=RequesterApi(db, {**operations.table, **people_operations.table}),
            deposits=Deposits(
                db, clock, terms, closing=lambda: settings.shutting_down, on_outbox=wake
            ),
            payouts=Payouts(
                db,
                clock,
                min_cents=round(settings.min_payout * 100),
                methods=settings.payout_methods,
                currency=settings.payout_currency,
                on_outbox=wake,
            ),
            bot_username=bot_username,
            errors=errors,
        )

    async def open(self) -> None:
        """Open and migrate the database, take the broadcaster lease if no other process
        holds it (settling what a crash left half-sent), start sending or standing by."""
        await self.db.open()
        await self.broadcaster.take_lease()
        self.broadcaster.start()
        self.first_waves.start()

    async def close(self) -> None:
        await self.first_waves.stop()
        await self.broadcaster.stop()
        await self.db.close()
