"""Posting surveys: the draft a /newsurvey conversation builds, turned into a draft HIT."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.domain import Hit, HitKind, HitSpec, QuestionKind, QuestionSpec, User
from bot.market.publishing import insert_spec
from bot.matching.offers import Dispatch, store_dispatch
from bot.requesting.parsing import Terms
from storage import hits, qualification_tests
from storage.db import Database, retrying
from storage.usecases import UseCases

TEXT_MAX_LEN = 500


def spec_of(
    title: str, kind: HitKind, topic: str, terms: Terms, questions: tuple[QuestionSpec, ...]
) -> HitSpec:
    """A HIT of `kind` on these terms, about to be created as a draft (a survey, an item of
    a tagging batch)."""
    return HitSpec(
        title=title,
        kind=kind,
        topic=topic,
        reward_cents=terms.reward_cents,
        max_assignments=terms.max_assignments,
        time_allotted_s=terms.time_allotted_s,
        lifetime_s=terms.lifetime_s,
        auto_approve_s=terms.auto_approve_s,
        est_s=terms.est_s,
        questions=questions,
    )


@dataclass(frozen=True, slots=True)
class SurveyDraft:
    """What the conversation has collected so far (kept in user_data as plain JSON)."""

    title: str
    questions: tuple[QuestionSpec, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "questions": [
                {"kind": q.kind.value, "prompt": q.prompt, "options": list(q.options)}
                for q in self.questions
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SurveyDraft:
        return cls(
            str(data.get("title", "")),
            tuple(
                question(QuestionKind(q["kind"]), str(q["prompt"]), tuple(q["options"]))
                for q in data.get("questions", [])
            ),
        )

    def adding(self, spec: QuestionSpec) -> SurveyDraft:
        return SurveyDraft(self.title, (*self.questions, spec))


def question(kind: QuestionKind, prompt: str, options: tuple[str, ...] = ()) -> QuestionSpec:
    """A survey question; free text gets the standard length limit."""
    return QuestionSpec(
        kind, prompt, options, max_len=TEXT_MAX_LEN if kind is QuestionKind.TEXT else None
    )


class Posting(UseCases):
    """Creating survey drafts with their qualification requirements."""

    def __init__(self, db: Database, clock: Clock, fee_bp: int = 0) -> None:
        super().__init__(db, clock)
        self.fee_bp = fee_bp  # the marketplace's fee on rewards of new HITs (basis points)

    @retrying
    async def create_survey(
        self,
        requester: User,
        draft: SurveyDraft,
        terms: Terms,
        qualification_ids: list[int],
        dispatch: Dispatch | None = None,
        *,
        topic: str = "",
    ) -> Hit:
        """Store the survey as a draft HIT (preview, then Publish) with its requirements."""
        spec = spec_of(draft.title, HitKind.SURVEY, topic, terms, draft.questions)
        async with self.db.transaction() as conn:
            hit_id = await insert_spec(conn, requester, spec, self.clock.now(), self.fee_bp)
            if dispatch is not None:
                await store_dispatch(conn, hit_id, dispatch)
            own = {q.id for q in await qualification_tests.of_requester(conn, requester.id)}
            for qualification_id in qualification_ids:
                if qualification_id in own:
                    await hits.add_requirement(conn, hit_id, "qualification", "1", qualification_id)
            hit = await hits.get(conn, hit_id)
        assert hit is not None
        return hit
