"""Telegram's HTML parse mode: plain text plus MessageEntity list, or a parse error.

``parse_html("<b>Hi</b> &amp; bye")`` returns
``("Hi & bye", [{"type": "bold", "offset": 0, "length": 2}])``; offsets and
lengths count UTF-16 code units, as the Bot API does.
"""

from __future__ import annotations

import html as stdhtml
import re
from dataclasses import dataclass, field

_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^>]*)?)\s*/?>")
_ATTR = re.compile(r"""([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; str() is Telegram's own description."""


def utf16_len(text: str) -> int:
    """Count UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    entity: dict[str, object]
    start: int
    byte_offset: int


@dataclass
class _State:
    out: list[str] = field(default_factory=list)
    pos: int = 0  # UTF-16 position in the output
    entities: list[dict[str, object]] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.pos += utf16_len(text)


def _unescape(chunk: str) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("#"):
            return stdhtml.unescape(m.group(0))
        return _NAMED.get(name, m.group(0))

    return _ENTITY.sub(one, chunk)


def _entity_for(tag: str, attrs: str, byte_offset: int) -> dict[str, object]:
    parsed = {
        m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
        for m in _ATTR.finditer(attrs)
    }
    if tag == "a":
        href = parsed.get("href")
        if href is None:
            return {"type": "__ignore__"}  # Telegram drops <a> without href
        return {"type": "text_link", "url": _unescape(href)}
    if tag == "span":
        if parsed.get("class") != "tg-spoiler":
            raise HtmlError(
                f'can\'t parse entities: Tag "span" must have class "tg-spoiler" '
                f"at byte offset {byte_offset}"
            )
        return {"type": "spoiler"}
    if tag == "blockquote" and "expandable" in parsed:
        return {"type": "expandable_blockquote"}
    if tag in ("code", "pre") and "class" in parsed and tag == "code":
        lang = parsed["class"].removeprefix("language-")
        return {"type": "code", "__language__": lang}
    return {"type": _SIMPLE[tag]}


def parse_html(text: str) -> tuple[str, list[dict[str, object]]]:
    """Parse Telegram HTML into plain text and entities, raising HtmlError like Telegram."""
    st = _State()
    i = 0
    while i < len(text):
        lt = text.find("<", i)
        if lt < 0:
            st.emit(_unescape(text[i:]))
            break
        st.emit(_unescape(text[i:lt]))
        byte_offset = len(text[:lt].encode("utf-8"))
        m = _TAG.match(text, lt)
        if m is None:
            raise HtmlError(
                f"can't parse entities: Can't find end of the tag at byte offset {byte_offset}"
            )
        closing, tag, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
        if tag not in _SIMPLE and tag not in ("a", "span"):
            kind = "end" if closing else "start"
            raise HtmlError(
                f"can't parse entities: Unsupported {kind} tag "
                f'"{tag}" at byte offset {byte_offset}'
            )
        if closing:
            if not st.stack or st.stack[-1].tag != tag:
                expected = f'"</{st.stack[-1].tag}>"' if st.stack else "no end tag"
                raise HtmlError(
                    f"can't parse entities: Unmatched end tag at byte offset {byte_offset}, "
                    f'expected {expected}, found "</{tag}>"'
                )
            _close(st)
        else:
            entity = _entity_for(tag, attrs, byte_offset)
            st.stack.append(_Open(tag, entity, st.pos, byte_offset))
        i = m.end()
    if st.stack:
        raise HtmlError(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{st.stack[-1].tag}"'
        )
    st.entities.sort(key=lambda e: (e["offset"], -int(str(e["length"]))))
    return "".join(st.out), st.entities


def _close(st: _State) -> None:
    opened = st.stack.pop()
    entity = dict(opened.entity)
    if entity["type"] == "__ignore__" or st.pos == opened.start:
        return
    lang = entity.pop("__language__", None)
    entity.update(offset=opened.start, length=st.pos - opened.start)
    if lang is not None:
        # <pre><code class="language-x"> becomes one pre entity with a language
        parent = next((e for e in reversed(st.stack) if e.tag == "pre"), None)
        if parent is not None:
            parent.entity["language"] = lang
            return
    st.entities.append(entity)


def strip_text(text: str, entities: list[dict[str, object]]) -> tuple[str, list[dict[str, object]]]:
    """Trim surrounding whitespace the way Telegram does, shifting and clipping entities."""
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    shift = utf16_len(text[:lead])
    end = utf16_len(stripped)
    out: list[dict[str, object]] = []
    for e in entities:
        start = max(0, int(str(e["offset"])) - shift)
        stop = min(end, int(str(e["offset"])) + int(str(e["length"])) - shift)
        if stop > start:
            out.append({**e, "offset": start, "length": stop - start})
    return stripped, out
