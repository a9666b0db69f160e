"""HTMLQuestion and ExternalQuestion: tasks a worker does in a web page.

>>> q = parse_web_question('<ExternalQuestion xmlns="http://mechanicalturk.amazonaws.com/'
...     'AWSMechanicalTurkDataSchemas/2006-07-14/ExternalQuestion.xsd"><ExternalURL>'
...     'https://tasks.example.org/label?batch=3</ExternalURL><FrameHeight>600</FrameHeight>'
...     '</ExternalQuestion>')
>>> q.format, q.external_url, q.html
('ExternalQuestion', 'https://tasks.example.org/label?batch=3', '')
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.mturk._questionform import FormError

WEB_FORMATS = ("HTMLQuestion", "ExternalQuestion")
MAX_HTML = 128 * 1024
_FIRST_TAG = re.compile(r"<(?![?!])\s*(?:[\w.-]+:)?([\w.-]+)")


@dataclass(frozen=True, slots=True)
class WebQuestion:
    format: str
    external_url: str  # ExternalQuestion: the requester's page
    html: str  # HTMLQuestion: the page gigbot serves


def root_name(xml: str) -> str:
    """The local name of the first element, without parsing the whole document.

    >>> root_name('<?xml version="1.0"?><!-- hi --><mt:HTMLQuestion xmlns:mt="x">')
    'HTMLQuestion'
    """
    found = _FIRST_TAG.search(xml)
    return found[1] if found else ""


def _child_text(root: ET.Element, name: str) -> str:
    for child in root:
        if child.tag.rsplit("}", 1)[-1] == name:
            return (child.text or "").strip()
    return ""


def parse_web_question(xml: str) -> WebQuestion:
    """Parse an HTMLQuestion or ExternalQuestion; FormError naming the first problem."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise FormError(f"Question is not well-formed XML: {exc}") from None
    name = root.tag.rsplit("}", 1)[-1]
    for child in root:
        part = child.tag.rsplit("}", 1)[-1]
        if part not in ("ExternalURL", "HTMLContent", "FrameHeight"):
            raise FormError(f"{part} is not allowed in an {name}")
    height = _child_text(root, "FrameHeight")
    if height and not height.isdigit():
        raise FormError(f"{name}: FrameHeight must be a whole number")
    if name == "ExternalQuestion":
        url = _child_text(root, "ExternalURL")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FormError("ExternalQuestion: ExternalURL must be an http(s) URL")
        return WebQuestion(name, url, "")
    if name == "HTMLQuestion":
        html = _child_text(root, "HTMLContent")
        if not html:
            raise FormError("HTMLQuestion: HTMLContent is required")
        if len(html) > MAX_HTML:
            raise FormError(f"HTMLQuestion: HTMLContent is over {MAX_HTML} characters")
        return WebQuestion(name, "", html)
    raise FormError(
        f"Question must be a QuestionForm, HTMLQuestion or ExternalQuestion, not {name}"
    )
