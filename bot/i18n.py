"""The user's language: gettext catalogs (bot/locale/, Babel), plural forms, and money,
numbers, durations and times as each locale writes them.

A `Translator` is one language. Texts functions take it first (`t`) and say every
sentence through it, with named placeholders filled in after translation:

    t("💰 {reward} · ⏱ {time} to do it", reward=t.money(5), time=t.duration(90))
    t.ngettext("{n} item", "{n} items", 3)      # n is a placeholder too
    BTN_ACCEPT = N_("✅ Accept")                # marked for extraction, said with t(BTN_ACCEPT)

Handlers get the update's user's translator as `context.t` (handlers/common.py); the
outbox renders each message with its recipient's (bot/delivery/notices.py). What the
MTurk API, CSV exports, logs and admin tools say stays English (they never see a `t`).

Catalogs: bot/locale/<locale>/LC_MESSAGES/gigbot.po, extracted with `make messages`
(babel.cfg), compiled to .mo by the build (setup.py) and `make install`; a .po newer than
its .mo (a translator's edit not yet compiled) is compiled in memory when loaded.
"""

from __future__ import annotations

import gettext
import logging
from datetime import UTC, datetime
from datetime import time as time_of_day
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations

log = logging.getLogger(__name__)

DOMAIN = "gigbot"
LOCALE_DIR = Path(__file__).parent / "locale"
# The languages gigbot speaks, as stored in users.language and channels.language (Telegram's
# language_code style), with the Babel locale of each. English is the source language.
LANGUAGES: dict[str, str] = {
    "en": "en",
    "es": "es",
    "pt-br": "pt_BR",
    "hi": "hi",
    "ru": "ru",
    "id": "id",
}
SOURCE = "en"
CURRENCY = "USD"  # rewards are US cents everywhere
WRITTEN_KEPT = 10_000  # numbers, amounts and durations a Translator remembers as written


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is said (`t(X)`)."""
    return message


def language_of(code: str | None) -> str:
    """The language gigbot speaks for a Telegram language_code: "pt-BR" -> "pt-br",
    "es-419" -> "es", "pt" -> "pt-br", "in" -> "id", "uk" or None -> "en"."""
    code = (code or SOURCE).strip().lower().replace("_", "-")
    if code in LANGUAGES:
        return code
    primary = code.split("-", 1)[0]
    primary = {"pt": "pt-br", "in": "id"}.get(primary, primary)
    return primary if primary in LANGUAGES else SOURCE


def task_language_of(code: str | None) -> str:
    """The language a task is written in, as a primary subtag: "pt-br" -> "pt", "EN" -> "en"."""
    primary = (code or SOURCE).strip().lower().replace("_", "-").split("-", 1)[0]
    return {"in": "id"}.get(primary, primary) or SOURCE


def catalog_path(language: str, suffix: str = ".po") -> Path:
    """Where a language's catalog lives: ("es", ".mo") -> bot/locale/es/LC_MESSAGES/gigbot.mo."""
    return LOCALE_DIR / LANGUAGES[language] / "LC_MESSAGES" / (DOMAIN + suffix)


def _load(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language; the .po itself when it is newer than its .mo."""
    po, mo = catalog_path(language), catalog_path(language, ".mo")
    if language == SOURCE or not po.exists():
        return gettext.NullTranslations()
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    log.debug("%s is newer than its .mo (make messages compiles it); compiled in memory", po)
    with po.open("rb") as source:
        catalog = read_po(source, locale=LANGUAGES[language], domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class Translator:
    """One language: its sentences, plural forms, and how it writes money, numbers and time."""

    def __init__(self, language: str, catalog: gettext.NullTranslations) -> None:
        self.language = language
        self.locale = Locale.parse(LANGUAGES[language])
        self.catalog = catalog
        # What Babel wrote, by what it was asked: a task's reward, time and counts are the
        # same few values tap after tap, and Babel takes 30-130 us to write each anew.
        self._written: dict[tuple[str, object, object], str] = {}

    def _remembered(self, key: tuple[str, object, object], said: str) -> str:
        if len(self._written) >= WRITTEN_KEPT:
            self._written.clear()
        self._written[key] = said
        return said

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"

    # -- sentences -------------------------------------------------------------------------

    def __call__(self, message: str, /, **values: object) -> str:
        """The message in this language, its {placeholders} filled with `values`."""
        said = self.catalog.gettext(message)
        return said.format(**values) if values else said

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The form for `n` ("{n} item" / "{n} items"; Russian has three), filled in; {n}
        is the count as this language writes numbers."""
        said = self.catalog.ngettext(singular, plural, n)
        return said.format(n=self.number(n), **values)

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        """A message that says different things in different places ("Done" on a button)."""
        said = self.catalog.pgettext(context, message)
        return said.format(**values) if values else said

    # -- numbers ---------------------------------------------------------------------------

    def number(self, value: int | float, decimals: int | None = None) -> str:
        """1234 -> "1,234" (en), "1.234" (es), "1 234" (ru); (3, 1) -> "3.0" (en), "3,0" (es)."""
        key = ("number", (type(value), value), decimals)  # 1 and 1.0 are one key else
        said = self._written.get(key)
        if said is not None:
            return said
        if decimals:
            said = format_decimal(value, format="#,##0." + "0" * decimals, locale=self.locale)
        else:
            said = format_decimal(value, locale=self.locale)
        return self._remembered(key, said)

    def percent(self, share: float, exact: bool = False) -> str:
        """0.9 -> "90%" (en), "90 %" (es, ru); `exact` keeps decimals: 0.025 -> "2.5%"."""
        return format_percent(share, locale=self.locale, decimal_quantization=not exact)

    def money(self, cents: int) -> str:
        """5 -> "$0.05" (en), "0,05 US$" (es), "US$ 0,05" (pt-br); -50 -> "-$0.50"."""
        key = ("money", cents, None)
        said = self._written.get(key)
        if said is None:
            amount = Decimal(cents) / 100
            said = self._remembered(key, format_currency(amount, CURRENCY, locale=self.locale))
        return said

    def hourly(self, reward_cents: int, seconds: float) -> str:
        """Reward for `seconds` of work as an hourly rate: (5, 60) -> "$3.00/h"."""
        if seconds <= 0:
            return "—"
        return self(N_("{money}/h"), money=self.money(round(reward_cents * 3600 / seconds)))

    # -- time ------------------------------------------------------------------------------

    def duration(self, seconds: float) -> str:
        """90 -> "1m 30s", 3600 -> "1h", 93784 -> "1d 2h" (the two largest units)."""
        total = max(0, int(seconds))
        key = ("duration", total, None)
        said = self._written.get(key)
        if said is not None:
            return said
        days, rest = divmod(total, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        parts = [
            # TRANSLATORS: a short unit of a duration, as in "1d 2h": days
            (days, N_("{n}d")),
            # TRANSLATORS: hours, as in "2h 30m"
            (hours, N_("{n}h")),
            # TRANSLATORS: minutes, as in "1m 30s"
            (minutes, N_("{n}m")),
            # TRANSLATORS: seconds, as in "1m 30s"
            (secs, N_("{n}s")),
        ]
        shown = [self(unit, n=self.number(n)) for n, unit in parts if n][:2]
        return self._remembered(key, " ".join(shown) or self(N_("{n}s"), n=self.number(0)))

    def clock(self, minutes: int) -> str:
        """A time of day from minutes after midnight, 24-hour: 1320 -> "22:00"."""
        at = time_of_day(minutes // 60 % 24, minutes % 60)
        return format_skeleton("Hm", at, locale=self.locale)

    def moment(self, stamp: float, zone: str | None) -> str:
        """A UTC timestamp as a date and time in the user's time zone (UTC if none or
        unknown): "Dec 7, 14:05" (en), "7 dic, 14:05" (es)."""
        try:
            tz = ZoneInfo(zone) if zone else UTC
        except (ValueError, KeyError):
            tz = UTC
        when = datetime.fromtimestamp(stamp, UTC)
        day = format_skeleton("MMMd", when, tzinfo=tz, locale=self.locale)
        hour = format_skeleton("Hm", when, tzinfo=tz, locale=self.locale)
        return str(self.locale.datetime_formats["short"]).format(hour, day)

    def language_name(self, code: str) -> str:
        """A language's name in this language: ("es") -> "Spanish" (en), "español" (es)."""
        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name(self.locale)
        except (ValueError, TypeError):
            return code
        return name or code


@cache
def translator(code: str | None = None) -> Translator:
    """The translator of a user's (or channel's) language code; English if unsupported."""
    language = language_of(code)
    return Translator(language, _load(language))


def native_name(language: str) -> str:
    """A language's own name, for the /language buttons: "pt-br" -> "Português (Brasil)"."""
    name = translator(language).language_name(LANGUAGES[language])
    return name[:1].upper() + name[1:]


EN = translator(SOURCE)  # the source language: the MTurk API, exports, logs, admin tools


def warm() -> None:
    """Load every catalog and the locale data each language's numbers, money, times and
    language names read (Babel loads them on first use: ~300 ms the first time, more on a
    busy machine). Start-up calls it on a worker thread, so the first user's answer does not
    hold the event loop while they load (Babel's cache is thread-safe)."""
    for code in LANGUAGES:
        t = translator(code)
        for other in LANGUAGES:
            t.language_name(other)
        t.money(105)
        t.percent(0.5)
        t.number(1234.5, 1)
        t.moment(0.0, "UTC")
        t.clock(0)
