"""Plumbing for the MTurk API stories: a stage with the API on, keys from /apikey, boto3."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.conftest import failing_on_errors, funded_requester

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


@asynccontextmanager
async def api_stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot with the MTurk API on a free local port; no handler errors or rule breaks."""
    opened = await Stage.open(tmp_path / "gigbot.sqlite3", clock=clock, mturk_listen="127.0.0.1:0")
    async with failing_on_errors(opened):
        yield opened


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

