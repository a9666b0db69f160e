"""The running bot's services, opened in post_init and closed in post_shutdown."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Settings
from bot.deadlines.holds import Holds
from bot.deadlines.timers import Timers
from bot.delivery.channels import Channels
from bot.delivery.notices import Notices
from bot.delivery.outbox import Broadcaster, Sender
from bot.delivery.pacing import SendLimits
from bot.fair.fairwork import FairWork, floor_cents
from bot.market.accounts import Accounts
from bot.market.first_waves import FirstWaves
from bot.market.marketplace import Marketplace
from bot.matching.fanout import FanOut
from bot.matching.qualifications import Qualifications
from bot.matching.waves import Matcher
from bot.mturk.keys import ApiKeys
from bot.mturk.webtasks import WebTasks
from bot.requesting.tools import Requesting
from bot.work.desk import WorkerDesk
from bot.work.tagging import BatchWork
from storage.db import Database


@dataclass
class Services:
    """Everything handlers reach through GigContext."""

    settings: Settings
    clock: Clock
    db: Database
    market: Marketplace
    accounts: Accounts
    broadcaster: Broadcaster
    matcher: Matcher
    qualifications: Qualifications
    timers: Timers
    errors: list[BaseException] = field(default_factory=list)
    requesting: Requesting = field(init=False)
    api_keys: ApiKeys = field(init=False)
    fair: FairWork = field(init=False)
    web_tasks: WebTasks = field(init=False)
    holds: Holds = field(init=False)
    channels: Channels = field(init=False)
    first_waves: FirstWaves = field(init=False)

    def __post_init__(self) -> None:
        self.requesting = Requesting.build(self.market)
        self.api_keys = ApiKeys(self.db, self.clock)
        market = self.market
        self.fair = FairWork(
            self.db, self.clock, self.settings, market, on_outbox=lambda: market.on_outbox()
        )
        self.web_tasks = WebTasks(
            self.db, self.market, self.clock, on_outbox=lambda: self.market.on_outbox()
        )
        self.holds = self.timers.holds  # timed offers and the timer concierge
        self.first_waves = FirstWaves(market, self.errors)  # of HITs made by the MTurk API

    @classmethod
    def build(cls, settings: Settings, clock: Clock, sender: Sender) -> Services:
        """Wire the services (nothing is opened yet)."""
        db = Database(settings.database, same_cpu=settings.same_cpu)
        fanout = FanOut(
            factor=settings.fanout_factor,
            widen=settings.fanout_widen,
            wait_s=settings.fanout_wait,
            max_wave=settings.fanout_max_wave,
            explore_share=settings.fanout_explore,
            offer_s=settings.offer_seconds,
            offer_tick_s=settings.offer_tick_seconds,
        )
        market = Marketplace(
            db,
            clock,
            max_active=settings.max_active,
            auto_approve_s=settings.default_auto_approve,
            fanout=fanout,
            reminders=settings.reminders,
            min_hourly_cents=floor_cents(settings),
        )
        limits = SendLimits(global_per_sec=settings.send_rate, scale=settings.send_scale)
        channels = Channels(db, clock)
        notices = Notices(market)
        notices.channels = channels
        broadcaster = Broadcaster(
            db, clock, sender, notices, limits=limits, lease_s=settings.send_lease_s
        )
        market.on_outbox = broadcaster.wake
        accounts = Accounts(db, clock, on_outbox=broadcaster.wake)
        matcher = Matcher(
            db, clock, fanout, max_active=settings.max_active, on_outbox=broadcaster.wake
        )
        qualifications = Qualifications(db, clock, on_outbox=broadcaster.wake)
        timers = Timers(db, clock, market)
        services = cls(
            settings, clock, db, market, accounts, broadcaster, matcher, qualifications, timers
        )
        services.channels = channels
        notices.preview_link = services.web_tasks.preview_url
        notices.task_link = services.web_tasks.task_url
        return services

    @property
    def desk(self) -> WorkerDesk:
        """The worker's read side and settings (stateless; cheap to make)."""
        return WorkerDesk(self.market)

    @property
    def batch_work(self) -> BatchWork:
        """Handing in and moving on through a batch (stateless; cheap to make)."""
        return BatchWork(self.market)

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
