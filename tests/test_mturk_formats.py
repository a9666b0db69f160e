"""The MTurk formats on their own: QuestionForm in, QuestionFormAnswers out, SigV4 checks."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from bot.domain import QuestionKind
from bot.mturk import _sigv4 as sigv4
from bot.mturk._questionform import FormError, answers_xml, parse_question_form
from bot.mturk._webquestion import parse_web_question
from tests.auxil.mturk import ANSWERS_NS, FORM_NS

SURVEY = f"""<?xml version="1.0" encoding="UTF-8"?>
<QuestionForm xmlns="{FORM_NS}QuestionForm.xsd">
  <Overview><Title>Pets</Title><FormattedContent><![CDATA[<p>About <b>you</b> &amp; pets</p>]]>
  </FormattedContent></Overview>
  <Question>
    <QuestionIdentifier>pets</QuestionIdentifier>
    <QuestionContent><Text>Which pets do you have?</Text>
      <Binary><MimeType><Type>image</Type></MimeType><DataURL>https://x.test/p.png</DataURL>
      <AltText>A cat</AltText></Binary></QuestionContent>
    <AnswerSpecification><SelectionAnswer>
      <StyleSuggestion>checkbox</StyleSuggestion>
      <Selections>
        <Selection><SelectionIdentifier>cat</SelectionIdentifier><Text>Cat</Text></Selection>
        <Selection><SelectionIdentifier>dog</SelectionIdentifier><Text>Dog</Text></Selection>
        <Selection><SelectionIdentifier>fish</SelectionIdentifier><Text>Fish</Text></Selection>
      </Selections></SelectionAnswer></AnswerSpecification>
  </Question>
  <Question>
    <QuestionIdentifier>why</QuestionIdentifier>
    <QuestionContent><Text>Why?</Text></QuestionContent>
    <AnswerSpecification><FreeTextAnswer><Constraints><Length maxLength="200"/></Constraints>
    </FreeTextAnswer></AnswerSpecification>
  </Question>
</QuestionForm>"""


def test_question_form_maps_onto_gigbot_questions() -> None:
    form = parse_question_form(SURVEY)
    pets, why = form.specs()
    assert pets.kind is QuestionKind.MULTI and pets.options == ("Cat", "Dog", "Fish")
    assert pets.prompt.startswith("Pets\nAbout you & pets\n\nWhich pets do you have?")
    assert "A cat https://x.test/p.png" in pets.prompt and pets.item == "https://x.test/p.png"
    assert why.kind is QuestionKind.TEXT and why.max_len == 200
    assert [q.ids.identifier for q in form.questions] == ["pets", "why"]


def test_answers_come_back_as_question_form_answers() -> None:
    form = parse_question_form(SURVEY)
    pets, why = form.questions
    xml = answers_xml(
        [(pets.ids, QuestionKind.MULTI, "0,2"), (why.ids, QuestionKind.TEXT, "I <3 cats & fish")]
    )
    root = ET.fromstring(xml)
    answers = root.findall(f"{ANSWERS_NS}Answer")
    assert [a.findtext(f"{ANSWERS_NS}QuestionIdentifier") for a in answers] == ["pets", "why"]
    picked = [s.text for s in answers[0].findall(f"{ANSWERS_NS}SelectionIdentifier")]
    assert picked == ["cat", "fish"]
    assert answers[1].findtext(f"{ANSWERS_NS}FreeText") == "I <3 cats & fish"


@pytest.mark.parametrize(
    ("xml", "problem"),
    [
        ("<QuestionForm>", "not well-formed XML"),
        ("<HTMLQuestion/>", "HTMLQuestion is a web task, not a QuestionForm"),
        ("<QuestionForm/>", "at least one Question"),
        (
            SURVEY.replace("<Text>Dog</Text>", "<Text>Cat</Text>").replace(">dog<", ">cat<"),
            "SelectionIdentifier 'cat' appears twice",
        ),
        (SURVEY.replace("FreeTextAnswer", "FileUploadAnswer"), "FileUploadAnswer is not"),
        (SURVEY.replace(">why<", ">pets<"), "QuestionIdentifier values must be unique"),
        (SURVEY.replace("https://x.test", "file:///etc"), "http(s) DataURL"),
    ],
)
def test_malformed_forms_name_the_problem(xml: str, problem: str) -> None:
    with pytest.raises(FormError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_question_form(xml)


def _signed(body: bytes) -> AWSRequest:
    """A request signed by botocore's own SigV4 signer, now."""
    request = AWSRequest(
        method="POST",
        url="http://127.0.0.1:8765/",
        data=body,
        headers={"X-Amz-Target": "MTurkRequesterServiceV20170117.ListHITs"},
    )
    signer = SigV4Auth(Credentials("GBAKTEST", "s3cret"), "mturk-requester", "us-east-1")
    signer.add_auth(request)
    return request


def _verify(request: AWSRequest, body: bytes, secret: str = "s3cret", later: float = 0) -> None:
    headers = {k.lower(): v for k, v in request.headers.items()}
    headers["host"] = "127.0.0.1:8765"  # what the HTTP client sends for this URL
    auth = sigv4.parse_authorization(headers["authorization"])
    sigv4.verify(
        auth,
        secret,
        method="POST",
        path="/",
        query="",
        header=lambda name: headers.get(name.lower()),
        body=body,
        now=time.time() + later,
    )


def test_signature_binds_secret_body_and_time() -> None:
    request = _signed(b"{}")
    _verify(request, b"{}")
    with pytest.raises(sigv4.SignatureError, match="does not match"):
        _verify(request, b'{"MaxResults": 99}')
    with pytest.raises(sigv4.SignatureError, match="does not match"):
        _verify(request, b"{}", secret="other")
    with pytest.raises(sigv4.SignatureError, match="expired"):
        _verify(request, b"{}", later=3600)
    with pytest.raises(sigv4.SignatureError, match="malformed"):
        sigv4.parse_authorization("AWS AKID:signature")


@pytest.mark.parametrize(
    ("xml", "problem"),
    [
        ("<ExternalQuestion><ExternalURL>ftp://x</ExternalURL></ExternalQuestion>", "http(s) URL"),
        ("<HTMLQuestion><FrameHeight>0</FrameHeight></HTMLQuestion>", "HTMLContent is required"),
        ("<HTMLQuestion><Script/></HTMLQuestion>", "Script is not allowed"),
        (
            "<ExternalQuestion><ExternalURL>https://x.org</ExternalURL><FrameHeight>tall"
            "</FrameHeight></ExternalQuestion>",
            "FrameHeight must be a whole number",
        ),
    ],
)
def test_bad_web_questions_name_the_problem(xml: str, problem: str) -> None:
    with pytest.raises(FormError, match=re.escape(problem)):
        parse_web_question(xml)
