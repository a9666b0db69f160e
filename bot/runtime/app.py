"""build_application(): the real python-telegram-bot Application, wired to gigbot's services."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable

from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, ExtBot

from bot import i18n
from bot.clock import Clock, clock_for
from bot.config import Settings
from bot.market.people import new_alias
from bot.runtime.mturk_server import MTurkServer
from bot.services import Services
from handlers import register
from handlers.common import MENU_CHATS, MTURK_SERVER, SERVICES, GigApp, GigContext, TelegramSender
from handlers.menus import set_menus
from handlers.ptb import jobs as timer_jobs
from handlers.ptb.persistence import SqlitePersistence
from handlers.ptb.trace import LoggedRequest
from storage import users

log = logging.getLogger(__name__)


def build_application(
    settings: Settings, clock: Clock | None = None, aliases: Callable[[], str] = new_alias
) -> GigApp:
    """The Application with handlers registered; services open in post_init. `aliases`
    names new users (`gigbot demo --seed` draws them from its seeded generator)."""
    transports = (LoggedRequest(connection_pool_size=256), LoggedRequest(connection_pool_size=1))
    app: GigApp = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .context_types(ContextTypes(context=GigContext))
        .request(transports[0])
        .get_updates_request(transports[1])
        .concurrent_updates(64)
        # Replies retry a 429 after waiting; pacing of what gigbot sends on its own
        # initiative is the broadcaster's job, on its own bot without retries.
        .rate_limiter(AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=2))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .persistence(SqlitePersistence(settings.database, settings.persist_interval))
        .build()
    )
    sending_bot = ExtBot(
        settings.token,
        base_url=settings.api_url,
        base_file_url=settings.file_url,
        # TelegramSender warns about 429/403 itself, with what it does about them.
        request=LoggedRequest(connection_pool_size=16, warn=False),
        # Never polls; given so PTB does not build an httpx client (and its TLS context).
        get_updates_request=LoggedRequest(connection_pool_size=1, warn=False),
    )
    app.bot_data["sending_bot"] = sending_bot
    app.bot_data["transports"] = transports
    app.bot_data[SERVICES] = Services.build(
        settings,
        clock or clock_for(settings.clock_speed, settings.clock_epoch),
        TelegramSender(sending_bot),
        aliases=aliases,
    )
    register(app)
    return app


def services_of(app: GigApp) -> Services:
    services = app.bot_data[SERVICES]
    assert isinstance(services, Services)
    return services


async def _post_init(app: GigApp) -> None:
    """Open storage, start the broadcaster, rebuild the timers, publish the command menus."""
    services = services_of(app)
    freeze_start_up(done=False)
    # Catalogs and Babel's locale data load on a thread meanwhile (~300 ms on the loop else,
    # at the menus or the first user's answer).
    warming = asyncio.create_task(asyncio.to_thread(i18n.warm))
    await app.bot_data["sending_bot"].initialize()
    await services.open()
    timer_jobs.install(app.job_queue, services)
    await services.timers.start()
    services.bot_username.set(app.bot.username)
    await warming
    await set_commands(app, services.settings)
    schedule_dispute_expiry(app)
    if services.settings.mturk_listen:
        server = MTurkServer.for_services(services, services.settings.mturk_listen)
        await server.start()
        app.bot_data[MTURK_SERVER] = server
        log.info("MTurk requester API on %s", server.url)
    if services.settings.wave_interval > 0 and app.job_queue is not None:
        app.job_queue.run_repeating(
            _next_waves, interval=services.settings.wave_interval, name="waves"
        )
    freeze_start_up()


_frozen = False


def freeze_start_up(*, done: bool = True) -> None:
    """Leave what start-up made (modules, catalogs, the application: several hundred thousand
    objects that live as long as the process) out of Python's garbage collection. Each full
    collection walks every object it tracks while holding the event loop: 50-220 ms with
    them on a busy machine (during start-up itself, or when a /results of 5,000 items makes
    enough objects to start one). Objects made later are collected as before. Once per
    process: called before start-up's work and again (done=True) when it is over; a
    process that builds the application again (the tests) freezes nothing more."""
    global _frozen
    if not _frozen:  # no gc.collect() first: it would be one more full collection
        gc.freeze()
        _frozen = done


async def _next_waves(context: GigContext) -> None:
    """Push the waves that fell due (HITs nobody took widen to more workers)."""
    await context.services.matcher.next_waves()


DISPUTE_SWEEP_S = 60.0


def schedule_dispute_expiry(app: GigApp) -> None:
    """Approve unanswered disputes every minute (replaced by deadlines/timers.py when it lands)."""
    if app.job_queue is None:
        return
    for old in app.job_queue.get_jobs_by_name("expire_disputes"):
        old.schedule_removal()
    app.job_queue.run_repeating(
        _expire_disputes, interval=DISPUTE_SWEEP_S, first=DISPUTE_SWEEP_S, name="expire_disputes"
    )


async def _expire_disputes(context: GigContext) -> None:
    services = context.services
    await services.fair.disputes.expire_disputes(services.clock.now())


async def _post_shutdown(app: GigApp) -> None:
    server = app.bot_data.pop(MTURK_SERVER, None)
    if isinstance(server, MTurkServer):
        await server.stop()
    await services_of(app).close()
    await app.bot_data["sending_bot"].shutdown()


async def close_transports(app: GigApp) -> None:
    """Close the bot's HTTP sessions after a failed initialize (shutdown would skip them)."""
    for transport in app.bot_data["transports"]:
        await transport.shutdown()


async def set_commands(app: GigApp, settings: Settings) -> None:
    """Publish the command menus; requesters known at start get theirs now."""
    async with services_of(app).db.reading() as conn:
        requesters = await users.requester_languages(conn)
        admins = {tg_id: await users.language_of(conn, tg_id) or "en" for tg_id in settings.admins}
    app.bot_data[MENU_CHATS] = await set_menus(app.bot, admins, requesters)


async def start_app(app: GigApp) -> None:
    """Bring the application up without polling (tests and the demo feed updates in)."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()


async def stop_app(app: GigApp) -> None:
    """Take it down in the reverse order."""
    await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
