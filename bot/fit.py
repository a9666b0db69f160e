"""Telegram's length limits, counted as Telegram counts them, and clipping to fit.

Telegram measures a message's text (after HTML is parsed into entities), a caption and
a button's answer in UTF-16 code units: "😀" counts 2, "é" 1, "&amp;" in HTML 1.
Every screen gigbot sends is kept within these by the clipping here, whatever users typed.

>>> units("ok 😀")
5
>>> clip("a long answer", 8)
'a long…'
>>> fit_html("<b>" + "x" * 10 + "</b>", 6)
'<b>xxxxx…</b>'
"""

from __future__ import annotations

import re

TEXT_MAX = 4096  # a message's text
CAPTION_MAX = 1024  # a document's caption
ALERT_MAX = 200  # answerCallbackQuery's text
ELLIPSIS = "…"

_HTML_PART = re.compile(r"<[^>]*>|&(?:#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|[^<&]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
# A cut must not leave a joiner or a selector dangling at the end (half an emoji).
_DANGLING = "\u200d\ufe0e\ufe0f"


def units(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _take(text: str, budget: int) -> str:
    """The longest start of `text` within `budget` units, never half a surrogate pair."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > budget:
            return text[:i]
    return text


def clip(text: str, most: int) -> str:
    """Plain text shortened to at most `most` units, ending in … when cut."""
    if units(text) <= most:
        return text
    return _take(text, max(0, most - 1)).rstrip().rstrip(_DANGLING) + ELLIPSIS


def split(text: str, most: int) -> list[str]:
    """Plain text in parts of at most `most` units each, cut at a line break or a space
    when one is near (within the last fifth), never inside a character.

    >>> split("one two three", 8)
    ['one two', 'three']
    """
    parts: list[str] = []
    rest = text
    while units(rest) > most:
        head = _take(rest, most) or rest[:1]
        cut = max(head.rfind("\n"), head.rfind(" "))
        if cut > len(head) * 4 // 5:
            head = head[:cut]
        parts.append(head.rstrip())
        rest = rest[len(head) :].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def visible_units(html: str) -> int:
    """The units Telegram counts for an HTML parse-mode text (tags dropped, entities one)."""
    total = 0
    for m in _HTML_PART.finditer(html):
        part = m.group(0)
        if part.startswith("<") and len(part) > 1:
            continue
        total += 1 if part.startswith("&") else units(part)
    return total


def fit_html(html: str, most: int = TEXT_MAX) -> str:
    """An HTML parse-mode text shortened to at most `most` visible units, ending in … and
    closing the tags left open; unchanged when it fits."""
    if visible_units(html) <= most:
        return html
    budget = most - 1
    out: list[str] = []
    open_tags: list[str] = []
    for m in _HTML_PART.finditer(html):
        part = m.group(0)
        if part.startswith("<") and len(part) > 1:
            name = _TAG_NAME.match(part)
            if name is not None and part.startswith("</"):
                if open_tags:
                    open_tags.pop()
            elif name is not None:
                open_tags.append(name.group(1).lower())
            out.append(part)
            continue
        cost = 1 if part.startswith("&") else units(part)
        if cost <= budget:
            out.append(part)
            budget -= cost
            continue
        if not part.startswith("&"):
            out.append(_take(part, budget).rstrip(_DANGLING))
        break
    out.append(ELLIPSIS)
    out += [f"</{name}>" for name in reversed(open_tags)]
    return "".join(out)


def fit_pairs(
    pairs: list[tuple[str, str]], budget: int, per_pair: int = 6, least: int = 40
) -> tuple[list[tuple[str, str]], bool]:
    """(question, answer) pairs shortened to share `budget` units between them (each line
    also costs `per_pair` for its bullet and arrow), and whether anything was cut.

    Short pairs keep all they have and leave the rest to long ones; a question takes at
    most a third of its pair's share; past `budget // least` pairs the rest are left out.

    >>> fit_pairs([("Q1", "yes"), ("Q2", "a" * 50)], 30, per_pair=0, least=10)
    ([('Q1', 'yes'), ('Q2', 'aaaaaaaaaaaaaaaaaaaaaa…')], True)
    """
    shown = pairs[: max(1, budget // (least + per_pair))]
    room = max(0, budget - per_pair * len(shown))
    sizes = [units(q) + units(a) for q, a in shown]
    allotted = [0] * len(shown)
    for k, i in enumerate(sorted(range(len(shown)), key=sizes.__getitem__)):
        allotted[i] = min(sizes[i], room // (len(shown) - k))
        room -= allotted[i]
    fitted: list[tuple[str, str]] = []
    for (question, answer), size, share in zip(shown, sizes, allotted, strict=True):
        if size <= share:
            fitted.append((question, answer))
            continue
        asked = clip(question, max(share // 3, min(share, 12)))
        fitted.append((asked, clip(answer, max(1, share - units(asked)))))
    cut = len(shown) < len(pairs) or any(f != p for f, p in zip(fitted, shown, strict=True))
    return fitted, cut


def fit_lines(lines: list[str], budget: int, more: str) -> list[str]:
    """HTML lines kept whole, in order, while they fit `budget` visible units (each with
    its line break); if any are left out, `more` ends the list instead.

    >>> fit_lines(["one", "two", "three"], 10, "…")
    ['one', 'two', '…']
    >>> fit_lines(["one", "two", "three"], 14, "…")
    ['one', 'two', 'three']
    """
    if sum(visible_units(line) + 1 for line in lines) <= budget:
        return lines
    kept: list[str] = []
    used = visible_units(more) + 1
    for line in lines:
        used += visible_units(line) + 1
        if used > budget:
            return [*kept, more]
        kept.append(line)
    return kept
