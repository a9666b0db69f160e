"""`gigbot run`: long polling, or a webhook when GIGBOT_WEBHOOK_URL is set; clean stops.

Start-up problems (a refused token, an unreachable API, a port in use) end with one line
on stderr and a non-zero exit code. The first SIGTERM/SIGINT stops taking updates,
lets handlers in flight finish, lets the broadcaster finish its pass and closes the
database; a second one exits at once (SQLite's WAL makes that as safe as a crash).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import sys
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import Settings, check_for_run
from bot.runtime.app import build_application, close_transports, freeze_start_up
from bot.runtime.logs import setup_logging
from bot.runtime.webhook import WebhookServer
from handlers.common import GigApp
from storage.pg import CannotStart, check_server, is_url

log = logging.getLogger(__name__)

EXIT_CONFIG = 2
EXIT_TOKEN = 3
EXIT_UNREACHABLE = 4
EXIT_WEBHOOK = 5
EXIT_DATABASE = 6


class StartError(Exception):
    """gigbot could not start; str() is the one line to show, `code` the exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def run(settings: Settings) -> int:
    """Run until stopped; return the process exit code (ConfigError escapes to the CLI)."""
    check_for_run(settings)
    setup_logging(settings.log_level, [settings.token, settings.webhook_secret])
    try:
        _check_database(settings)
        return asyncio.run(serve(settings))
    except StartError as exc:
        print(f"gigbot: {exc}", file=sys.stderr)
        return exc.code


def _check_database(settings: Settings) -> None:
    """Open the file (or reach the PostgreSQL server) once before anything starts.

    Hazard: when aiosqlite fails to connect, its worker thread finishes only after the
    event loop has closed and prints a traceback of its own; checking first avoids that.
    A PostgreSQL server that cannot be used (unreachable, refusing the user, too old)
    ends the start with exit code 2, like any other setting that is wrong.
    """
    if is_url(settings.database):
        try:
            asyncio.run(check_server(settings.database))
        except CannotStart as exc:
            raise StartError(EXIT_CONFIG, str(exc)) from None
        return
    try:
        sqlite3.connect(settings.database).close()
    except sqlite3.Error as exc:
        raise StartError(
            EXIT_DATABASE, f"cannot open the database {settings.database}: {exc}"
        ) from None


class Stopper:
    """The first SIGTERM/SIGINT asks for a clean stop; the second exits at once."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.requested = asyncio.Event()

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in self.SIGNALS:
            loop.add_signal_handler(signum, self._on_signal, signum)

    def uninstall(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in self.SIGNALS:
            loop.remove_signal_handler(signum)

    def _on_signal(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if self.requested.is_set():
            sys.stderr.write(f"gigbot: second {name}: exiting now\n")
            sys.stderr.flush()
            os._exit(128 + signum)
        log.info("%s: finishing work in flight (send it again to exit at once)", name)
        self.requested.set()


async def serve(settings: Settings) -> int:
    """Start the bot, wait for a signal, stop it cleanly."""
    stopper = Stopper()
    stopper.install()
    app = build_application(settings)
    freeze_start_up(done=False)  # what the imports made: no full collection walks it
    ran = False
    try:
        await _initialize(app, settings)
        try:
            await _open(app, settings)
            await _take_updates(app, settings)
            ran = True
            await stopper.requested.wait()
            log.info("stopping: no new updates; waiting for work in flight")
        finally:
            await _stop(app, ran)
    finally:
        stopper.uninstall()
    log.info("stopped cleanly")
    return 0


async def _initialize(app: GigApp, settings: Settings) -> None:
    """getMe (the token and the API are checked here), then persisted conversations."""
    where = settings.api_url
    try:
        await _initialized(app)
    except InvalidToken:
        raise StartError(
            EXIT_TOKEN,
            f"the Bot API at {where} refused GIGBOT_TOKEN (401 Unauthorized):"
            " copy the token from @BotFather again",
        ) from None
    except NetworkError as exc:
        raise StartError(EXIT_UNREACHABLE, f"cannot reach the Bot API at {where}: {exc}") from None
    except TelegramError as exc:
        raise StartError(EXIT_UNREACHABLE, f"the Bot API at {where} said: {exc}") from None
    except (sqlite3.Error, OSError) as exc:  # persistence reads the database here
        raise StartError(
            EXIT_DATABASE, f"cannot open the database {settings.database}: {exc}"
        ) from None


async def _initialized(app: GigApp) -> None:
    try:
        await app.initialize()
    except BaseException:
        await close_transports(app)
        raise


async def _open(app: GigApp, settings: Settings) -> None:
    """post_init: the database, the broadcaster, the command menus."""
    assert app.post_init is not None
    try:
        await app.post_init(app)
    except (sqlite3.Error, OSError) as exc:
        raise StartError(
            EXIT_DATABASE, f"cannot open the database {settings.database}: {exc}"
        ) from None
    except TelegramError as exc:
        where = settings.api_url
        raise StartError(EXIT_UNREACHABLE, f"the Bot API at {where} said: {exc}") from None


async def _take_updates(app: GigApp, settings: Settings) -> None:
    """Long polling, or the webhook server; then the Application starts handling."""
    if settings.webhook_url:
        await _start_webhook(app, settings)
    else:
        assert app.updater is not None
        await app.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
        )
        log.info("running: long polling as @%s", app.bot.username)
    await app.start()


async def _start_webhook(app: GigApp, settings: Settings) -> None:
    """gigbot's own webhook server (bot/runtime/webhook.py), then setWebhook with the secret."""
    url, secret = settings.webhook_url, settings.webhook_secret
    assert url is not None and secret is not None  # check_for_run insists on both
    listen, port = settings.webhook_listen, settings.webhook_port
    server = WebhookServer(app, urlsplit(url).path, secret)
    try:
        server.start(listen, port)
    except OSError as exc:
        raise StartError(
            EXIT_WEBHOOK, f"cannot listen on {listen}:{port} for the webhook: {exc.strerror}"
        ) from None
    app.bot_data["webhook_server"] = server
    try:
        await app.bot.set_webhook(
            url, secret_token=secret, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
        )
    except TelegramError as exc:
        raise StartError(EXIT_WEBHOOK, f"Telegram refused the webhook {url}: {exc}") from None
    log.info("running: webhook on %s:%s for %s as @%s", listen, port, url, app.bot.username)


async def _stop(app: GigApp, ran: bool) -> None:
    """Stop taking updates, finish handlers in flight, then close services and the bot."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    webhook = app.bot_data.pop("webhook_server", None)
    if webhook is not None:
        await webhook.stop()  # no more updates; those being handled finish
    if app.running:
        await app.stop()  # waits for handlers in flight and running jobs
    await app.shutdown()
    if ran:
        log.info("handlers done; the outbox keeps what is not sent yet for the next start")
    if app.post_shutdown is not None:
        await app.post_shutdown(app)  # the broadcaster finishes its pass; database closed
