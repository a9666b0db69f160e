"""What screens are drawn from: an assignment as it stands, and the small rules of reading
its answers and its reminders. Pure: no database, no Telegram."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.domain import (
    DEFAULT_TEXT_MAX_LEN,
    MAX_TEXT_ANSWER,
    Answer,
    Assignment,
    Hit,
    Question,
    QuestionKind,
)

MULTI_SELECT = (QuestionKind.MULTI, QuestionKind.TAG)


@dataclass(frozen=True, slots=True)
class WorkView:
    """Everything needed to draw an assignment's message."""

    hit: Hit
    questions: list[Question]
    assignment: Assignment
    answers: dict[int, str]
    # A batch item: (items of the batch this worker has handed in, items in the batch).
    progress: tuple[int, int] | None = None

    def moved_to(self, position: int, answered: dict[int, str] | None = None) -> WorkView:
        """The same view after moving to `position` (and recording `answered`)."""
        return WorkView(
            self.hit,
            self.questions,
            replace(self.assignment, position=position),
            {**self.answers, **(answered or {})},
            self.progress,
        )

    @property
    def current(self) -> Question | None:
        """The question being answered, or None on the summary page."""
        pos = self.assignment.position
        return self.questions[pos] if pos < len(self.questions) else None


def ticked(value: str | None) -> list[int]:
    """The option indexes of a multi-select answer: "0,2" -> [0, 2]."""
    return [int(p) for p in (value or "").split(",") if p.isdigit()]


def reminder_times(
    accepted_at: float, deadline_at: float, fractions: tuple[float, ...]
) -> list[float]:
    """When each reminder is due: a fraction f of the time allotted left.

    (0, 120, (0.5, 0.2)) -> [60.0, 96.0]
    """
    allotted = deadline_at - accepted_at
    return [deadline_at - f * allotted for f in sorted(fractions, reverse=True)]


def next_reminder(
    accepted_at: float, deadline_at: float, fractions: tuple[float, ...], sent: int
) -> float | None:
    """The due time of reminder number `sent` (0-based), or None when there are no more."""
    times = reminder_times(accepted_at, deadline_at, fractions)
    return times[sent] if sent < len(times) else None


def text_limit(question: Question) -> int:
    """The longest typed answer a free-text question takes: its own limit, at most
    MAX_TEXT_ANSWER (an MTurk FreeTextAnswer may ask for any length)."""
    return min(question.max_len or DEFAULT_TEXT_MAX_LEN, MAX_TEXT_ANSWER)


def answer_label(question: Question, answer: Answer | str) -> str:
    """Turn a stored answer value into what a person reads ("1" -> "B")."""
    value = answer.value if isinstance(answer, Answer) else answer
    if question.kind in (QuestionKind.SINGLE, QuestionKind.TAG, QuestionKind.MULTI):
        return ", ".join(question.options[int(p)] for p in value.split(",") if p.isdigit())
    return value
