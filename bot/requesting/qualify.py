"""Custom qualifications: a requester defines one with a short test of known answers;
a worker takes the test (once) and is granted the qualification on passing.

A test made through the MTurk API may have a time limit (TestDurationInSeconds: answers
after it end the attempt, nothing granted) and a retry delay (RetryDelayInSeconds: an
attempt not granted may be started again that long after the last one started)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import QualificationTest, TestAttempt, TestQuestion, User
from bot.parsing import ParseError, whole_number
from bot.requesting.parsing import parse_options, parse_prompt
from bot.requesting.results import TestResult
from storage import qualification_tests as quals
from storage.db import Conn, retrying
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
    # NEXT: the time left to finish (None: no limit); TIME_UP: the time limit;
    # RETRY_LATER: the time until another attempt.
    seconds: float | None = None
    retry_in: float | None = None  # TIME_UP: when another attempt may start (None: never)


def _time_left(test: QualificationTest, attempt: TestAttempt, now: float) -> float | None:
    """Seconds left to finish the attempt; None when the test has no time limit."""
    if test.duration_s is None:
        return None
    return attempt.started_at + test.duration_s - now


def _score(test: QualificationTest, answers: tuple[int, ...]) -> tuple[int, int]:
    """(right answers, percent of the test's questions) of the answers given."""
    right = sum(given == q.answer for given, q in zip(answers, test.questions, strict=False))
    return right, round(100 * right / len(test.questions))


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
        """Begin (or continue) the test; a finished one cannot be retaken, unless it was not
        granted and the test's retry delay has passed."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            test = await quals.get(conn, qualification_id)
            if test is None or not test.questions:
                return TestStep(TestResult.NOT_FOUND)
            if test.requester_id == worker.id:
                return TestStep(TestResult.OWN_TEST, test)
            await quals.start_attempt(conn, worker.id, qualification_id, now)
            attempt = await quals.attempt(conn, worker.id, qualification_id)
            assert attempt is not None
            if attempt.status == "taking":
                return await self._going_on(conn, worker, test, attempt, now)
            if attempt.status == "failed" and test.retry_delay_s is not None:
                wait = attempt.started_at + test.retry_delay_s - now
                if wait > 0:
                    return TestStep(TestResult.RETRY_LATER, test, 0, 0, wait)
                await quals.restart_attempt(conn, worker.id, test.id, attempt.started_at, now)
                again = await quals.attempt(conn, worker.id, qualification_id)
                assert again is not None
                return await self._going_on(conn, worker, test, again, now)
            return TestStep(TestResult.ALREADY_TAKEN, test, 0, attempt.score_percent or 0)

    async def _going_on(
        self, conn: Conn, worker: User, test: QualificationTest, attempt: TestAttempt, now: float
    ) -> TestStep:
        """The attempt under way: its next question and the time left; or, past the test's
        time limit, its end (what was answered scored, nothing granted)."""
        left = _time_left(test, attempt, now)
        if left is None or left > 0:
            return TestStep(TestResult.NEXT, test, len(attempt.answers), 0, left)
        _, percent = _score(test, attempt.answers)
        await quals.finish_attempt(conn, worker.id, test.id, False, percent, now)
        retry = test.retry_delay_s
        retry_in = None if retry is None else max(0.0, attempt.started_at + retry - now)
        return TestStep(TestResult.TIME_UP, test, 0, percent, test.duration_s, retry_in)

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
            under_way = await quals.attempt(conn, worker.id, qualification_id)
            if under_way is not None and under_way.status == "taking":
                left = _time_left(test, under_way, now)
                if left is not None and left <= 0:  # too late: the attempt ends unanswered
                    return await self._going_on(conn, worker, test, under_way, now)
            if not await quals.record_answer(conn, worker.id, qualification_id, position, option):
                attempt = await quals.attempt(conn, worker.id, qualification_id)
                if attempt is not None and attempt.status != "taking":
                    return TestStep(TestResult.ALREADY_TAKEN, test, 0, attempt.score_percent or 0)
                return TestStep(TestResult.STALE, test, len(attempt.answers) if attempt else 0)
            attempt = await quals.attempt(conn, worker.id, qualification_id)
            assert attempt is not None
            if len(attempt.answers) < len(test.questions):
                return await self._going_on(conn, worker, test, attempt, now)
            right, score = _score(test, attempt.answers)
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
