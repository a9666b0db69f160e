"""The MTurk API from outside: keys from /apikey, boto3 calls, QuestionForms, web-task pages."""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from bot.demo.stage import Actor, Stage
from tests.auxil.gestures import answer_poll
from tests.auxil.people import funded_requester, user_of

FORM_NS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2017-11-06/"
ANSWERS_NS = (
    "{http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/"
    "QuestionFormAnswers.xsd}"
)


def question_form(prompt: str = "What colour is the sky?", *options: str) -> str:
    """A QuestionForm with an overview and one radio-button question (ids = lowercase)."""
    choices = options or ("Blue", "Green")
    selections = "".join(
        f"<Selection><SelectionIdentifier>{o.lower()}</SelectionIdentifier>"
        f"<Text>{o}</Text></Selection>"
        for o in choices
    )
    return (
        f'<QuestionForm xmlns="{FORM_NS}QuestionForm.xsd">'
        "<Overview><Text>Look outside first.</Text></Overview>"
        "<Question><QuestionIdentifier>sky</QuestionIdentifier><IsRequired>true</IsRequired>"
        f"<QuestionContent><Text>{prompt}</Text></QuestionContent>"
        "<AnswerSpecification><SelectionAnswer><StyleSuggestion>radiobutton</StyleSuggestion>"
        f"<Selections>{selections}</Selections></SelectionAnswer></AnswerSpecification>"
        "</Question></QuestionForm>"
    )


async def new_api_key(requester: Actor) -> tuple[str, str]:
    """Make a key with /apikey and read it off the screen, as a requester would."""
    await requester.send("/apikey")
    await requester.press("New key")
    shown = requester.last_text()
    key_id = re.search(r"aws_access_key_id: (\S+)", shown)
    secret = re.search(r"aws_secret_access_key: (\S+)", shown)
    assert key_id and secret, shown
    return key_id[1], secret[1]


async def requester_with_api_key(
    stage: Stage, admin: Actor, name: str = "Rita", cents: int = 1_000
) -> tuple[Actor, Any]:
    """A requester the admin funded ($10.00 unless told) and the boto3 client of a key she
    made with /apikey."""
    requester = await funded_requester(stage, admin, name=name, cents=cents)
    return requester, client(stage, *await new_api_key(requester))


def sky_colour_hit() -> dict[str, Any]:
    """CreateHIT parameters: "Sky colour", $0.05 for 5 minutes, two assignments, a day's life."""
    return {
        "Title": "Sky colour",
        "Description": "Tell us the colour of the sky",
        "Reward": "0.05",
        "AssignmentDurationInSeconds": 300,
        "LifetimeInSeconds": 86_400,
        "MaxAssignments": 2,
        "Question": question_form(),
    }


def one_cent_hit(question: str) -> dict[str, Any]:
    """CreateHIT parameters of a one-cent HIT ("Bench"): 10 minutes, a day's life, one
    assignment, `question` (what the benchmarks create)."""
    return {
        "Title": "Bench",
        "Description": "Bench HIT",
        "Reward": "0.01",
        "AssignmentDurationInSeconds": 600,
        "LifetimeInSeconds": 86_400,
        "MaxAssignments": 1,
        "Question": question,
    }


def client(stage: Stage, key_id: str, secret: str) -> Any:
    """The real, unmodified boto3 MTurk client pointed at gigbot."""
    return boto3.session.Session().client(
        "mturk",
        endpoint_url=stage.mturk_url,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


async def call(stage: Stage, mturk: Any, operation: str, **params: Any) -> Any:
    """One boto3 call from a thread (the bot keeps serving), then deliver what it caused."""
    result = await asyncio.to_thread(getattr(mturk, operation), **params)
    await stage.settle()
    return result


async def refused(stage: Stage, mturk: Any, operation: str, **params: Any) -> dict[str, Any]:
    """The error botocore raises for a call gigbot refuses."""
    with pytest.raises(ClientError) as caught:
        await call(stage, mturk, operation, **params)
    return dict(caught.value.response["Error"])


async def alias_of(stage: Stage, worker: Actor) -> str:
    """The anonymous alias the worker is known by (the MTurk WorkerId)."""
    return (await user_of(stage, worker)).alias


def hit_params(title: str = "Sky colour", **more: Any) -> dict[str, Any]:
    """CreateHIT parameters: `title`, $0.05 for 5 minutes, an hour's life, the sky question."""
    return {
        "Title": title,
        "Description": "Tell us the colour of the sky",
        "Reward": "0.05",
        "AssignmentDurationInSeconds": 300,
        "LifetimeInSeconds": 3_600,
        "Question": question_form(),
        **more,
    }


async def worked(stage: Stage, mturk: Any, *people: Actor) -> tuple[str, dict[str, str]]:
    """A HIT each worker answered; (HIT id, assignment id by worker alias)."""
    created = await call(stage, mturk, "create_hit", **hit_params(MaxAssignments=len(people)))
    hit_id = created["HIT"]["HITId"]
    for worker in people:
        await answer_poll(worker, "Blue")
    listed = await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id)
    return hit_id, {a["WorkerId"]: a["AssignmentId"] for a in listed["Assignments"]}


# -- web tasks (ExternalQuestion, HTMLQuestion) ------------------------------------------

EXTERNAL = (
    '<ExternalQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    '2006-07-14/ExternalQuestion.xsd"><ExternalURL>https://tasks.example.org/label?batch=3'
    "</ExternalURL><FrameHeight>600</FrameHeight></ExternalQuestion>"
)


async def web_task(stage: Stage, mturk: Any, **more: Any) -> str:
    """CreateHIT of a web task, "Label the bird": an ExternalQuestion, $0.10 for 5 minutes,
    an hour's life (each overridable by its parameter); the new HIT's id."""
    created = await call(
        stage,
        mturk,
        "create_hit",
        **{
            "Title": "Label the bird",
            "Description": "Look at the photo, name the bird",
            "Reward": "0.10",
            "AssignmentDurationInSeconds": 300,
            "LifetimeInSeconds": 3_600,
            "Question": EXTERNAL,
            **more,
        },
    )
    return str(created["HIT"]["HITId"])


def button_url(worker: Actor, label: str) -> str:
    """The URL of the newest button whose text contains `label`."""
    for message in reversed(worker.messages()):
        for row in message.buttons():
            for text, _, url in row:
                if label in text and url:
                    return url
    raise AssertionError(f"{worker.name} has no {label!r} link")


def params(url: str) -> dict[str, str]:
    """The query of `url`, one value per name."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def free_text(answer: str) -> dict[str, str]:
    """The free-text answers of a QuestionFormAnswers document, by question id."""
    root = ET.fromstring(answer)
    assert root.tag == f"{ANSWERS_NS}QuestionFormAnswers"
    return {
        a.findtext(f"{ANSWERS_NS}QuestionIdentifier", ""): a.findtext(f"{ANSWERS_NS}FreeText", "")
        for a in root.findall(f"{ANSWERS_NS}Answer")
    }


async def post_form(stage: Stage, url: str, form: dict[str, str]) -> httpx.Response:
    """The worker's browser posting the task's form; then deliver what it caused."""
    async with httpx.AsyncClient() as browser:
        response = await browser.post(url, data=form)
    await stage.settle()
    return response
