"""Pure parsers for the requester's tools: HIT terms, options, batch files, /bonus."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

from bot.i18n import N_
from bot.parsing import (
    MAX_ASSIGNMENTS,
    MAX_LIFE_S,
    MAX_OPTION_LEN,
    MAX_OPTIONS,
    MAX_QUESTION_LEN,
    MAX_TIME_S,
    MIN_LIFE_S,
    MIN_TIME_S,
    ParseError,
    in_range,
    parse_auto,
    parse_duration,
    parse_estimate,
    parse_money,
    parse_reward,
    parse_settings,
    whole_number,
)

# An amount typed with a space between thousands ("1 000,50") splits into two words.
_THREE_DIGITS = re.compile(r"^\$?\d{1,3}$")
_GROUP_AFTER = re.compile(r"^\d{3}(?:[.,]\d{1,2})?(?:\s|$)")

MAX_BATCH_BYTES = 256 * 1024
MAX_BATCH_ROWS = 500
MAX_ITEM_LEN = 1000
MAX_LABELS = 8
MAX_LABEL_LEN = 30
MAX_SURVEY_QUESTIONS = 10
MAX_BONUS_CENTS = 100_00
TERMS_SETTINGS = ("reward", "n", "time", "life", "auto", "est")
# Problems a handler finds before it can call a parser (no new terms, a file too large to fetch).
NO_TERMS = N_("no terms given (like reward=0.10)")


def file_too_large() -> ParseError:
    """An upload over MAX_BATCH_BYTES, refused before it is fetched."""
    return ParseError("the file is larger than {kb} KB", kb=MAX_BATCH_BYTES // 1024)


_ALIAS = re.compile(r"^W-[0-9A-Z]{4}$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Terms:
    """What a HIT pays and how long things take."""

    reward_cents: int
    max_assignments: int
    time_allotted_s: int
    lifetime_s: int
    auto_approve_s: int
    est_s: int | None = None  # expected work time (est=), for the pay floor


def parse_terms(text: str, default_auto_s: int, also: tuple[str, ...] = ("topic",)) -> Terms:
    """Parse "reward=0.10 n=20 time=5m life=1d auto=3d" (all but reward have defaults).

    "reward=0.05" -> Terms(5, 10, 300, 86400, default_auto_s).
    """
    values = parse_settings(text, TERMS_SETTINGS, also)
    if "reward" not in values:
        raise ParseError("the reward is missing (reward=0.05)")
    n = whole_number(values.get("n", "10"))
    if n is None:
        raise ParseError("n must be a whole number")
    auto = parse_auto(values.get("auto"))
    time_s = parse_duration(values.get("time", "5m"))
    return Terms(
        reward_cents=parse_reward(values["reward"]),
        max_assignments=in_range("n", n, 1, MAX_ASSIGNMENTS, "1 to 1000"),
        time_allotted_s=in_range(
            "time", parse_duration(values.get("time", "5m")), MIN_TIME_S, MAX_TIME_S, "30s to 24h"
        ),
        lifetime_s=in_range(
            "life", parse_duration(values.get("life", "1d")), MIN_LIFE_S, MAX_LIFE_S, "1m to 30d"
        ),
        auto_approve_s=default_auto_s if auto is None else auto,
        est_s=parse_estimate(values.get("est"), time_s),
    )


def terms_line(terms: Terms) -> str:
    """Terms as they are typed: Terms(5, 10, 120, 86400, 259200) ->
    "reward=0.05 n=10 time=2m life=1d auto=3d" (est=… when given)."""
    values = _terms_values(terms)
    return " ".join(f"{name}={value}" for name, value in values.items())


def changed_terms(current: Terms, text: str, also: tuple[str, ...] = ("topic",)) -> Terms:
    """`current` with the settings `text` gives replaced, checked as a whole:
    (Terms(5, 10, 120, 86400, 259200), "reward=0.27") -> Terms(27, 10, 120, 86400, 259200).

    `also` are the other names the caller takes out first (for the unknown-setting message).
    """
    given = parse_settings(text, TERMS_SETTINGS, also)
    if not given:
        raise ParseError(NO_TERMS)
    merged = {**_terms_values(current), **given}
    return parse_terms(
        " ".join(f"{name}={value}" for name, value in merged.items()),
        current.auto_approve_s,
        also,
    )


def _terms_values(terms: Terms) -> dict[str, str]:
    values = {
        "reward": f"{terms.reward_cents // 100}.{terms.reward_cents % 100:02d}",
        "n": str(terms.max_assignments),
        "time": duration_setting(terms.time_allotted_s),
        "life": duration_setting(terms.lifetime_s),
        "auto": duration_setting(terms.auto_approve_s),
    }
    if terms.est_s is not None:
        values["est"] = duration_setting(terms.est_s)
    return values


def duration_setting(seconds: int) -> str:
    """A duration as parse_duration reads it, in its largest whole unit: 120 -> "2m",
    90 -> "90s", 86400 -> "1d", 5400 -> "90m"."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def parse_prompt(text: str) -> str:
    """A question's text: "  Age?  " -> "Age?"; not empty, not too long."""
    prompt = text.strip()
    if not prompt:
        raise ParseError("the question is empty")
    if len(prompt) > MAX_QUESTION_LEN:
        raise ParseError("the question is longer than {most} characters", most=MAX_QUESTION_LEN)
    return prompt


def parse_options(
    text: str, *, most: int = MAX_OPTIONS, longest: int = MAX_OPTION_LEN
) -> tuple[str, ...]:
    """Choices separated by |: "Red | Green | Blue" -> ("Red", "Green", "Blue")."""
    options = tuple(part.strip() for part in text.split("|"))
    if not 2 <= len(options) <= most:
        raise ParseError("give between 2 and {most} options, separated by |", most=most)
    if any(not option for option in options):
        raise ParseError("an option is empty")
    if any(len(option) > longest for option in options):
        raise ParseError("an option is longer than {longest} characters", longest=longest)
    if len({o.lower() for o in options}) != len(options):
        raise ParseError("two options are the same")
    return options


def parse_labels(text: str) -> tuple[str, ...]:
    """Tag labels separated by |: "cat | dog" -> ("cat", "dog")."""
    return parse_options(text, most=MAX_LABELS, longest=MAX_LABEL_LEN)


# -- batch files ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One row of an uploaded batch: text or an image URL to tag, maybe a gold label."""

    line: int
    text: str | None
    image_url: str | None
    gold: str | None

    @property
    def shown(self) -> str:
        return self.text if self.text is not None else str(self.image_url)


class BatchFileError(ValueError):
    """Problems of an uploaded file, each as (line, problem); line 0 = the whole file."""

    def __init__(self, problems: list[tuple[int, ParseError]]) -> None:
        super().__init__("; ".join(f"line {n}: {why.problem}" for n, why in problems))
        self.problems = problems


def parse_batch_file(filename: str, content: bytes) -> list[BatchItem]:
    """Parse a CSV (header: text or image_url, optional gold) or a JSON list of objects.

    b"text,gold\\nA purring cat,cat\\n" -> [BatchItem(2, "A purring cat", None, "cat")].
    Raises BatchFileError listing every bad line; nothing partial is returned. Linear in
    the file (at most MAX_BATCH_BYTES) and keeps at most MAX_BATCH_ROWS rows: a big file
    takes tens of milliseconds, so the bot parses it off the event loop (bot/bounds.py).
    """
    if len(content) > MAX_BATCH_BYTES:
        raise BatchFileError([(0, file_too_large())])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BatchFileError([(0, ParseError("the file is not UTF-8 text"))]) from None
    lower = filename.lower()
    if lower.endswith(".json"):
        rows, count = _json_rows(text)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        rows, count = _csv_rows(text)
    else:
        raise BatchFileError([(0, ParseError("send a .csv or .json file"))])
    if not count:
        raise BatchFileError([(0, ParseError("the file has no items"))])
    if count > MAX_BATCH_ROWS:
        raise BatchFileError(
            [
                (
                    0,
                    ParseError(
                        "the file has {count} items; at most {most}",
                        count=count,
                        most=MAX_BATCH_ROWS,
                    ),
                )
            ]
        )
    items: list[BatchItem] = []
    problems: list[tuple[int, ParseError]] = []
    for line, row in rows:
        try:
            items.append(_item(line, row))
        except ParseError as exc:
            problems.append((line, exc))
    if problems:
        raise BatchFileError(problems)
    return items


Rows = list[tuple[int, dict[str, object]]]
_NOT_AN_OBJECT = N_('each item must be an object like {"text": ...}')


def _cells_problem(cells: int, header: int) -> ParseError:
    """A CSV line whose cells do not match the header's."""
    return ParseError("{cells} cells, the header has {header}", cells=cells, header=header)


def _csv_rows(text: str) -> tuple[Rows, int]:
    """The rows (the first MAX_BATCH_ROWS) and how many there are."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], 0
    except csv.Error as exc:
        raise BatchFileError([(1, ParseError("not valid CSV ({error})", error=str(exc)))]) from None
    unknown = [h for h in header if h not in {"text", "image_url", "gold"}]
    if unknown or not ({"text", "image_url"} & set(header)):
        raise BatchFileError(
            [(1, ParseError("the header must name columns text or image_url, and optionally gold"))]
        )
    rows: Rows = []
    count = 0
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > MAX_BATCH_ROWS:
                continue  # counted for the refusal, not kept
            if len(cells) != len(header):
                rows.append((line, {"_problem": _cells_problem(len(cells), len(header))}))
                continue
            rows.append(
                (line, {h: (c.strip() or None) for h, c in zip(header, cells, strict=True)})
            )
    except csv.Error as exc:
        raise BatchFileError(
            [(reader.line_num, ParseError("not valid CSV ({error})", error=str(exc)))]
        ) from None
    return rows, count


_SPACE = re.compile(r"[ \t\r\n]*")


class _Lines:
    """Line numbers of positions met in increasing order, each newline counted once.

    (Counting from the start of the text for every item made a file of many small
    items quadratic: a 250 KB upload held the event loop for seconds.)
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1

    def at(self, pos: int) -> int:
        if pos >= self.pos:
            self.line += self.text.count("\n", self.pos, pos)
            self.pos = pos
            return self.line
        return self.text.count("\n", 0, pos) + 1  # going back: only for a final error


def _json_rows(text: str) -> tuple[Rows, int]:
    """Decode a JSON list object by object, remembering the line each one starts on;
    the rows (the first MAX_BATCH_ROWS) and how many there are."""
    decoder = json.JSONDecoder()
    lines = _Lines(text)
    pos = _skip_space(text, 0)
    if pos >= len(text) or text[pos] != "[":
        raise BatchFileError(
            [(lines.at(pos), ParseError("a JSON file must be a list: [{...}, {...}]"))]
        )
    pos = _skip_space(text, pos + 1)
    rows: Rows = []
    count = 0
    while pos < len(text) and text[pos] != "]":
        line = lines.at(pos)
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise BatchFileError(
                [(exc.lineno, ParseError("not valid JSON ({error})", error=exc.msg))]
            ) from None
        except RecursionError:
            raise BatchFileError(
                [(line, ParseError("not valid JSON (nested too deeply)"))]
            ) from None
        count += 1
        if count > MAX_BATCH_ROWS:
            pass  # counted for the refusal, not kept
        elif isinstance(value, dict):
            rows.append((line, {str(k): v for k, v in value.items()}))
        else:
            rows.append((line, {"_problem": ParseError(_NOT_AN_OBJECT)}))
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_space(text, pos + 1)
        elif pos < len(text) and text[pos] != "]":
            raise BatchFileError([(lines.at(pos), ParseError("not valid JSON (expected , or ])"))])
    if pos >= len(text):
        raise BatchFileError(
            [(lines.at(pos), ParseError("not valid JSON (the list is not closed)"))]
        )
    if text[pos + 1 :].strip():
        raise BatchFileError(
            [(lines.at(pos + 1), ParseError("not valid JSON (text after the list)"))]
        )
    return rows, count


def _skip_space(text: str, pos: int) -> int:
    found = _SPACE.match(text, pos)
    return found.end() if found else pos


def _item(line: int, row: dict[str, object]) -> BatchItem:
    if "_problem" in row:
        problem = row["_problem"]
        raise problem if isinstance(problem, ParseError) else ParseError(str(problem))
    unknown = sorted(set(row) - {"text", "image_url", "gold"})
    if unknown:
        raise ParseError("unknown field '{name}' (use text, image_url, gold)", name=unknown[0])
    values: dict[str, str | None] = {}
    for name in ("text", "image_url", "gold"):
        value = row.get(name)
        if value is not None and not isinstance(value, str):
            raise ParseError("{name} must be text", name=name)
        values[name] = value.strip() if isinstance(value, str) and value.strip() else None
    text, url = values["text"], values["image_url"]
    if (text is None) == (url is None):
        raise ParseError("give either text or image_url")
    if len(text or url or "") > MAX_ITEM_LEN:
        raise ParseError("the item is longer than {most} characters", most=MAX_ITEM_LEN)
    if url is not None and not re.match(r"^https?://\S+$", url):
        raise ParseError("image_url must start with http:// or https://")
    return BatchItem(line, text, url, values["gold"])


def check_golds(items: list[BatchItem], labels: tuple[str, ...]) -> list[tuple[int, ParseError]]:
    """Lines whose gold answer is not one of the labels (case-insensitive)."""
    known = {label.lower() for label in labels}
    return [
        (item.line, ParseError("gold '{gold}' is not one of the labels", gold=item.gold))
        for item in items
        if item.gold is not None and item.gold.lower() not in known
    ]


# -- /bonus -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BonusArgs:
    """Whom to pay (an alias like W-7F3K or an assignment id), how much, and why."""

    alias: str | None
    assignment_id: int | None
    amount_cents: int
    reason: str


def parse_bonus(args: str) -> BonusArgs:
    """Parse `/bonus` arguments: "W-7F3K 0.50 Great notes" -> BonusArgs("W-7F3K", None, 50, ...).

    "12 1 thanks" -> BonusArgs(None, 12, 100, "thanks").
    """
    parts = args.split(maxsplit=2)
    if len(parts) < 3:
        raise ParseError("give a worker alias or assignment id, an amount and a reason")
    who, amount, reason = parts
    if _GROUP_AFTER.match(reason) and _THREE_DIGITS.match(amount):
        parse_money(f"{amount} {reason.split()[0]}")  # "1 000,50 thanks": refused, not $1
    cents = parse_money(amount)
    if not 1 <= cents <= MAX_BONUS_CENTS:
        raise ParseError("the bonus must be between 0.01 and 100.00")
    if len(reason) > 300:
        raise ParseError("the reason is longer than 300 characters")
    number = whole_number(who)
    if number is not None:
        return BonusArgs(None, number, cents, reason.strip())
    if not _ALIAS.match(who):
        raise ParseError("'{who}' is not an alias like W-7F3K or an assignment number", who=who)
    return BonusArgs(who.upper(), None, cents, reason.strip())


def parse_alias(text: str) -> str:
    """A worker alias: "w-7f3k" -> "W-7F3K"."""
    who = text.strip()
    if not _ALIAS.match(who):
        raise ParseError("'{who}' is not an alias like W-7F3K", who=who)
    return who.upper()
