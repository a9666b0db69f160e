"""What the sandbox web chat shows: messages as escaped HTML, buttons, edits and alerts.

Everything a message holds is user content (a requester writes the poll question), so
text is escaped before any tag is added: ``render_html("<b>1 < 2</b>", [])`` is
``"&lt;b&gt;1 &lt; 2&lt;/b&gt;"``, and ``render_html("Hi Ann", [{"type": "bold",
"offset": 0, "length": 2}])`` is ``"<b>Hi</b> Ann"``.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.sandbox.sim import SimTelegram
from bot.sandbox.state import SimMessage, SimUser

JSON = dict[str, Any]

# Entity type -> (opening tag, closing tag); the order is the nesting order, outer first.
_TAGS: dict[str, tuple[str, str]] = {
    "blockquote": ('<span class="quote">', "</span>"),
    "expandable_blockquote": ('<span class="quote">', "</span>"),
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "pre": ('<code class="pre">', "</code>"),
}
_ORDER = {name: i for i, name in enumerate(_TAGS)}
_LINK_SCHEMES = ("http://", "https://")
# What the Telegram client makes tappable in plain text: a /command sends itself.
_COMMAND = re.compile(r"(?<![^\s(])/[a-zA-Z][a-zA-Z0-9_]{0,31}\b")


def _units(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def _slice(units: bytes, start: int, stop: int) -> str:
    return units[start * 2 : stop * 2].decode("utf-16-le", "replace")


def _link(url: str) -> str | None:
    return url if url.lower().startswith(_LINK_SCHEMES) else None


def _plain(segment: str) -> str:
    """Escape a run of text, making /commands tappable as the client does."""
    out: list[str] = []
    last = 0
    for m in _COMMAND.finditer(segment):
        out.append(html.escape(segment[last : m.start()]))
        command = html.escape(m.group(0))
        out.append(f'<a class="cmd" href="#" data-cmd="{command}">{command}</a>')
        last = m.end()
    out.append(html.escape(segment[last:]))
    return "".join(out)


def render_html(text: str, entities: list[JSON]) -> str:
    """Render text and its entities (UTF-16 offsets) as escaped, always well-formed HTML."""
    units = _units(text)
    size = len(units) // 2
    cuts = {0, size}
    usable = []
    for entity in entities:
        start = int(entity.get("offset", 0))
        stop = min(size, start + int(entity.get("length", 0)))
        if 0 <= start < stop:
            usable.append((start, stop, entity))
            cuts.update((start, stop))
    bounds = sorted(cuts)
    out: list[str] = []
    # Each segment is wrapped in the tags of every entity covering it, so overlapping
    # entities never produce crossed tags.
    for start, stop in zip(bounds, bounds[1:], strict=False):
        covering = [e for s, t, e in usable if s <= start and stop <= t]
        segment = _slice(units, start, stop)
        styled = sorted(
            (e for e in covering if e.get("type") in _TAGS), key=lambda e: _ORDER[e["type"]]
        )
        verbatim = any(e.get("type") in ("code", "pre") for e in styled)
        body = html.escape(segment) if verbatim else _plain(segment)
        for entity in reversed(styled):
            opening, closing = _TAGS[entity["type"]]
            body = f"{opening}{body}{closing}"
        href = next(
            (
                _link(str(e.get("url") or segment))
                for e in covering
                if e.get("type") in ("text_link", "url")
            ),
            None,
        )
        if href is not None:
            body = (
                f'<a href="{html.escape(href, quote=True)}" target="_blank" '
                f'rel="noopener noreferrer">{body}</a>'
            )
        out.append(body)
    return "".join(out)


def price(currency: str, amount: int) -> str:
    """An invoice's price as the Telegram app shows it: "⭐️500", "12.50 USD"."""
    return f"⭐️{amount}" if currency == "XTR" else f"{amount / 100:.2f} {currency}"


def _service_text(message: SimMessage) -> str | None:
    """What the app says for a payment's service message."""
    events = ((message.successful_payment, "paid"), (message.refunded_payment, "refunded"))
    for paid, verb in events:
        if paid is not None:
            return f"💳 {price(str(paid['currency']), int(paid['total_amount']))} {verb}"
    return None


def message_view(message: SimMessage) -> JSON:
    """One message as the page draws it (an invoice with its Pay button)."""
    service = _service_text(message)
    if service is not None:
        body = html.escape(service)
    elif message.text is not None:
        body = render_html(message.text, message.entities)
    else:
        body = render_html(message.caption or "", message.caption_entities)
    invoice = None
    if message.invoice is not None:
        inv = message.invoice
        invoice = {
            "title": str(inv["title"]),
            "description": str(inv["description"]),
            "pay": "Pay " + price(str(inv["currency"]), int(inv["total_amount"])),
        }
    document = None
    if message.document is not None:
        document = {
            "name": str(message.document.get("file_name") or "file"),
            "url": f"/api/files/{message.document['file_id']}",
        }
    return {
        "id": message.message_id,
        "from_bot": message.from_bot,
        "html": body,
        "buttons": [
            [{"text": text, "data": data, "url": url} for text, data, url in row]
            for row in message.buttons()
        ],
        "edits": message.edits,
        "deleted": message.deleted,
        "document": document,
        "invoice": invoice,
        "reply_to": message.reply_to.message_id if message.reply_to is not None else None,
    }


def chat_view(sim: SimTelegram, user: SimUser, role: str) -> JSON:
    """A user's private chat with the bot and the alerts their presses got."""
    return {
        "id": user.id,
        "name": user.first_name,
        "role": role,
        "messages": [message_view(m) for m in sim.messages(user.id) if not m.deleted],
        "alerts": [
            {"text": str(a.get("text") or ""), "show_alert": bool(a.get("show_alert"))}
            for a in sim.alerts(user)
            if a.get("text")
        ],
    }


def signature(sim: SimTelegram, users: list[SimUser]) -> str:
    """A short string that changes whenever anything a page shows changes."""
    parts = []
    for user in users:
        history = sim.messages(user.id)
        edits = sum(m.edits for m in history)
        gone = sum(m.deleted for m in history)
        parts.append(f"{user.id}:{len(history)}.{edits}.{gone}.{len(sim.alerts(user))}")
    return ",".join(parts)
