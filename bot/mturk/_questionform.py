"""MTurk's QuestionForm XML in, QuestionFormAnswers XML out, mapped onto gigbot questions.

>>> form = parse_question_form(
...     '<QuestionForm xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
...     '2017-11-06/QuestionForm.xsd"><Question><QuestionIdentifier>color</QuestionIdentifier>'
...     '<QuestionContent><Text>Sky?</Text></QuestionContent><AnswerSpecification>'
...     '<SelectionAnswer><Selections><Selection><SelectionIdentifier>b</SelectionIdentifier>'
...     '<Text>Blue</Text></Selection><Selection><SelectionIdentifier>g</SelectionIdentifier>'
...     '<Text>Green</Text></Selection></Selections></SelectionAnswer></AnswerSpecification>'
...     '</Question></QuestionForm>')
>>> form.questions[0].spec.kind.value, form.questions[0].spec.options, form.questions[0].ids
('single', ('Blue', 'Green'), FormIds(identifier='color', selections=('b', 'g')))
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape

from bot.domain import MAX_TEXT_ANSWER, FormIds, QuestionKind, QuestionSpec

ANSWERS_NS = (
    "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/"
    "QuestionFormAnswers.xsd"
)
MAX_PROMPT = 1500
MAX_OPTIONS = 20
MAX_OPTION_LEN = 60
MULTI_STYLES = {"checkbox", "multichooser"}
SINGLE_STYLES = {"radiobutton", "dropdown", "list", "combobox", ""}
_TAG = re.compile(r"<[^>]+>")


class FormError(ValueError):
    """The XML cannot become a gigbot HIT; the message names the problem."""


@dataclass(frozen=True, slots=True)
class FormQuestion:
    ids: FormIds
    spec: QuestionSpec


@dataclass(frozen=True, slots=True)
class Form:
    overview: str
    questions: tuple[FormQuestion, ...]

    def specs(self) -> tuple[QuestionSpec, ...]:
        """The questions as gigbot asks them; the overview leads the first one."""
        specs = [q.spec for q in self.questions]
        if self.overview:
            first = specs[0]
            prompt = f"{self.overview}\n\n{first.prompt}"
            specs[0] = QuestionSpec(
                first.kind, prompt, first.options, first.item, first.gold, first.max_len
            )
        return tuple(specs)


def _local(tag: str) -> str:
    """'{namespace}Text' -> 'Text'."""
    return tag.rsplit("}", 1)[-1]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    for child in el:
        if _local(child.tag) == name:
            return child
    return None


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _content(el: ET.Element, where: str) -> tuple[str, str | None]:
    """Readable text of an Overview or QuestionContent, and the first image URL in it."""
    lines: list[str] = []
    image: str | None = None
    for part in el:
        name = _local(part.tag)
        if name in ("Title", "Text"):
            lines.append(_text(part))
        elif name == "List":
            lines += [f"• {_text(item)}" for item in part if _local(item.tag) == "ListItem"]
        elif name == "FormattedContent":
            lines.append(html.unescape(_TAG.sub("", part.text or "")).strip())
        elif name == "Binary":
            url = _text(_child(part, "DataURL"))
            if not url.startswith(("http://", "https://")):
                raise FormError(f"{where}: Binary needs an http(s) DataURL")
            image = image or url
            lines.append(f"{_text(_child(part, 'AltText')) or '🖼'} {url}")
        else:
            raise FormError(f"{where}: {name} is not supported by gigbot")
    return "\n".join(line for line in lines if line), image


def _int(el: ET.Element | None, where: str, default: int) -> int:
    if el is None:
        return default
    try:
        return int(_text(el))
    except ValueError:
        raise FormError(f"{where} must be a whole number") from None


def _selection(answer: ET.Element, where: str) -> tuple[QuestionKind, tuple[str, ...], FormIds]:
    style = _text(_child(answer, "StyleSuggestion"))
    if style not in MULTI_STYLES | SINGLE_STYLES:
        raise FormError(f"{where}: StyleSuggestion {style!r} is not supported by gigbot")
    most = _int(_child(answer, "MaxSelectionCount"), f"{where}: MaxSelectionCount", 1)
    kind = QuestionKind.MULTI if style in MULTI_STYLES or most > 1 else QuestionKind.SINGLE
    selections = _child(answer, "Selections")
    if selections is None:
        raise FormError(f"{where}: SelectionAnswer needs Selections")
    ids: list[str] = []
    labels: list[str] = []
    for sel in selections:
        if _local(sel.tag) != "Selection":
            raise FormError(f"{where}: {_local(sel.tag)} is not supported by gigbot")
        ident = _text(_child(sel, "SelectionIdentifier"))
        text_el = _child(sel, "Text")
        formatted = _child(sel, "FormattedContent")
        label = (
            _text(text_el)
            if text_el is not None
            else html.unescape(_TAG.sub("", formatted.text or "")).strip()
            if formatted is not None
            else ""
        )
        if not ident or not label:
            raise FormError(f"{where}: each Selection needs a SelectionIdentifier and Text")
        if len(label) > MAX_OPTION_LEN:
            raise FormError(f"{where}: selection {ident!r} is over {MAX_OPTION_LEN} characters")
        if ident in ids:
            raise FormError(f"{where}: SelectionIdentifier {ident!r} appears twice")
        ids.append(ident)
        labels.append(label)
    if not 2 <= len(labels) <= MAX_OPTIONS:
        raise FormError(f"{where}: gigbot needs 2 to {MAX_OPTIONS} selections")
    return kind, tuple(labels), FormIds("", tuple(ids))


def _question(el: ET.Element, number: int) -> FormQuestion:
    ident = _text(_child(el, "QuestionIdentifier"))
    where = f"Question {number} ({ident or 'no QuestionIdentifier'})"
    if not ident:
        raise FormError(f"{where}: QuestionIdentifier is required")
    content = _child(el, "QuestionContent")
    if content is None:
        raise FormError(f"{where}: QuestionContent is required")
    prompt, image = _content(content, where)
    if not prompt:
        raise FormError(f"{where}: QuestionContent has no text")
    if len(prompt) > MAX_PROMPT:
        raise FormError(f"{where}: QuestionContent is over {MAX_PROMPT} characters")
    spec_el = _child(el, "AnswerSpecification")
    answer = spec_el[0] if spec_el is not None and len(spec_el) else None
    if answer is None:
        raise FormError(f"{where}: AnswerSpecification is required")
    name = _local(answer.tag)
    if name == "SelectionAnswer":
        kind, labels, selection_ids = _selection(answer, where)
        return FormQuestion(
            FormIds(ident, selection_ids.selections),
            QuestionSpec(kind, prompt, labels, item=image),
        )
    if name == "FreeTextAnswer":
        length = None
        constraints = _child(answer, "Constraints")
        if constraints is not None:
            length_el = _child(constraints, "Length")
            if length_el is not None and length_el.get("maxLength"):
                given = length_el.get("maxLength", "").strip()
                digits = given.lstrip("0")
                if not (given.isascii() and given.isdigit()) or not digits:
                    raise FormError(f"{where}: Length maxLength must be a whole number from 1")
                # gigbot stores at most MAX_TEXT_ANSWER characters of typed text; a larger
                # maxLength is kept to that, and workers are told the limit that holds.
                length = MAX_TEXT_ANSWER if len(digits) > 6 else min(int(digits), MAX_TEXT_ANSWER)
        return FormQuestion(
            FormIds(ident, ()),
            QuestionSpec(QuestionKind.TEXT, prompt, item=image, max_len=length),
        )
    raise FormError(f"{where}: {name} is not supported by gigbot")


def parse_question_form(xml: str) -> Form:
    """Parse a QuestionForm; raise FormError naming the first problem."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise FormError(f"Question is not well-formed XML: {exc}") from None
    name = _local(root.tag)
    if name in ("HTMLQuestion", "ExternalQuestion"):
        raise FormError(f"{name} is a web task, not a QuestionForm (see _webquestion.py)")
    if name != "QuestionForm":
        raise FormError(f"Question must be a QuestionForm, not {name}")
    overview: list[str] = []
    questions: list[FormQuestion] = []
    for part in root:
        part_name = _local(part.tag)
        if part_name == "Overview":
            overview.append(_content(part, "Overview")[0])
        elif part_name == "Question":
            questions.append(_question(part, len(questions) + 1))
        else:
            raise FormError(f"{part_name} is not allowed in a QuestionForm")
    if not questions:
        raise FormError("a QuestionForm needs at least one Question")
    seen = [q.ids.identifier for q in questions]
    if len(set(seen)) != len(seen):
        raise FormError("QuestionIdentifier values must be unique")
    return Form("\n".join(o for o in overview if o), tuple(questions))


def answers_xml(answers: list[tuple[FormIds, QuestionKind, str]]) -> str:
    """QuestionFormAnswers for stored answers (an option index list or free text each)."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<QuestionFormAnswers xmlns="{ANSWERS_NS}">']
    for ids, kind, value in answers:
        parts.append(f"<Answer><QuestionIdentifier>{escape(ids.identifier)}</QuestionIdentifier>")
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.TAG) and ids.selections:
            for pick in value.split(","):
                if pick.isdigit() and int(pick) < len(ids.selections):
                    chosen = escape(ids.selections[int(pick)])
                    parts.append(f"<SelectionIdentifier>{chosen}</SelectionIdentifier>")
        else:
            parts.append(f"<FreeText>{escape(value)}</FreeText>")
        parts.append("</Answer>")
    parts.append("</QuestionFormAnswers>")
    return "".join(parts)
