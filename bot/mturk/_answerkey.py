"""A qualification type's Test (a QuestionForm) and AnswerKey as a gigbot qualification test.

gigbot's tests ask one-choice questions in Telegram (/qualtest) and score the share answered
right; MTurk's AnswerKey gives each right SelectionIdentifier an AnswerScore and the worker's
qualification value is the summed score (a PercentageMapping turns it into a percent). So a
Test maps when every question is one choice and every question's right answer scores the
same: the value is then `right / questions × scale` exactly as MTurk sums it.

>>> form = parse_question_form(
...     '<QuestionForm xmlns="x"><Question><QuestionIdentifier>q1</QuestionIdentifier>'
...     '<QuestionContent><Text>2+2?</Text></QuestionContent><AnswerSpecification>'
...     '<SelectionAnswer><Selections><Selection><SelectionIdentifier>a</SelectionIdentifier>'
...     '<Text>3</Text></Selection><Selection><SelectionIdentifier>b</SelectionIdentifier>'
...     '<Text>4</Text></Selection></Selections></SelectionAnswer></AnswerSpecification>'
...     '</Question></QuestionForm>')
>>> test = test_from(form, '<AnswerKey xmlns="y"><Question><QuestionIdentifier>q1'
...     '</QuestionIdentifier><AnswerOption><SelectionIdentifier>b</SelectionIdentifier>'
...     '<AnswerScore>10</AnswerScore></AnswerOption></Question></AnswerKey>')
>>> test.questions[0].answer, test.scale
(1, 10)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from bot.domain import QuestionKind, TestQuestion
from bot.mturk._questionform import Form, FormError, parse_question_form

__all__ = ["MappedTest", "parse_question_form", "test_from"]


@dataclass(frozen=True, slots=True)
class MappedTest:
    questions: tuple[TestQuestion, ...]
    scale: int  # the value of a test answered all right (a percent mapping: 100)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(el: ET.Element, name: str) -> str:
    for child in el:
        if _local(child.tag) == name:
            return "".join(child.itertext()).strip()
    return ""


def _scores(key: ET.Element) -> dict[str, tuple[str, int]]:
    """QuestionIdentifier -> (its best SelectionIdentifier, that AnswerScore)."""
    found: dict[str, tuple[str, int]] = {}
    for question in key:
        if _local(question.tag) != "Question":
            continue
        ident = _child_text(question, "QuestionIdentifier")
        best: tuple[str, int] | None = None
        for option in question:
            if _local(option.tag) != "AnswerOption":
                continue
            selection = _child_text(option, "SelectionIdentifier")
            try:
                score = int(_child_text(option, "AnswerScore"))
            except ValueError:
                why = f"AnswerKey: {ident}'s AnswerScore must be a whole number"
                raise FormError(why) from None
            if best is None or score > best[1]:
                best = (selection, score)
        if best is None or best[1] <= 0:
            raise FormError(f"AnswerKey: {ident!r} needs an AnswerOption with a positive score")
        found[ident] = best
    return found


def test_from(form: Form, answer_key: str) -> MappedTest:
    """The Test and its AnswerKey as gigbot asks and scores them; FormError otherwise."""
    try:
        key = ET.fromstring(answer_key)
    except ET.ParseError as exc:
        raise FormError(f"AnswerKey is not well-formed XML: {exc}") from None
    if _local(key.tag) != "AnswerKey":
        raise FormError("AnswerKey must be an AnswerKey document")
    scores = _scores(key)
    specs = form.specs()
    questions: list[TestQuestion] = []
    points: set[int] = set()
    for asked, spec in zip(form.questions, specs, strict=True):
        ident = asked.ids.identifier
        if spec.kind is not QuestionKind.SINGLE:
            raise FormError(f"Test: {ident!r} must be a one-choice SelectionAnswer in gigbot")
        if ident not in scores:
            raise FormError(f"AnswerKey has no answer for {ident!r}")
        selection, score = scores[ident]
        if selection not in asked.ids.selections:
            raise FormError(f"AnswerKey: {ident!r} has no selection {selection!r}")
        questions.append(
            TestQuestion(spec.prompt, spec.options, asked.ids.selections.index(selection))
        )
        points.add(score)
    if len(points) != 1:
        raise FormError(
            "AnswerKey: gigbot weighs test questions equally; give each right answer the"
            " same AnswerScore"
        )
    scale = points.pop() * len(questions)
    mapping = next((m for m in key if _local(m.tag) == "QualificationValueMapping"), None)
    if mapping is not None:
        kind = _local(mapping[0].tag) if len(mapping) else ""
        if kind == "PercentageMapping":
            scale = 100
        elif kind == "ScaleMapping":
            try:
                scale *= int(_child_text(mapping[0], "SummedScoreMultiplier"))
            except ValueError:
                raise FormError("AnswerKey: SummedScoreMultiplier must be a whole number") from None
        else:
            raise FormError(f"AnswerKey: {kind or 'an empty mapping'} is not supported by gigbot")
    return MappedTest(tuple(questions), scale)
