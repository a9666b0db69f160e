"""`gigbot sandbox`: a person in a real (headless) browser plays the requester and a worker.

The browser is Debian's chromium driven by Playwright; the bot is the real one, long
polling the simulated Telegram, on a real database file.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, async_playwright, expect

from bot.demo.sandbox_run import Sandbox
from tests.auxil.stages import failing_on_errors

# the sandbox always runs on a SQLite file.
pytestmark = pytest.mark.sqlite_only

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ITEMS_CSV = b"text,gold\nA purring kitten,cat\nA puppy with a ball,\n"


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    """The sandbox on free ports; fails the test on a handler error or a broken rule."""
    opened = await Sandbox.open(tmp_path / "sandbox.sqlite3", port=0)
    async with failing_on_errors(opened):
        yield opened


@pytest.fixture
async def page(sandbox: Sandbox) -> AsyncIterator[Page]:
    """The sandbox's page open in headless chromium; no request may leave the sandbox."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            opened = await browser.new_page()
            opened.set_default_timeout(8_000)
            elsewhere: list[str] = []
            opened.on(
                "request",
                lambda r: None if r.url.startswith(sandbox.url) else elsewhere.append(r.url),
            )
            await opened.goto(sandbox.url)
            yield opened
            assert elsewhere == [], f"the page reached out: {elsewhere}"
        finally:
            await browser.close()


def pane(page: Page, name: str) -> Locator:
    return page.locator(f'section.pane[data-name="{name}"]')


async def say(who: Locator, text: str) -> None:
    """Type into the pane's box and tap Send."""
    await who.locator("input.text").fill(text)
    await who.locator("button.send").click()


def tap(who: Locator, label: str) -> Locator:
    """The inline button with this label, in the pane's latest message that has it."""
    return who.locator(".keyboard button").filter(has_text=re.compile(re.escape(label))).last


async def test_requester_publishes_and_a_worker_submits_by_clicking(
    sandbox: Sandbox, page: Page
) -> None:
    rita, ann = pane(page, "Rita"), pane(page, "Ann")
    await expect(rita.locator(".msg.bot").last).to_contain_text("$100.00 was added")
    await expect(pane(page, "Cy").locator(".msg.bot")).to_contain_text(["Welcome to gigbot"])

    await say(
        rita,
        "/newpoll Which logo is clearer? | A | B | C ; reward=0.05 n=2 time=2m est=20s"
        " dispatch=race",
    )
    await expect(rita.locator(".msg.me").last).to_contain_text("/newpoll Which logo")
    await tap(rita, "Publish").click()
    await expect(rita.locator(".msg.bot").last).to_contain_text("Published poll #")

    push = ann.locator(".msg.bot").last
    await expect(push).to_contain_text("Which logo is clearer?")
    await tap(ann, "Accept").click()
    await expect(ann.locator(".toast")).to_contain_text("Accepted")
    await ann.locator(".keyboard button", has_text=re.compile("^B$")).click()
    await expect(push).to_contain_text("→ B")
    await tap(ann, "Submit").click()
    await expect(push).to_contain_text("Submitted")
    await expect(push.locator(".meta")).to_contain_text("edited")
    assert await ann.locator(".msg.bot").count() == 3, "welcome, setup; the task is the push card"

    with closing(sqlite3.connect(sandbox.services.settings.database)) as db:
        rows = db.execute(
            "SELECT a.status, x.value, u.tg_id FROM assignments a"
            " JOIN answers x ON x.assignment_id = a.id JOIN users u ON u.id = a.worker_id"
        ).fetchall()
        escrow = db.execute(
            "SELECT SUM(CASE WHEN to_account LIKE 'escrow:%' THEN amount_cents ELSE 0 END)"
            " FROM ledger"
        ).fetchone()[0]
    ann_id = int(await ann.get_attribute("data-user") or 0)
    assert rows == [("submitted", "1", ann_id)], "B is option 1 (A is 0)"
    assert escrow == 10


async def test_upload_and_user_content_is_shown_as_text(sandbox: Sandbox, page: Page) -> None:
    rita, bob = pane(page, "Rita"), pane(page, "Bob")
    await say(rita, "/newbatch")
    await expect(rita.locator(".msg.bot").last).to_contain_text("Send a CSV or JSON file")
    await rita.locator("input.file").set_input_files(
        files=[{"name": "animals.csv", "mimeType": "text/csv", "buffer": ITEMS_CSV}]
    )
    await expect(rita.locator(".msg.me .doc").last).to_contain_text("animals.csv")
    await expect(rita.locator(".msg.bot").last).to_contain_text("2 items read (1 gold)")

    await say(rita, "/newpoll Too dear? | yes | no ; reward=50 n=10 time=2m")
    await tap(rita, "Publish").click()
    alert = rita.locator(".toast.alert")
    await expect(alert).to_contain_text("Not enough balance: publishing needs $500.00")
    await alert.get_by_role("button", name="OK").click()
    await expect(alert).to_have_count(0)

    hostile = "<img src=x onerror=\"document.body.dataset.owned='yes'\"> <b>bold?</b>"
    await say(bob, hostile)
    await expect(bob.locator(".msg.me").last).to_have_text(re.compile(re.escape(hostile)))
    assert await page.locator(".msg img, .msg.me b").count() == 0
    assert await page.evaluate("document.body.dataset.owned") is None


async def test_a_toast_does_not_cover_the_buttons_on_a_phone(sandbox: Sandbox, page: Page) -> None:
    await page.set_viewport_size({"width": 390, "height": 844})
    rita, ann = pane(page, "Rita"), pane(page, "Ann")
    await say(rita, "/newpoll Tea? | Yes | No ; reward=0.05 n=2 est=20s dispatch=race")
    await tap(rita, "Publish").click()
    await expect(ann.locator(".msg.bot").last).to_contain_text("Tea?")
    await ann.scroll_into_view_if_needed()
    await tap(ann, "Accept").click()
    await expect(ann.locator(".toast")).to_contain_text("Accepted")
    # While the toast shows (3.5 s), the task's last button takes a tap.
    await tap(ann, "Return").click(trial=True, timeout=1_500)
    await expect(ann.locator(".toast")).to_contain_text("Accepted")


async def test_a_deposit_is_paid_with_the_invoice_pay_button(sandbox: Sandbox, page: Page) -> None:
    """The web chat shows the invoice as Telegram does, with Pay; paying credits the balance."""
    rita = pane(page, "Rita")
    await expect(rita.locator(".msg.bot").last).to_contain_text("$100.00 was added")
    await say(rita, "/deposit")
    await tap(rita, "$5.00").click()
    invoice = rita.locator(".msg.bot .invoice").last
    await expect(invoice).to_contain_text("gigbot balance")
    await expect(invoice.locator("button.pay")).to_have_text("Pay ⭐️500")
    await invoice.locator("button.pay").click()
    await expect(rita.locator(".msg.me").last).to_contain_text("💳 ⭐️500 paid")
    await expect(rita.locator(".msg.bot").last).to_contain_text(
        "$5.00 was added to your balance (now $105.00)"
    )
