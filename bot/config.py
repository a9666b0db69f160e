"""Settings: the only place the environment is read; and the few values only start-up learns."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Generic, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

T = TypeVar("T")


class Settings(BaseSettings):
    """Everything gigbot can be told from `GIGBOT_*` variables or a `.env` file."""

    model_config = SettingsConfigDict(
        env_prefix="GIGBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: str = Field(default="", description="bot token from @BotFather")
    api_url: str = "https://api.telegram.org/bot"
    file_url: str = "https://api.telegram.org/file/bot"
    database: str = Field(
        default="gigbot.sqlite3",
        description="SQLite file, or a postgresql://user:pass@host/db URL",
    )
    same_cpu: bool = Field(
        default=True, description="keep the event loop and the SQLite thread on one CPU"
    )
    admins: Annotated[frozenset[int], NoDecode] = frozenset()
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    max_active: int = Field(default=3, ge=1, le=50)
    default_auto_approve: int = Field(default=3 * 24 * 3600, ge=60)
    min_reward_cents: int = Field(default=1, ge=1)
    send_rate: float = Field(default=28.0, gt=0, le=10_000)
    send_scale: float = Field(default=1.0, gt=0, le=1000)
    log_level: str = "INFO"
    gold_threshold: int = Field(default=70, ge=1, le=100)
    persist_interval: float = Field(default=5.0, gt=0, le=3600)
    mturk_listen: str | None = Field(
        default=None, description="host:port of the MTurk-compatible requester API; off if unset"
    )
    # matching: adaptive fan-out (bot/matching/waves.py)
    fanout_factor: float = Field(default=3.0, ge=1, le=100)
    fanout_widen: float = Field(default=2.0, ge=1, le=10)
    fanout_wait: int = Field(default=600, ge=10)
    fanout_max_wave: int = Field(default=200, ge=1, le=10_000)
    fanout_explore: float = Field(default=0.2, ge=0, le=1)
    wave_interval: float = Field(default=30.0, ge=0)
    # -- durable time (#6)
    reminders: Annotated[tuple[float, ...], NoDecode] = (0.5, 0.2)
    timer_horizon_s: float = Field(default=60.0, gt=0, le=3600)
    clock_speed: float = Field(default=1.0, gt=0, le=1_000_000)
    clock_epoch: float | None = None
    min_hourly: float = Field(
        default=8.00, ge=0, le=1000, description="fair-pay floor per hour of work; 0 = off"
    )
    dispute_hours: float = Field(default=48.0, gt=0, le=24 * 30)
    relay_per_hour: int = Field(default=5, ge=1, le=1000)
    mturk_public_url: str | None = Field(
        default=None,
        description="how workers' browsers reach the MTurk server (web tasks); the listen"
        " address if unset",
    )
    # -- timed offers and the timer concierge (#11, bot/matching/offers.py)
    offer_seconds: float = Field(default=90.0, ge=10, le=3600)
    offer_tick_seconds: float = Field(default=30.0, ge=0, le=3600)
    offer_up_to: int = Field(default=5, ge=0, le=1000)
    # -- several processes on one database (bot/delivery/_lease.py): who sends the outbox
    send_lease_s: float = Field(default=10.0, gt=0, le=3600)
    # -- money in and out (#23, bot/money/)
    star_cents: int = Field(
        default=1, ge=1, le=10_000, description="what one Telegram Star is worth, in cents"
    )
    payment_provider_token: str | None = Field(
        default=None, description="a payment provider's token from @BotFather: fiat invoices"
    )
    fiat_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    deposit_amounts: Annotated[tuple[int, ...], NoDecode] = (500, 2000, 5000)
    deposit_min: float = Field(default=1.00, gt=0, le=100_000)
    deposit_max: float = Field(default=1000.00, gt=0, le=100_000)
    refund_days: float = Field(
        default=7.0, ge=0, le=90, description="how long an unused deposit can be refunded"
    )
    pay_support: str | None = Field(
        default=None,
        max_length=200,
        pattern=r"^[^\x00-\x1f]*$",
        description="where payers reach the operator (/paysupport): @handle, email or URL",
    )
    min_payout: float = Field(default=5.00, gt=0, le=100_000)
    payout_methods: Annotated[tuple[str, ...], NoDecode] = ("paypal",)
    payout_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    fee_percent: float = Field(
        default=0.0, ge=0, le=50, description="the marketplace's fee on rewards and bonuses"
    )
    shutting_down: bool = Field(
        default=False, description="refuse new deposits (at pre-checkout) while winding down"
    )

    @field_validator("deposit_amounts", mode="before")
    @classmethod
    def _split_amounts(cls, value: object) -> object:
        """ "5,20,50" (dollars) -> (500, 2000, 5000) cents: the amounts /deposit offers."""
        if isinstance(value, str):
            value = [round(float(part) * 100) for part in value.replace(" ", "").split(",") if part]
        if isinstance(value, list | tuple):
            if not value or any(int(v) <= 0 for v in value):
                raise ValueError("list one or more amounts in dollars, e.g. 5,20,50")
            return tuple(int(v) for v in value)
        return value

    @field_validator("payout_methods", mode="before")
    @classmethod
    def _split_methods(cls, value: object) -> object:
        """ "paypal,venmo": the ways workers may be paid (bot/money/payouts.py METHODS)."""
        if isinstance(value, str):
            value = [part for part in value.replace(" ", "").lower().split(",") if part]
        if isinstance(value, list | tuple):
            known = ("paypal", "venmo")
            if not value or any(v not in known for v in value):
                raise ValueError("list one or more of: paypal, venmo")
            return tuple(value)
        return value

    @field_validator("payment_provider_token")
    @classmethod
    def _provider_token(cls, value: str | None) -> str | None:
        """Empty means Telegram Stars only."""
        return value or None

    @field_validator("database", mode="before")
    @classmethod
    def _path_as_text(cls, value: object) -> object:
        """A Path (tests, the demo) is kept as its text; a URL is never a Path. A value that
        means PostgreSQL but is no URL it can use is refused with the form to write."""
        text = str(value) if isinstance(value, Path) else value
        if isinstance(text, str) and text.lower().startswith("postgres"):
            parts = urlsplit(text)
            if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
                raise ValueError(
                    "not a PostgreSQL URL; write postgresql://user:password@host:5432/dbname"
                )
        return text

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        """Accept "1,2,3" as well as a list of ids."""
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("reminders", mode="before")
    @classmethod
    def _split_reminders(cls, value: object) -> object:
        """ "0.5,0.2" -> (0.5, 0.2): fractions of the time allotted left when reminded."""
        if isinstance(value, str):
            value = [float(part) for part in value.replace(" ", "").split(",") if part]
        if isinstance(value, list | tuple):
            fractions = tuple(sorted((float(v) for v in value), reverse=True))
            if any(not 0 < f < 1 for f in fractions):
                raise ValueError("each reminder is a fraction of the time left, between 0 and 1")
            return fractions
        return value

    @field_validator("clock_epoch", mode="before")
    @classmethod
    def _empty_epoch(cls, value: object) -> object:
        """An empty GIGBOT_CLOCK_EPOCH= means 'not set'."""
        return None if value == "" else value

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: str) -> str:
        """A token looks like `123456:ABC...`; empty means 'not configured'."""
        if value and (":" not in value or not value.split(":", 1)[0].isdigit()):
            raise ValueError("must look like 123456789:AAE... (from @BotFather)")
        return value

    @field_validator("mturk_listen")
    @classmethod
    def _listen_shape(cls, value: str | None) -> str | None:
        """`127.0.0.1:8765`; empty means off."""
        if not value:
            return None
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or int(port) > 65535:
            raise ValueError("must look like 127.0.0.1:8765")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        """Only the standard logging levels."""
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return upper

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        """Empty means long polling; otherwise an http(s) URL Telegram can reach."""
        if not value:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be the public https:// URL Telegram posts updates to")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        """Telegram's rule: 1-256 characters A-Z, a-z, 0-9, _ and -."""
        if not value:
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("use 1-256 characters from A-Z, a-z, 0-9, _ and - only")
        return value


class Later(Generic[T]):
    """A value only start-up learns: the bot's @username (from getMe), the MTurk server's
    address (once its port is bound). Handed to what needs it when the services are built,
    set once at start-up, read when used."""

    def __init__(self, before: T) -> None:
        self._value = before

    def set(self, value: T) -> None:
        """Record what start-up learned."""
        self._value = value

    def get(self) -> T:
        """What start-up learned, or the value given before it."""
        return self._value


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line naming the variable."""


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one clear line per variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "GIGBOT_" + str(first["loc"][0]).upper() if first["loc"] else "GIGBOT_?"
        raise ConfigError(f"{name}: {first['msg']}") from None


def check_for_run(settings: Settings) -> None:
    """What `gigbot run` needs beyond valid values: a token, and a secret with a webhook."""
    if not settings.token:
        raise ConfigError("GIGBOT_TOKEN: not set (get one from @BotFather)")
    if settings.webhook_url and not settings.webhook_secret:
        raise ConfigError(
            "GIGBOT_WEBHOOK_SECRET: required when GIGBOT_WEBHOOK_URL is set"
            " (e.g. the output of: openssl rand -hex 32)"
        )
