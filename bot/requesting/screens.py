"""Screens of the requester's tools: survey steps, batch preview, /myhits, the review card,
results, tests."""

from __future__ import annotations

from html import escape

from bot import callbacks as cb
from bot import formatting
from bot.domain import Button, HitKind, HitProgress, HitStatus, QualificationTest, Screen
from bot.fair import texts as fair_texts
from bot.fit import clip, fit_pairs
from bot.i18n import Translator
from bot.market import texts as market_texts
from bot.market.views import WorkView, answer_label
from bot.matching import texts as matching_texts
from bot.requesting import texts as requesting_texts
from bot.requesting.drafts import DraftView
from bot.requesting.managing import SHOWN, CancelPreview
from bot.requesting.posting import SurveyDraft
from bot.requesting.results import GoldScore, ResultsView, Waiting

KINDS = ("single", "multi", "rating", "text")
# Units of answers on a review card: with the title and the lines around them it stays
# under Telegram's 4096 whatever the worker typed; Full answers sends the rest as a file.
REVIEW_ANSWERS = 3000
REVIEW_TITLE = 300


def survey_kinds(t: Translator, draft: SurveyDraft) -> Screen:
    """Which kind of question to add next, plus Done once there is one."""
    text = (
        t(requesting_texts.SURVEY_ASK_KIND_FIRST).format(title=escape(draft.title))
        if not draft.questions
        else t(requesting_texts.SURVEY_ASK_KIND).format(count=len(draft.questions))
    )
    rows: list[tuple[Button, ...]] = [
        (
            Button(t(requesting_texts.KIND_NAMES[KINDS[0]]), cb.SurveyAdd(KINDS[0]).pack()),
            Button(t(requesting_texts.KIND_NAMES[KINDS[1]]), cb.SurveyAdd(KINDS[1]).pack()),
        ),
        (
            Button(t(requesting_texts.KIND_NAMES[KINDS[2]]), cb.SurveyAdd(KINDS[2]).pack()),
            Button(t(requesting_texts.KIND_NAMES[KINDS[3]]), cb.SurveyAdd(KINDS[3]).pack()),
        ),
    ]
    if draft.questions:
        rows.append((Button(t(requesting_texts.BTN_DONE), cb.SurveyAdd("done").pack()),))
    return Screen(text, tuple(rows))


def survey_quals(t: Translator, tests: list[QualificationTest], chosen: set[int]) -> Screen:
    rows: list[tuple[Button, ...]] = [
        (Button((formatting.TICK if t.id in chosen else "") + t.name, cb.SurveyQual(t.id).pack()),)
        for t in tests[:8]
    ]
    rows.append((Button(t(requesting_texts.BTN_DONE), cb.SurveyQual(0).pack()),))
    return Screen(t(requesting_texts.SURVEY_ASK_QUALS), tuple(rows))


def draft_preview(t: Translator, view: DraftView, hold_s: float) -> Screen:
    """A draft as Publish will see it: what it is, what it costs, the hourly rate against
    the fair-pay floor, how it reaches workers; Publish only when the floor is met, and
    Change terms to fix it in place."""
    first = view.first
    publish: cb.CallbackData
    discard: cb.CallbackData
    if view.scope == "b":
        assert view.batch is not None
        text = requesting_texts.batch_preview(
            t,
            view.target_id,
            view.batch.title,
            len(view.hits),
            view.golds,
            view.questions[0].options if view.questions else (),
            first,
            view.total_cents,
        )
        publish, discard = cb.PublishBatch(view.target_id), cb.DiscardBatch(view.target_id)
    else:
        if first.kind is HitKind.POLL and view.questions:
            text = requesting_texts.hit_preview(t, first, view.questions[0].options)
        else:
            asked = [(q.kind.value, q.prompt, q.options) for q in view.questions]
            text = requesting_texts.survey_preview(t, first, asked, list(view.quals))
        publish, discard = cb.Publish(first.id), cb.Discard(first.id)
    text += "\n" + fair_texts.floor_line(
        t, view.floor, first.reward_cents, view.terms.est_s is not None
    )
    if view.dispatch is not None:
        text += "\n" + matching_texts.dispatch_note(
            t, view.dispatch.mode, hold_s, view.dispatch.extend_s
        )
    change = Button(
        t(requesting_texts.BTN_CHANGE_TERMS), cb.EditTerms(view.scope, view.target_id).pack()
    )
    cancel = Button(t(requesting_texts.BTN_CANCEL), discard.pack())
    if view.floor.under:
        return Screen(text, ((change, cancel),))
    return Screen(
        text, ((Button(t(requesting_texts.BTN_PUBLISH), publish.pack()), cancel), (change,))
    )


def refused_under_floor(t: Translator, text: str, scope: str, target_id: int) -> Screen:
    """Publish refused under the floor: why, with the way to fix the terms in place."""
    change = Button(t(requesting_texts.BTN_CHANGE_TERMS), cb.EditTerms(scope, target_id).pack())
    return Screen(text, ((change,),))


def _scope(p: HitProgress) -> tuple[str, int]:
    return ("b", p.batch_id) if p.batch_id is not None else ("h", p.hit_id)


def my_hits(t: Translator, progress: list[HitProgress], page: int, total: int) -> Screen:
    """/myhits: one message, a button per HIT or batch (newest first), Newer / Older."""
    first = (page - 1) * SHOWN + 1
    last = first + len(progress) - 1
    rows: list[tuple[Button, ...]] = [
        (Button(requesting_texts.myhits_button(p), cb.OpenMyHit(*_scope(p)).pack()),)
        for p in progress
    ]
    paging = []
    if page > 1:
        paging.append(Button(t(requesting_texts.BTN_NEWER_HITS), cb.MyHitsPage(page - 1).pack()))
    if last < total:
        paging.append(Button(t(requesting_texts.BTN_OLDER_HITS), cb.MyHitsPage(page + 1).pack()))
    if paging:
        rows.append(tuple(paging))
    to_review = sum(p.submitted for p in progress)
    return Screen(requesting_texts.myhits_list(t, first, last, total, to_review), tuple(rows))


def my_hit_card(t: Translator, p: HitProgress, page: int) -> Screen:
    """One HIT's or batch's card, in the /myhits message: the controls its state allows,
    and back to the page it is listed on."""
    scope, target = _scope(p)
    row = [Button(t(requesting_texts.BTN_RESULTS), cb.ShowResults(scope, target).pack())]
    if p.status is HitStatus.OPEN:
        row.append(Button(t(requesting_texts.BTN_PAUSE), cb.Manage("pause", scope, target).pack()))
    if p.status is HitStatus.PAUSED:
        row.append(
            Button(t(requesting_texts.BTN_RESUME), cb.Manage("resume", scope, target).pack())
        )
    if p.status in (HitStatus.OPEN, HitStatus.PAUSED):
        row.append(
            Button(t(requesting_texts.BTN_CANCEL_HIT), cb.Manage("cancel", scope, target).pack())
        )
    back = (Button(t(requesting_texts.BTN_ALL_HITS), cb.MyHitsPage(page).pack()),)
    return Screen(requesting_texts.hit_progress(t, p), (tuple(row), back))


def results(t: Translator, view: ResultsView, threshold: int) -> Screen:
    """Counts or majorities, gold scores, Export CSV, and one-tap actions on low gold."""
    rows: list[tuple[Button, ...]] = [
        (Button(t(requesting_texts.BTN_EXPORT), cb.ExportCsv(view.scope, view.target_id).pack()),)
    ]
    if view.scope == "b":
        # One row each: side by side, "❌ Reject all by W-9G5T" is cut on a phone.
        for score in [s for s in view.gold if s.percent < threshold][:5]:
            reject = requesting_texts.btn_reject_worker(t, score.alias)
            block = requesting_texts.btn_block_worker(t, score.alias)
            rows.append((Button(reject, cb.RejectWorker(view.target_id, score.alias).pack()),))
            rows.append((Button(block, cb.BlockWorker(score.alias).pack()),))
    return Screen(requesting_texts.results_view(t, view, threshold), tuple(rows))


def _answers(t: Translator, view: WorkView) -> list[tuple[str, str]]:
    return [
        (market_texts.question_prompt(t, q.prompt), answer_label(q, view.answers[q.id]))
        for q in view.questions
        if q.id in view.answers
    ]


def review(t: Translator, view: WorkView, alias: str, waiting: int) -> Screen:
    """One submitted assignment with Approve / Reject; long answers are shortened, with
    Full answers to get them all."""
    a = view.assignment
    seconds = (a.submitted_at or a.accepted_at) - a.accepted_at
    answers, cut = fit_pairs(_answers(t, view), REVIEW_ANSWERS)
    title = clip(view.hit.title, REVIEW_TITLE)
    text = requesting_texts.review_card(
        t, title, (view.hit.id, a.id), alias, answers, waiting, seconds
    )
    rows: tuple[tuple[Button, ...], ...] = (
        (
            Button(t(requesting_texts.BTN_APPROVE), cb.Approve(a.id).pack()),
            Button(t(requesting_texts.BTN_REJECT), cb.Reject(a.id).pack()),
        ),
    )
    if cut:
        text += "\n" + t(market_texts.ANSWERS_SHORTENED)
        rows += ((Button(t(market_texts.BTN_FULL_ANSWERS), cb.FullAnswers(a.id).pack()),),)
    return Screen(text, rows)


def full_answers(t: Translator, view: WorkView, alias: str) -> tuple[str, bytes]:
    """An assignment's answers in full, as a .txt file: (file name, content)."""
    a = view.assignment
    content = market_texts.full_answers_file(
        t, view.hit.title, (view.hit.id, a.id), alias, _answers(t, view)
    )
    return f"answers-{view.hit.id}-{a.id}.txt", content.encode("utf-8")


def review_extras(
    t: Translator,
    screen: Screen,
    alias: str,
    gold: GoldScore | None,
    batch_id: int | None,
    threshold: int,
    waiting: tuple[int, float],
) -> Screen:
    """The review card with gold accuracy, Approve all (the `waiting` count submitted by the
    time the card is drawn), and reject/block on low gold."""
    text = screen.text
    rows = list(screen.rows)
    if gold is not None:
        text += "\n" + requesting_texts.review_gold(t, alias, gold)
        if gold.percent < threshold and batch_id is not None:
            # one row each: "Reject this" above rejects one assignment, this one all of them
            reject_all = cb.RejectAllBy(batch_id, alias).pack()
            rows.append((Button(requesting_texts.btn_reject_worker(t, alias), reject_all),))
            rows.append(
                (Button(requesting_texts.btn_block_worker(t, alias), cb.BlockWorker(alias).pack()),)
            )
    count, drawn_at = waiting
    if count > 1:  # one waiting: Approve above is all of it
        approve_all = cb.ApproveAll(round(drawn_at * 1000)).pack()
        rows.append((Button(requesting_texts.btn_approve_all(t, count), approve_all),))
    return Screen(text, tuple(rows))


def reject_asked(t: Translator, alias: str, title: str, assignment_id: int) -> Screen:
    """The review card asking why (the typed reason answers it); Back leaves it."""
    return Screen(
        requesting_texts.reject_asked(t, alias, title, assignment_id),
        ((Button(t(requesting_texts.BTN_BACK_TO_REVIEW), cb.ReviewAgain().pack()),),),
    )


def with_outcome(line: str, screen: Screen) -> Screen:
    """A review card headed by what was just done to the previous one."""
    return Screen(f"{line}\n\n{screen.text}", screen.rows)


def confirm_approve_all(t: Translator, waiting: Waiting, until_ms: int) -> Screen:
    """Approve all, asked once more with how many and what they pay (fees included)."""
    if waiting.count == 0:
        return Screen(t(requesting_texts.NOTHING_TO_REVIEW))
    return Screen(
        requesting_texts.confirm_approve_all(
            t, waiting.count, waiting.reward_cents, waiting.fee_cents
        ),
        (
            (
                Button(
                    requesting_texts.btn_approve_all_yes(t, waiting.count),
                    cb.ApproveAllYes(until_ms).pack(),
                ),
            ),
            (Button(t(requesting_texts.BTN_BACK_TO_REVIEW), cb.ReviewAgain().pack()),),
        ),
    )


def test_question(
    t: Translator, test: QualificationTest, position: int, left: float | None = None
) -> Screen:
    q = test.questions[position]
    return Screen(
        requesting_texts.test_question(t, test, position, left),
        tuple(
            (Button(option, cb.QualAnswer(test.id, position, n).pack()),)
            for n, option in enumerate(q.options)
        ),
    )


def confirm_cancel(t: Translator, preview: CancelPreview) -> Screen:
    """Cancel, asked once more on the card: Yes, cancel or Back to the card."""
    scope, target = _scope(preview.progress)
    return Screen(
        requesting_texts.confirm_cancel(
            t, preview.progress, preview.open_slots, preview.refund_cents
        ),
        (
            (
                Button(t(requesting_texts.BTN_CANCEL_YES), cb.CancelYes(scope, target).pack()),
                Button(t(requesting_texts.BTN_CANCEL_BACK), cb.CardAgain(scope, target).pack()),
            ),
        ),
    )


def required(t: Translator, text: str, draft_id: int, batch: bool) -> Screen:
    """A requirement added to a draft, with its Publish button (the preview is further up)."""
    publish = cb.PublishBatch(draft_id) if batch else cb.Publish(draft_id)
    return Screen(text, ((Button(t(requesting_texts.BTN_PUBLISH), publish.pack()),),))
