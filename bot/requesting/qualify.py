"""Custom qualifications: a requester defines one with a short test of known answers;
a worker takes the test (once) and is granted the qualification on passing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import QualificationTest, TestQuestion, User
from bot.parsing import ParseError, whole_number
from bot.requesting.parsing import parse_options, parse_prompt
from bot.requesting.results import TestResult
from storage import qualification_tests as quals
from storage.db import retrying
from storage.usecases import UseCases

MAX_TEST_QUESTIONS = 10
MAX_NAME_LEN = 40


def parse_test_question(text: str) -> TestQuestion:
    """Parse "Is 7 prime? | *yes | no" (the starred option is the known answer).

    -> TestQuestion("Is 7 prime?", ("yes", "no"), 0).
    """
    prompt, sep, rest = text.partition("|")
    if not sep:
        raise ParseError("separate the question and its options with |")
    raw = [part.strip() for part in rest.split("|")]
    starred = [n for n, option in enumerate(raw) if option.startswith("*")]
    if len(starred) != 1:
        raise ParseError("mark exactly one option, the right answer, with *")
    options = parse_options("|".join(option.lstrip("*").strip() for option in raw))
    return TestQuestion(parse_prompt(prompt), options, starred[0])


def parse_name(text: str) -> str:
    """A qualification name: "  Bird expert " -> "Bird expert"."""
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME_LEN:
        raise ParseError("the name must be 1 to {most} characters", most=MAX_NAME_LEN)
    return name


def parse_pass_percent(text: str) -> int:
    """ "80" or "80%" -> 80 (1 to 100)."""
    value = whole_number(text.strip().rstrip("%"))
    if value is None or not 1 <= value <= 100:
        raise ParseError("the pass mark is a percentage from 1 to 100")
    return value


@dataclass(frozen=True, slots=True)
class TestStep:
    """Where a worker is in a test: the result, the test and the next question's index."""

    result: TestResult
    test: QualificationTest | None = None
    position: int = 0
    score_percent: int = 0


class Qualify(UseCases):
    @retrying
    async def define(
        self, requester: User, name: str, questions: list[TestQuestion], pass_percent: int
    ) -> QualificationTest | None:
        """Create the qualification and its test; None if the name is taken."""
        async with self.db.transaction() as conn:
            made = await quals.insert(
                conn, requester.id, name, tuple(questions), pass_percent, self.clock.now()
            )
            return await quals.get(conn, made) if made is not None else None

    async def mine(self, requester: User) -> list[QualificationTest]:
        async with self.db.reading() as conn:
            return await quals.of_requester(conn, requester.id)

    @retrying
    async def start(self, worker: User, qualification_id: int) -> TestStep:
        """Begin (or continue) the test; a finished one cannot be retaken."""
        async with self.db.transaction() as conn:
            test = await quals.get(conn, qualification_id)
            if test is None or not test.questions:
                return TestStep(TestResult.NOT_FOUND)
            if test.requester_id == worker.id:
                return TestStep(TestResult.OWN_TEST, test)
            await quals.start_attempt(conn, worker.id, qualification_id, self.clock.now())
            attempt = await quals.attempt(conn, worker.id, qualification_id)
            assert attempt is not None
            if attempt.status != "taking":
                return TestStep(TestResult.ALREADY_TAKEN, test, 0, attempt.score_percent or 0)
            return TestStep(TestResult.NEXT, test, len(attempt.answers))

    @retrying
    async def answer(
        self, worker: User, qualification_id: int, position: int, option: int
    ) -> TestStep:
        """Record one answer; after the last, score the test and grant on a pass."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            test = await quals.get(conn, qualification_id)
            if test is None:
                return TestStep(TestResult.NOT_FOUND)
            if (
                not 0
                <= option
                < len(test.questions[min(position, len(test.questions) - 1)].options)
            ):
                return TestStep(TestResult.STALE, test)
            if not await quals.record_answer(conn, worker.id, qualification_id, position, option):
                attempt = await quals.attempt(conn, worker.id, qualification_id)
                if attempt is not None and attempt.status != "taking":
                    return TestStep(TestResult.ALREADY_TAKEN, test, 0, attempt.score_percent or 0)
                return TestStep(TestResult.STALE, test, len(attempt.answers) if attempt else 0)
            attempt = await quals.attempt(conn, worker.id, qualification_id)
            assert attempt is not None
            if len(attempt.answers) < len(test.questions):
                return TestStep(TestResult.NEXT, test, len(attempt.answers))
            right = sum(
                given == q.answer for given, q in zip(attempt.answers, test.questions, strict=True)
            )
            score = round(100 * right / len(test.questions))
            passed = score >= test.pass_percent
            await quals.finish_attempt(conn, worker.id, qualification_id, passed, score, now)
            if test.score_scale is not None:  # an MTurk AnswerKey: the score is the value
                value = round(test.score_scale * right / len(test.questions))
                await quals.grant_value(conn, worker.id, qualification_id, value, now)
            elif passed:
                await quals.grant(conn, worker.id, qualification_id, now)
        return TestStep(TestResult.PASSED if passed else TestResult.FAILED, test, 0, score)

    async def holds(self, worker: User, qualification_id: int) -> bool:
        async with self.db.reading() as conn:
            return await quals.holds(conn, worker.id, qualification_id)
