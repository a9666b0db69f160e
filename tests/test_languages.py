"""Speaking the worker's language (issue 24): the catalogs are complete and keep every
placeholder, tag and command; the demo story is told in every language within Telegram's
limits and a phone's button widths, with no English left on a screen.

The catalog tests are strict on purpose: a language whose catalog is not complete fails
here, and a text added to the code without `make messages` fails the template test.
"""

from __future__ import annotations

import ast
import re
import string
import subprocess
import sys
import unicodedata
from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.demo.stage import Stage
from bot.demo.story import tell
from bot.domain import HitKind, HitSort
from bot.i18n import LANGUAGES, SOURCE, catalog_path, translator
from bot.market.texts import ADMIN_MENU
from bot.requesting.texts import REQUESTER_MENU
from bot.work import screens as worker_screens
from bot.work.desk import HitPage
from bot.work.texts import WORKER_MENU

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "bot" / "locale" / "gigbot.pot"
TRANSLATED = [code for code in LANGUAGES if code != SOURCE]
KEYWORDS = {  # as `make messages` extracts (Makefile)
    "t": None,
    "N_": None,
    "ParseError": None,
    "Words": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}

# How wide a button may be on a phone: Telegram gives the buttons of a row equal shares of
# the message's width and cuts a label that does not fit ("Communicat…"). A phone shows
# about 40 units across (a unit: a Latin letter; an emoji or a wide character counts 2,
# combining marks 0); each further button in a row costs ~2 units of padding.
ROW_UNITS = 40


def budget(buttons_in_row: int) -> int:
    """The most units one label of a row of `buttons_in_row` may take: 40, 19, 12, 8, 6, 5."""
    return (ROW_UNITS - 2 * (buttons_in_row - 1)) // buttons_in_row


def units(label: str) -> int:
    """A label's width on a phone, in units (see ROW_UNITS)."""
    width = 0
    for ch in label:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf") or ch in "\ufe0f\u200d":
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _forms(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def _strings(message: Message) -> list[str]:
    if isinstance(message.string, tuple | list):
        return list(message.string)
    return [message.string]


def _placeholders(text: str) -> Counter[str]:
    """The {names} a message fills in (str.format's view, so "{{" is a brace)."""
    return Counter(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def _tags(text: str) -> Counter[str]:
    """The HTML tags of a message, attributes included (<a href="{url}">)."""
    return Counter(re.findall(r"</?[a-z]+(?: [^<>]*)?>", text))


def _commands(text: str) -> set[str]:
    """The /commands a message names (a user types them as written): a /word that starts a
    word of its own (after a space, a bracket, a quote or a tag), not a unit written after a
    value ("{money}/h", "≈/h"), which a language writes its own way ("{money}/jam")."""
    return set(re.findall(r"(?:^|(?<=[\s(\[«\"'“‘>]))/[a-z]+\b", text, re.MULTILINE))


# -- the pipeline: code -> template -> catalogs ---------------------------------------------


def test_the_template_holds_every_text_in_the_code() -> None:
    """`make messages` was run: every text the code says is in bot/locale/gigbot.pot, and
    the template holds nothing the code no longer says."""
    found: set[tuple[str | None, str]] = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map=[
            ("bot/sandbox/**.py", "ignore"),
            ("bot/**.py", "python"),
            ("handlers/**.py", "python"),
        ],
        keywords=KEYWORDS,
    ):
        first = message[0] if isinstance(message, tuple) else message
        found.add((context, first))
    template = {(m.context, _forms(m)[0]) for m in _messages(_load(TEMPLATE))}
    assert sorted(found - template, key=str) == [], "texts missing from the template: make messages"
    assert sorted(template - found, key=str) == [], "texts the code no longer says: make messages"


def test_every_plural_in_the_code_is_a_plural_in_the_template() -> None:
    """pybabel reads `t.ngettext(one, many, n, x=f(t, y))` as a plain `t(...)` call (a bare
    `t` among its arguments), losing the plural: such values are worked out before it."""
    plurals = {_forms(m)[0] for m in _messages(_load(TEMPLATE)) if isinstance(m.id, tuple)}
    calls = []
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "ngettext"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                calls.append((path.name, node.lineno, node.args[0].value))
    assert len(calls) > 20
    assert [call for call in calls if call[2] not in plurals] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalog_is_complete(language: str) -> None:
    """Every message of the template is translated, every plural form filled, none fuzzy,
    and the catalog holds nothing the template does not (run `make messages`)."""
    catalog = _load(catalog_path(language), LANGUAGES[language])
    template = {(m.context, m.id) for m in _messages(_load(TEMPLATE))}
    have = {(m.context, m.id) for m in _messages(catalog)}
    assert template - have == set(), "messages not in the catalog yet: make messages"
    assert have - template == set(), "messages the template no longer has: make messages"
    untranslated = [
        _forms(m)[0] for m in _messages(catalog) if not all(s.strip() for s in _strings(m))
    ]
    fuzzy = [_forms(m)[0] for m in _messages(catalog) if m.fuzzy]
    count = len(_messages(catalog))
    assert untranslated == [], f"{len(untranslated)} of {count} untranslated in {language}"
    assert fuzzy == [], f"fuzzy (unchecked) translations in {language}"
    assert catalog.num_plurals == len(_strings(next(m for m in catalog if isinstance(m.id, tuple))))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalog_keeps_its_header_with_its_plural_forms(language: str) -> None:
    """Each catalog says its language and plural rule in its header, as gettext tools read
    it without being told the locale (`make messages` keeps the header; with
    --omit-header it dropped it and a catalog read alone fell back to two forms)."""
    catalog = _load(catalog_path(language))  # no locale given: the header alone
    locale = LANGUAGES[language]
    assert str(catalog.locale) == locale
    assert catalog.plural_forms == get_plural(locale).plural_forms


def test_the_commands_check_tells_a_command_from_a_rate_unit() -> None:
    """A command is a /word of its own; a unit after a value is not: a translator writes
    the local unit ("{money}/jam", "≈/ч") and keeps every command."""
    assert _commands("Send /next or <code>/raise HIT 0.10</code> (/help)") == {
        "/next",
        "/raise",
        "/help",
    }
    assert _commands("/start first") == {"/start"}
    assert _commands("{money}/jam") == set() and _commands("≈/ч: ≥/jam: …") == set()
    assert _commands("💰 {reward} · ~{money}/h") == set()


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_placeholders_tags_and_commands(language: str) -> None:
    """A translation fills in the same {placeholders}, keeps the same HTML tags and the
    same /commands as its English; a plural form may leave out {n} only where the
    language has a single form for one (it still names the same others)."""
    catalog = _load(catalog_path(language), LANGUAGES[language])
    wrong: list[str] = []
    for m in _messages(catalog):
        english = _forms(m)
        source = english[-1]
        for said in (s for s in _strings(m) if s):
            names, wanted = set(_placeholders(said)), set(_placeholders(source))
            if len(english) > 1:  # a plural form may say "one" in words instead of {n}
                names, wanted = names - {"n"}, wanted - {"n"}
            if names != wanted:
                wrong.append(f"placeholders: {source!r} -> {said!r}")
            if _tags(said) != _tags(source):
                wrong.append(f"tags: {source!r} -> {said!r}")
            if _commands(said) != _commands(source):
                wrong.append(f"commands: {source!r} -> {said!r}")
    assert wrong == []


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_command_menus_fit_telegram_in_every_language(language: str) -> None:
    """What each command does, as Telegram's menu shows it: 1 to 40 characters (the Bot API
    allows 256; a phone shows about 40), in every language."""
    t = translator(language)
    for name, said in (*WORKER_MENU, *REQUESTER_MENU, *ADMIN_MENU):
        assert 1 <= len(t(said)) <= 40, (name, t(said))


def test_a_translator_falls_back_to_english_for_a_language_gigbot_does_not_speak() -> None:
    """Telegram's language codes map onto the catalogs: regional variants share one."""
    assert translator("pt-BR").language == "pt-br" and translator("pt").language == "pt-br"
    assert translator("es-419").language == "es" and translator("in").language == "id"
    assert translator("uk").language == "en" and translator(None).language == "en"
    es = translator("es")
    assert es.money(1234) == "12,34\xa0US$" and translator("en").money(-50) == "-$0.50"
    assert es.duration(90) == "1 min 30 s" and translator("en").duration(93784) == "1d 2h"
    assert es.ngettext("{n} item", "{n} items", 1) == "1 elemento"
    assert es.ngettext("{n} item", "{n} items", 3) == "3 elementos"
    assert es.language_name("pt") == "portugués" and es.clock(1320) == "22:00"


# -- the story in every language -----------------------------------------------------------

SPEED = 1000.0


def _screens(stage: Stage) -> list[tuple[str, list[list[str]]]]:
    """Every message text and keyboard the bot sent or drew (edits too), in order."""
    seen: list[tuple[str, list[list[str]]]] = []
    for call in stage.sim.records.calls:
        if call.method not in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            continue
        params: dict[str, Any] = call.params
        markup = params.get("reply_markup") or {}
        rows = [[str(b.get("text", "")) for b in row] for row in markup.get("inline_keyboard", [])]
        seen.append((str(params.get("text", "")), rows))
    return seen


def _english_left(language: str, screens: list[tuple[str, list[list[str]]]]) -> list[str]:
    """English sentences of the catalog found on the screens of a story told in another
    language: each English message's words between its placeholders (4 words or more)
    that its translation does not itself keep."""
    catalog = _load(catalog_path(language), LANGUAGES[language])
    shown = "\n".join(unescape(re.sub(r"<[^>]+>", "", text)) for text, _ in screens)
    shown += "\n".join(label for _, rows in screens for row in rows for label in row)
    left = []
    for m in _messages(catalog):
        said = " ".join(_strings(m))
        for english in _forms(m):
            for piece in re.split(r"\{[^{}]*\}", re.sub(r"<[^>]+>", "", english)):
                piece = unescape(piece).strip(" .,:;—·()\n")
                if len(piece.split()) >= 4 and piece not in said and piece in shown:
                    left.append(piece)
    return left


@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_the_demo_story_in_every_language_fits_telegram_and_a_phone(
    tmp_path: Path, language: str
) -> None:
    """`gigbot demo --lang xx`: the whole story, told in the language, with no error and no
    Telegram limit broken (the simulated Telegram checks text sizes, entities, callback
    data and keyboards against the Bot API), every button label within a phone's width,
    and no English sentence left on a screen of another language."""
    stages: list[list[tuple[str, list[list[str]]]]] = []
    lines: list[str] = []
    summary = await tell(
        7,
        SPEED,
        str(tmp_path / f"demo-{language}.sqlite3"),
        write=lines.append,
        language=language,
        look=lambda stage: stages.append(_screens(stage)),
    )
    assert summary.errors == [] and summary.violations == [] and summary.clean
    (screens,) = stages
    assert len(screens) > 80, "the story drew its screens"
    too_wide = [
        (label, units(label), budget(len(row)))
        for _, rows in screens
        for row in rows
        for label in row
        if units(label) > budget(len(row))
    ]
    assert too_wide == [], "labels a phone would cut (label, units, budget)"
    assert max(len(text) for text, _ in screens) <= 4096
    if language != SOURCE:
        assert _english_left(language, screens) == []


def test_gigbot_demo_lang_hi_tells_the_whole_story_in_hindi(tmp_path: Path) -> None:
    """`gigbot demo --lang hi` from the command line: the story runs to its clean summary,
    and what the bot says to everyone (the transcript's │ lines) is Hindi."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--lang", "hi", "--speed", "600"]
        + ["--database", str(tmp_path / "demo-hi.sqlite3")],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin"},
        cwd=ROOT / "tests",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""
    out = done.stdout
    assert "limit violations     0" in out and "errors               0" in out
    assert "ledger sums to       0" in out
    said = [line.split("│", 1)[1] for line in out.splitlines() if "│" in line]
    hindi = [line for line in said if re.search("[\u0900-\u097f]", line)]
    assert len(hindi) > len(said) // 2, "most of what the bot says is in Devanagari"
    assert "👋 gigbot में आपका स्वागत है, Rita!" in out


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_hits_keyboard_fits_a_phone_in_every_language(language: str) -> None:
    """/hits (not in the demo): its sort row and kind filters, whichever is ticked, within
    a phone's width in every language (four kinds in one row did not fit even in English)."""
    t = translator(language)
    too_wide = []
    for sort in HitSort:
        for kind in (None, *HitKind):
            screen = worker_screens.hits_page(t, HitPage([], 0, 0, sort, kind))
            too_wide += [
                (b.text, units(b.text), budget(len(row)))
                for row in screen.rows
                for b in row
                if units(b.text) > budget(len(row))
            ]
    assert sorted(set(too_wide)) == []
