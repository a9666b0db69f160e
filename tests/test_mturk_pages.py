"""Coming from MTurk, task pages unchanged: HIT templates written the ways requesters write
them (a plain form posting to the production externalSubmit, a script submitting to the
worker sandbox's, a jsPsych-style query-string submit, a page building the URL from its
origin, ExternalQuestion pages on the requester's own server sending to turkSubmitTo by a GET
or POST form, fetch, XMLHttpRequest or a query string), each answered by a worker in
a real browser (Debian's chromium) and read back with boto3's list_assignments_for_hit."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, async_playwright, expect
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.mturk import ANSWERS_NS, call, requester_with_api_key
from tests.auxil.people import workers
from tests.auxil.stages import api_stage

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]  # fmt: skip
HTML_NS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2011-11-11/"
EXTERNAL_NS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2006-07-14/"

# What MTurk's externalHIT_v1.js turkSetAssignmentID() does, inline (no outside script).
SET_ASSIGNMENT_ID = """<script>
var q = new URLSearchParams(window.location.search);
document.getElementById('assignmentId').value = q.get('assignmentId');
if (q.get('assignmentId') == 'ASSIGNMENT_ID_NOT_AVAILABLE') {
  document.getElementById('submitButton').disabled = true;
}
</script>"""

# 1. AWS's HTMLQuestion example: a plain form, action hard-coded to production.
PLAIN_FORM = f"""<!DOCTYPE html>
<html><head><meta http-equiv='Content-Type' content='text/html; charset=UTF-8'/></head>
<body><form name='mturk_form' method='post' id='mturk_form'
 action='https://www.mturk.com/mturk/externalSubmit'>
<input type='hidden' value='' name='assignmentId' id='assignmentId'/>
<h1>What bird is this?</h1>
<p><textarea name='comment' cols='80' rows='3'></textarea></p>
<p><label><input type='checkbox' name='seen' value='park'> park</label>
<label><input type='checkbox' name='seen' value='garden'> garden</label></p>
<p><input type='submit' id='submitButton' value='Submit'/></p></form>
{SET_ASSIGNMENT_ID}</body></html>"""

# 2. A form built and submitted by script (form.submit(): no submit event), posting to the
# worker sandbox's externalSubmit from a URL the script puts together.
SCRIPT_SUBMIT = """<!DOCTYPE html><html><body>
<p>How sure are you? <input id='sure' value=''></p>
<button id='submitButton' onclick='send()'>Send</button>
<script>
function send() {
  var q = new URLSearchParams(window.location.search);
  var host = 'https://' + 'workersandbox' + '.mturk.com';
  var form = document.createElement('form');
  form.method = 'POST';
  form.action = host + '/mturk/externalSubmit';
  var fields = {assignmentId: q.get('assignmentId'), sure: document.getElementById('sure').value,
                started: '2024-01-01T00:00:00Z'};
  for (var name in fields) {
    var input = document.createElement('input');
    input.type = 'hidden'; input.name = name; input.value = fields[name];
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}
</script></body></html>"""

# 3. jsPsych's jsPsych.turk.submitToTurk(data): a GET to turkSubmitTo with every field in
# the query string (escape()d), the page navigating there.
JSPSYCH = """<!DOCTYPE html><html><body>
<p>Press the key for the colour: <input id='rt' value=''></p>
<button id='submitButton' onclick='finish()'>Finish</button>
<script>
function turkInfo() {
  var q = new URLSearchParams(window.location.search);
  return {assignmentId: q.get('assignmentId') || '', hitId: q.get('hitId') || '',
          workerId: q.get('workerId') || '', turkSubmitTo: q.get('turkSubmitTo') || ''};
}
function submitToTurk(data) {
  var info = turkInfo();
  var dataString = [];
  for (var key in data) {
    if (data.hasOwnProperty(key)) { dataString.push(key + '=' + escape(data[key])); }
  }
  dataString.push('assignmentId=' + info.assignmentId);
  window.location.href = info.turkSubmitTo + '/mturk/externalSubmit?' + dataString.join('&');
}
function finish() {
  submitToTurk({rt: document.getElementById('rt').value, trials: '[{"key":"f"}]'});
}
</script></body></html>"""

# 4. A page that builds the submit URL from its own origin and sends it with fetch().
FROM_ORIGIN = """<!DOCTYPE html><html><head><title>t</title></head><body>
<p>Count the dots: <input id='dots' value=''></p>
<button id='submitButton' onclick='send()'>Send</button><p id='state'></p>
<script>
function send() {
  var q = new URLSearchParams(window.location.search);
  var body = new URLSearchParams({assignmentId: q.get('assignmentId'),
                                  dots: document.getElementById('dots').value});
  fetch(window.location.origin + '/mturk/externalSubmit', {method: 'POST', body: body})
    .then(function (r) { document.getElementById('state').textContent = 'sent ' + r.status; });
}
</script></body></html>"""

# 5. The requester's own pages (ExternalQuestion), sending to turkSubmitTo as MTurk documents,
# each a way pages do it: a GET form, a POST form, fetch() (reading the answer, from another
# origin), XMLHttpRequest with FormData (multipart), a jsPsych-style query string.
_TURK = """<script>
var q = new URLSearchParams(window.location.search);
var submitUrl = q.get('turkSubmitTo') + '/mturk/externalSubmit';
function song() { return document.getElementById('song').value; }
</script>"""
_SONG = "<p>Name the song: <input name='song' id='song'></p>"
_SEND = "<button id='submitButton' onclick='send()'>Send</button><p id='state'></p>"


def _form_page(method: str) -> str:
    """The requester's page with a form sent to turkSubmitTo by `method` (GET or POST)."""
    return f"""<!DOCTYPE html><html><body>{_TURK}
<form id='mturk_form' method='{method}'>
<input type='hidden' name='assignmentId' id='assignmentId'>{_SONG}
<input type='submit' id='submitButton' value='Submit'></form>
<script>
document.getElementById('assignmentId').value = q.get('assignmentId');
document.getElementById('mturk_form').action = submitUrl;
</script></body></html>"""


EXTERNAL_PAGES = {
    "get_form": _form_page("GET"),
    "post_form": _form_page("POST"),
    "fetch": f"""<!DOCTYPE html><html><body>{_TURK}{_SONG}{_SEND}
<script>
function send() {{
  var body = new URLSearchParams({{assignmentId: q.get('assignmentId'), song: song()}});
  fetch(submitUrl, {{method: 'POST', body: body}})
    .then(function (r) {{ document.getElementById('state').textContent = 'sent ' + r.status; }});
}}
</script></body></html>""",
    "xhr_form_data": f"""<!DOCTYPE html><html><body>{_TURK}{_SONG}{_SEND}
<script>
function send() {{
  var data = new FormData();
  data.append('assignmentId', q.get('assignmentId'));
  data.append('song', song());
  var x = new XMLHttpRequest();
  x.open('POST', submitUrl);
  x.onload = function () {{ document.getElementById('state').textContent = 'sent ' + x.status; }};
  x.send(data);
}}
</script></body></html>""",
    "query_string": f"""<!DOCTYPE html><html><body>{_TURK}{_SONG}{_SEND}
<script>
function send() {{
  window.location.href = submitUrl + '?assignmentId=' + q.get('assignmentId')
    + '&song=' + encodeURIComponent(song());
}}
</script></body></html>""",
}


def html_question(page: str) -> str:
    return (
        f'<HTMLQuestion xmlns="{HTML_NS}HTMLQuestion.xsd"><HTMLContent><![CDATA[{page}]]>'
        "</HTMLContent><FrameHeight>600</FrameHeight></HTMLQuestion>"
    )


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot with the MTurk API (and its web pages) on a free local port."""
    async with api_stage(tmp_path, clock) as opened:
        yield opened


@pytest.fixture
async def browser_page(stage: Stage) -> AsyncIterator[Page]:
    """A headless chromium tab; a request anywhere but this machine is refused (and fails
    the test), so a submit that would go to Amazon cannot pass by accident."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = await browser.new_page()
            tab.set_default_timeout(8_000)
            elsewhere: list[str] = []

            async def only_local(route: Any) -> None:
                if route.request.url.startswith("http://127.0.0.1:"):
                    await route.continue_()
                else:
                    elsewhere.append(route.request.url)
                    await route.abort()

            await tab.route("**/*", only_local)
            yield tab
            assert elsewhere == [], f"the page reached out: {elsewhere}"
        finally:
            await browser.close()


def task_link(worker: Actor) -> str:
    """The URL of the 'Open the task page' button on the worker's task message."""
    for message in reversed(worker.messages()):
        for row in message.buttons():
            for text, _, url in row:
                if "Open the task page" in text and url:
                    return url
    raise AssertionError(f"{worker.name} has no task page link")


def free_text(answer: str) -> dict[str, str]:
    """QuestionFormAnswers XML -> {QuestionIdentifier: FreeText}."""
    root = ET.fromstring(answer)
    assert root.tag == f"{ANSWERS_NS}QuestionFormAnswers"
    found = {
        a.findtext(f"{ANSWERS_NS}QuestionIdentifier", ""): a.findtext(f"{ANSWERS_NS}FreeText", "")
        for a in root.findall(f"{ANSWERS_NS}Answer")
    }
    assert found, "never an empty Answer"
    return found


async def web_hit(stage: Stage, mturk: Any, question: str, title: str = "Birds") -> str:
    """CreateHIT as MTurk scripts call it: a generous time limit, no estimate."""
    created = await call(
        stage,
        mturk,
        "create_hit",
        Title=title,
        Description="A short web task",
        Reward="0.20",
        AssignmentDurationInSeconds=600,
        LifetimeInSeconds=86_400,
        MaxAssignments=1,
        Question=question,
    )
    return str(created["HIT"]["HITId"])


async def task_page(stage: Stage, admin: Actor, tab: Page, question: str) -> tuple[Any, str, Actor]:
    """Rita's web HIT asking `question`, accepted by Ann, its page open in `tab`: (Rita's
    boto3 client, the HIT id, Ann)."""
    _, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    hit_id = await web_hit(stage, mturk, question)
    await ann.press("Accept")
    await tab.goto(task_link(ann))
    return mturk, hit_id, ann


async def answered(stage: Stage, mturk: Any, hit_id: str) -> dict[str, str]:
    """The one assignment's answers, read back through boto3."""
    (assignment,) = (await call(stage, mturk, "list_assignments_for_hit", HITId=hit_id))[
        "Assignments"
    ]
    assert assignment["AssignmentStatus"] == "Submitted"
    return free_text(assignment["Answer"])


async def submitted_page(stage: Stage, tab: Page) -> None:
    """gigbot's answer page is shown; what the submit caused is delivered."""
    await expect(tab.locator("body")).to_contain_text("Submitted “")
    await stage.settle()


async def test_a_plain_form_posting_to_the_production_external_submit(
    stage: Stage, admin: Actor, browser_page: Page
) -> None:
    rita, mturk = await requester_with_api_key(stage, admin)
    (ann,) = await workers(stage, "Ann")
    hit_id = await web_hit(stage, mturk, html_question(PLAIN_FORM), "What bird is this?")
    await ann.press("Accept")
    task, card_id = ann.last_text(), ann.last().message_id
    assert "Submit it on the page" in task and "Reply to this message" not in task
    await ann.send("a robin")  # typed in the chat: not taken, the page is the way
    assert "is answered on its web page" in ann.last_text()
    assert task_link(ann) in [url for row in ann.last().buttons() for _, _, url in row]

    await browser_page.goto(task_link(ann))
    await browser_page.fill("textarea[name=comment]", "a robin, I think")
    await browser_page.check("input[value=park]")
    await browser_page.check("input[value=garden]")
    await browser_page.click("#submitButton")
    await submitted_page(stage, browser_page)

    assert await answered(stage, mturk, hit_id) == {
        "comment": "a robin, I think",
        "seen": "park|garden",  # a field sent twice, as MTurk joins it
    }
    (card,) = [m for m in ann.messages() if m.message_id == card_id]
    assert "Submitted: What bird is this?" in (card.text or "")
    assert card.buttons() == [], "no timer or Return left on the card"


@pytest.mark.parametrize(
    ("page", "field", "typed", "answers"),
    [
        (SCRIPT_SUBMIT, "#sure", "very", {"started": "2024-01-01T00:00:00Z", "sure": "very"}),
        (JSPSYCH, "#rt", "412 ms", {"rt": "412 ms", "trials": '[{"key":"f"}]'}),
    ],
    ids=["a_script_submitting_to_the_sandbox_host", "a_jspsych_query_string_submit"],
)
async def test_a_page_submitting_by_script(
    stage: Stage,
    admin: Actor,
    browser_page: Page,
    page: str,
    field: str,
    typed: str,
    answers: dict[str, str],
) -> None:
    mturk, hit_id, _ = await task_page(stage, admin, browser_page, html_question(page))
    await browser_page.fill(field, typed)
    await browser_page.click("#submitButton")
    await submitted_page(stage, browser_page)
    assert await answered(stage, mturk, hit_id) == answers


async def test_a_page_building_the_submit_url_from_its_origin(
    stage: Stage, admin: Actor, browser_page: Page
) -> None:
    mturk, hit_id, ann = await task_page(stage, admin, browser_page, html_question(FROM_ORIGIN))
    await browser_page.fill("#dots", "17")
    await browser_page.click("#submitButton")
    await expect(browser_page.locator("#state")).to_have_text("sent 200")
    await stage.settle()
    assert await answered(stage, mturk, hit_id) == {"dots": "17"}
    assert "Submitted: Birds" in ann.last_text()


class _RequesterPage(RequestHandler):
    def get(self, name: str) -> None:
        self.finish(EXTERNAL_PAGES[name])


@pytest.fixture
async def requester_site() -> AsyncIterator[str]:
    """The requester's own web server on this machine (another origin than gigbot's),
    serving the ExternalQuestion pages at /<name>."""
    sockets = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(Application([(r"/(\w+)", _RequesterPage)]))
    server.add_sockets(sockets)
    yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
    server.stop()


@pytest.mark.parametrize("way", sorted(EXTERNAL_PAGES))
async def test_an_external_question_sending_to_turk_submit_to(
    stage: Stage, admin: Actor, browser_page: Page, requester_site: str, way: str
) -> None:
    question = (
        f'<ExternalQuestion xmlns="{EXTERNAL_NS}ExternalQuestion.xsd">'
        f"<ExternalURL>{requester_site}/{way}?round=2</ExternalURL>"
        "<FrameHeight>400</FrameHeight></ExternalQuestion>"
    )
    mturk, hit_id, ann = await task_page(stage, admin, browser_page, question)
    await browser_page.fill("#song", "Blackbird")
    await browser_page.click("#submitButton")
    if way in ("fetch", "xhr_form_data"):  # the page stays; it reads gigbot's answer
        await expect(browser_page.locator("#state")).to_have_text("sent 200")
        await stage.settle()
    else:
        await submitted_page(stage, browser_page)
    assert await answered(stage, mturk, hit_id) == {"song": "Blackbird"}
    assert "Submitted: Birds" in ann.last_text()
