"""Pure parsers for what users type: money, durations, /newpoll and /fund arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain import PollDraft
from bot.i18n import Translator

MAX_OPTIONS = 10
MAX_OPTION_LEN = 60
MAX_QUESTION_LEN = 300
MAX_ASSIGNMENTS = 1000
MAX_REWARD_CENTS = 100_00
MAX_FUND_CENTS = 1_000_000_00
MIN_TIME_S = 30
MAX_TIME_S = 24 * 3600
MIN_LIFE_S = 60
MAX_LIFE_S = 30 * 24 * 3600
MIN_AUTO_S = 60
MAX_AUTO_S = 30 * 24 * 3600

MAX_DIGITS = 15  # a typed whole number: far within SQLite's 64-bit integers
# Dollars and cents: a point or a comma before the cents ("12.50", "12,50"), at most 9 digits
# of dollars (far past every range a command allows; the caller's range says the bounds).
_MONEY = re.compile(r"^\$?(\d{1,9})(?:[.,](\d{1,2}))?$")
# Digits in groups of three ("1.000,50", "1,000.50", "1 000"), or three decimals ("12.505").
_GROUPED = re.compile(r"^\$?[1-9]\d{0,2}(?:[., ]\d{3})+(?:[.,]\d{1,2})?$")
_DOLLARS = re.compile(r"^\$?(\d+)(?:[.,]\d+)?$")
_DURATION = re.compile(r"^(\d{1,6})([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ParseError(ValueError):
    """Input that cannot be understood, saying what is wrong in user words: a message for
    the catalogs (`ParseError` is an extraction keyword) and the values of its placeholders,
    ParseError("'{text}' is not an amount like 0.05", text="5$"). `problem` is the English;
    `said(t)` the user's language."""

    def __init__(self, problem: str, /, **values: object) -> None:
        self.message = problem
        self.values = values
        self.problem = problem.format(**values) if values else problem
        super().__init__(self.problem)

    def said(self, t: Translator) -> str:
        """The problem in the user's language."""
        words = {k: t(v) if isinstance(v, Words) else v for k, v in self.values.items()}
        return t(self.message, **words) if words else t(self.message)


class Words(str):
    """Words inside a problem that are said in the user's language too (`Words` is an
    extraction keyword): ParseError("{what} must be a whole number", what=Words("n"))."""


def whole_number(text: str) -> int | None:
    """A whole number as people type it, or None: "12" -> 12, "१२" (Devanagari) -> 12;
    "-5", "²", "1e3", "" and numbers of more than 15 digits -> None."""
    if text.isdecimal() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


def parse_money(text: str) -> int:
    """Dollars as people type them, into cents: "0.05" -> 5, "$1.5" -> 150, "2" -> 200, and
    with the decimal comma of Spanish, Portuguese, Russian or Indonesian: "12,50" -> 1250.

    The one parser of every amount a user types (/deposit, /withdraw, /bonus, /raise,
    reward=, /fund). What it cannot read for sure is refused with the form to write, never
    guessed: thousands separators ("1.000,50", "1,000") and a third decimal ("12.505");
    "12.5.0", "-5", "1e3", "NaN"; more than 9 digits of dollars.
    """
    typed = text.strip()
    match = _MONEY.match(typed)
    if match:
        whole, frac = match.group(1), (match.group(2) or "").ljust(2, "0")
        return int(whole) * 100 + int(frac)
    if _GROUPED.match(typed):
        raise ParseError(
            "'{text}': write the amount without thousands separators and with at most"
            " 2 decimals, like 1000.50",
            text=text,
        )
    dollars = _DOLLARS.match(typed)
    if dollars and len(dollars.group(1)) > 9:
        raise ParseError("'{text}' is more than any amount gigbot takes", text=text)
    raise ParseError("'{text}' is not an amount like 0.05", text=text)


def parse_reward(text: str) -> int:
    """A reward per assignment (reward=, /raise), in cents: "0,05" -> 5; 0.01 to 100.00."""
    return in_range("reward", parse_money(text), 1, MAX_REWARD_CENTS, "0.01 to 100.00")


def parse_duration(text: str) -> int:
    """Parse a duration into seconds: "90s" -> 90, "2m" -> 120, "1h" -> 3600, "1d" -> 86400."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ParseError("'{text}' is not a duration like 90s, 2m, 1h or 1d", text=text)
    return int(match.group(1)) * _UNITS[match.group(2)]


def in_range(name: str, value: int, low: int, high: int, shown: str) -> int:
    if not low <= value <= high:
        low_shown, _, high_shown = shown.partition(" to ")
        raise ParseError(
            "{name} must be {low} to {high}", name=name, low=low_shown, high=high_shown
        )
    return value


def parse_poll(args: str) -> PollDraft:
    """Parse `/newpoll` arguments.

    "Which logo? | A | B ; reward=0.05 n=10 time=2m life=1d" ->
    PollDraft("Which logo?", ("A", "B"), 5, 10, 120, 86400).
    reward is required; n defaults to 10, time to 5m, life to 1d; est (the expected work
    time, for the pay floor) defaults to none: "...; reward=0.05 time=2m est=20s" -> est_s 20.
    """
    body, semicolon, settings = args.partition(";")
    parts = [part.strip() for part in body.split("|")]
    question, options = parts[0], tuple(parts[1:])
    if not question:
        raise ParseError("the question is missing")
    if len(question) > MAX_QUESTION_LEN:
        raise ParseError("the question is longer than {most} characters", most=MAX_QUESTION_LEN)
    if not semicolon:
        _terms_without_semicolon(parts)
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise _options_problem(question, options)
    if any(not option for option in options):
        raise ParseError("an option is empty")
    if any(len(option) > MAX_OPTION_LEN for option in options):
        raise ParseError("an option is longer than {most} characters", most=MAX_OPTION_LEN)
    if len(set(options)) != len(options):
        raise ParseError("two options are the same")
    values = parse_settings(settings, POLL_SETTINGS, ELSEWHERE)
    if "reward" not in values:
        raise ParseError("the reward is missing: end with ; reward=0.05 (paid per answer)")
    time_s = parse_duration(values.get("time", "5m"))
    return PollDraft(
        question=question,
        options=options,
        reward_cents=parse_reward(values["reward"]),
        max_assignments=in_range(
            "n", _parse_int(values.get("n", "10"), "n"), 1, MAX_ASSIGNMENTS, "1 to 1000"
        ),
        time_allotted_s=in_range(
            "time", parse_duration(values.get("time", "5m")), MIN_TIME_S, MAX_TIME_S, "30s to 24h"
        ),
        lifetime_s=in_range(
            "life", parse_duration(values.get("life", "1d")), MIN_LIFE_S, MAX_LIFE_S, "1m to 30d"
        ),
        est_s=parse_estimate(values.get("est"), time_s),
        auto_approve_s=parse_auto(values.get("auto")),
    )


def _options_problem(question: str, options: tuple[str, ...]) -> ParseError:
    """What is wrong when a poll has fewer than 2 or more than MAX_OPTIONS options, in the
    requester's own words: "Best day? Mon | Tue" -> a | is missing after the question mark."""
    if len(options) > MAX_OPTIONS:
        return ParseError(
            "that is {n} options; a poll has at most {most}", n=len(options), most=MAX_OPTIONS
        )
    asked, mark, rest = question.partition("?")
    if mark and rest.strip():  # the first option is stuck to the question
        fixed = " | ".join([asked.strip() + "?", rest.strip(), *options])
        return ParseError("a | is missing after the question mark: “{fixed}”", fixed=fixed)
    if not options:
        return ParseError("there are no options: put | between the question and each option")
    return ParseError(
        "there is only one option (“{option}”): give 2 to {most}, each after a |",
        option=options[0],
        most=MAX_OPTIONS,
    )


def _terms_without_semicolon(parts: list[str]) -> None:
    """Refuse terms typed without the ; before them ("A | B reward=0.05"), showing where."""
    last = parts[-1].split()
    at = next((n for n, word in enumerate(last) if "=" in word), None)
    if at is None:
        return
    before = " | ".join([*parts[:-1], " ".join(last[:at])]).strip(" |")
    raise ParseError(
        "put a ; before the terms: “{before} ; {terms}”", before=before, terms=" ".join(last[at:])
    )


def parse_auto(text: str | None) -> int | None:
    """The auto-approval delay (auto=): "3d" -> 259200; None when not given."""
    if text is None:
        return None
    return in_range("auto", parse_duration(text), MIN_AUTO_S, MAX_AUTO_S, "1m to 30d")


MIN_EST_S = 5


def parse_estimate(text: str | None, time_allotted_s: int) -> int | None:
    """The expected work time (est=): "20s" with 2m allotted -> 20; None when not given.

    It can't exceed the time allotted.
    """
    if text is None:
        return None
    seconds = parse_duration(text)
    if not MIN_EST_S <= seconds <= time_allotted_s:
        raise ParseError("est (expected work time) must be 5s up to the time allotted")
    return seconds


POLL_SETTINGS = ("reward", "n", "time", "life", "auto", "est")
ELSEWHERE = ("topic", "dispatch", "extend", "lang")  # taken out first (topics, offers, languages)


def parse_settings(text: str, known: tuple[str, ...], also: tuple[str, ...]) -> dict[str, str]:
    """Parse "reward=0.05 n=10" into {"reward": "0.05", "n": "10"}.

    `known` are the names parsed here; `also` the ones this command takes elsewhere, only
    named in the message about an unknown setting.
    """
    values: dict[str, str] = {}
    for token in text.split():
        name, sep, value = token.partition("=")
        if not sep or not value:
            raise ParseError("'{token}' should look like name=value", token=token)
        if name not in known:
            raise ParseError(
                "unknown setting '{name}' (use {known})",
                name=name,
                known=", ".join((*known, *also)),
            )
        if name in values:
            raise ParseError("'{name}' is given twice", name=name)
        values[name] = value
    return values


def take_settings(terms: str, names: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """Take the settings `names` out of terms; the rest is left as written.

    ("reward=0.05 topic=images n=3", ("topic",)) -> ("reward=0.05 n=3", {"topic": "images"})
    """
    rest: list[str] = []
    found: dict[str, str] = {}
    for token in terms.split():
        name, sep, value = token.partition("=")
        if name not in names or not sep:
            rest.append(token)
            continue
        if name in found:
            raise ParseError("'{name}' is given twice", name=name)
        found[name] = value
    return " ".join(rest), found


def in_poll_terms(args: str, names: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """take_settings on `/newpoll` arguments, whose terms follow the first ';'.

    ("Q? | A | B ; reward=0.05 topic=images", ("topic",))
    -> ("Q? | A | B ; reward=0.05", {"topic": "images"})
    """
    body, sep, terms = args.partition(";")
    rest, found = take_settings(terms, names)
    return (body + sep + " " + rest if sep else body), found


def _parse_int(text: str, name: str) -> int:
    value = whole_number(text)
    if value is None:
        raise ParseError("{name} must be a whole number", name=name)
    return value


@dataclass(frozen=True, slots=True)
class FundArgs:
    tg_id: int
    amount_cents: int


def parse_fund(args: list[str]) -> FundArgs:
    """Parse `/fund` arguments: ["12345", "10.00"] -> FundArgs(12345, 1000)."""
    if len(args) != 2:
        raise ParseError("give a Telegram user id and an amount")
    user, amount = args
    tg_id = whole_number(user)
    if tg_id is None:
        raise ParseError("'{user}' is not a Telegram user id", user=user)
    cents = parse_money(amount)
    if not 1 <= cents <= MAX_FUND_CENTS:
        raise ParseError("the amount must be between 0.01 and 1,000,000.00")
    return FundArgs(tg_id, cents)


def parse_start_payload(payload: str) -> tuple[str, int] | None:
    """A /start deep-link payload: "hit_12" -> ("hit", 12), "batch_3" -> ("batch", 3).

    Anything else (empty, "hit_x", "foo_1") -> None.
    """
    kind, _, number = payload.partition("_")
    found = whole_number(number)
    if kind not in ("hit", "batch") or found is None:
        return None
    return kind, found
