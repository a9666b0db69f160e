"""The marketplace's nouns: users, HITs, questions, assignments, money, screens, and what
the MTurk API stores beside them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class HitKind(StrEnum):
    POLL = "poll"
    SURVEY = "survey"
    TAG = "tag"


class HitStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    RATING = "rating"
    TEXT = "text"
    TAG = "tag"


class AssignmentStatus(StrEnum):
    ACCEPTED = "accepted"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    ABANDONED = "abandoned"


class Priority(IntEnum):
    """Outbox order when many messages are due: lower goes first."""

    REPLY = 0
    REMINDER = 1
    NOTIFICATION = 2
    PUSH = 3


@dataclass(frozen=True, slots=True)
class User:
    id: int
    tg_id: int
    alias: str
    first_name: str
    timezone: str
    is_worker: bool
    is_requester: bool
    active: bool
    language: str = "en"  # what gigbot speaks to them (bot/i18n.py): language_code, /language


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    hit_id: int
    position: int
    kind: QuestionKind
    prompt: str
    options: tuple[str, ...]
    item: str | None = None  # what to tag: text, or an image URL
    gold: str | None = None  # known answer (option index) of a gold item
    max_len: int | None = None  # free text: longest answer accepted


@dataclass(frozen=True, slots=True)
class Hit:
    id: int
    requester_id: int
    kind: HitKind
    title: str
    reward_cents: int
    max_assignments: int
    time_allotted_s: int
    lifetime_s: int
    auto_approve_s: int
    status: HitStatus
    slots_used: int
    created_at: float
    published_at: float | None
    expires_at: float | None
    batch_id: int | None = None
    topic: str = ""
    language: str = "en"  # what the requester wrote it in: a primary subtag (lang=)
    fee_bp: int = 0  # the marketplace's fee on rewards, in basis points (1000 = 10 %)

    @property
    def slots_left(self) -> int:
        return self.max_assignments - self.slots_used

    @property
    def fee_cents(self) -> int:
        """The marketplace's fee on one reward (escrowed with it, booked on approval)."""
        return fee_on(self.reward_cents, self.fee_bp)

    @property
    def slot_cents(self) -> int:
        """What one assignment holds in escrow: its reward and the fee on it."""
        return self.reward_cents + self.fee_cents

    @property
    def escrow_cents(self) -> int:
        """What publishing this HIT sets aside: rewards and fees of every slot."""
        return self.slot_cents * self.max_assignments


def fee_on(cents: int, fee_bp: int) -> int:
    """The marketplace's fee on an amount, rounded half up to a cent.

    >>> fee_on(10, 1000), fee_on(5, 1000), fee_on(4, 1000), fee_on(250, 0)
    (1, 1, 0, 0)
    """
    return (cents * fee_bp + 5_000) // 10_000


@dataclass(frozen=True, slots=True)
class Assignment:
    id: int
    hit_id: int
    worker_id: int
    status: AssignmentStatus
    position: int
    accepted_at: float
    deadline_at: float
    submitted_at: float | None
    reviewed_at: float | None
    reject_reason: str | None
    chat_id: int | None
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Answer:
    assignment_id: int
    question_id: int
    value: str


@dataclass(frozen=True, slots=True)
class PollDraft:
    """A parsed `/newpoll` command, not yet stored."""

    question: str
    options: tuple[str, ...]
    reward_cents: int
    max_assignments: int
    time_allotted_s: int
    lifetime_s: int
    est_s: int | None = None  # the requester's estimate of the work time (est=)
    topic: str = ""  # one of TOPICS (topic=), or none (bot/matching/topics.py)
    auto_approve_s: int | None = None  # auto=, else the bot's default


@dataclass(frozen=True, slots=True)
class RequesterBalance:
    available_cents: int
    escrow_cents: int


@dataclass(frozen=True, slots=True)
class Button:
    """A button in domain terms: either callback data or a URL."""

    text: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Screen:
    """A message to show: text (HTML) and rows of buttons."""

    text: str
    rows: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)


# -- posting surveys and batches (requester side) --------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """One question of a HIT about to be created.

    options: choices or tag labels; item: what to tag (text or image URL); gold: the known
    answer (option index as text) of a gold item; max_len: longest free-text answer.
    """

    kind: QuestionKind
    prompt: str
    options: tuple[str, ...] = ()
    item: str | None = None
    gold: str | None = None
    max_len: int | None = None


@dataclass(frozen=True, slots=True)
class HitSpec:
    """A HIT about to be created as a draft: its terms and its questions."""

    title: str
    kind: HitKind
    topic: str
    reward_cents: int
    max_assignments: int
    time_allotted_s: int
    lifetime_s: int
    auto_approve_s: int
    questions: tuple[QuestionSpec, ...]
    est_s: int | None = None  # the requester's estimate of the work time (est=)
    language: str | None = None  # what it is written in (a primary subtag); None: the requester's


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    requester_id: int
    title: str
    created_at: float


@dataclass(frozen=True, slots=True)
class HitProgress:
    """A requester's HIT (or a whole batch) as /myhits shows it."""

    hit_id: int
    batch_id: int | None
    title: str
    kind: HitKind
    status: HitStatus
    hits: int
    slots: int
    submitted: int
    approved: int
    rejected: int
    in_progress: int
    escrow_cents: int


@dataclass(frozen=True, slots=True)
class TestQuestion:
    """A qualification test question with its known answer (an option index)."""

    prompt: str
    options: tuple[str, ...]
    answer: int


@dataclass(frozen=True, slots=True)
class QualificationTest:
    """A requester's custom qualification and the test that earns it."""

    id: int
    requester_id: int | None
    name: str
    questions: tuple[TestQuestion, ...]
    pass_percent: int
    # A Test with an AnswerKey (MTurk API): every finisher is granted the share right x this.
    score_scale: int | None = None
    # MTurk's TestDurationInSeconds (None: no limit) and RetryDelayInSeconds (None: once).
    duration_s: int | None = None
    retry_delay_s: int | None = None


@dataclass(frozen=True, slots=True)
class TestAttempt:
    """A worker's answers so far; status 'taking', 'passed' or 'failed' (out of time too)."""

    worker_id: int
    qualification_id: int
    answers: tuple[int, ...]
    status: str
    score_percent: int | None
    started_at: float = 0.0


# -- matching and qualifications --------------------------------------------------------


class RequirementKind(StrEnum):
    """What a HIT can require of a worker (hit_requirements.kind)."""

    APPROVAL_RATE = "approval_rate"  # value: minimum percent approved of reviewed work
    APPROVED_COUNT = "approved_count"  # value: minimum number of approved assignments
    LOCALE = "locale"  # value: language code, e.g. "en" (also matches "en-gb")
    QUALIFICATION = "qualification"  # value: minimum value of a custom qualification


@dataclass(frozen=True, slots=True)
class Requirement:
    kind: RequirementKind
    value: str
    qualification_id: int | None = None
    qualification_name: str = ""
    # "" = at least `value` (a locale: that language); else ge, gt, le, lt, eq, ne, exists,
    # not_exists, in, not_in (`value` a JSON list for in / not_in): MTurk's comparators.
    comparator: str = ""


@dataclass(frozen=True, slots=True)
class WorkerStats:
    """A worker's record as matching sees it (kept by triggers, see migration 0006)."""

    pushes: int
    pushes_taken: int
    accepted: int
    in_progress: int
    submitted: int
    approved: int
    rejected: int
    returned: int
    abandoned: int
    gold_answered: int
    gold_correct: int
    last_active_at: float
    approval_pct: int
    score: float


@dataclass(frozen=True, slots=True)
class MatchPrefs:
    """The worker preferences matching reads (written by onboarding and /settings)."""

    kinds: tuple[str, ...] = ("poll", "survey", "tag")
    topics: tuple[str, ...] = ()
    min_reward_cents: int = 0
    quiet_start: int | None = None  # minutes after local midnight
    quiet_end: int | None = None
    notifications: bool = True
    timezone: str = "UTC"
    language: str = "en"
    task_languages: tuple[str, ...] = ("en",)  # what the worker takes tasks in


@dataclass(frozen=True, slots=True)
class PushRecord:
    """One push of a HIT to a worker (the pushes table)."""

    hit_id: int
    worker_id: int
    wave: int
    reason: str  # 'ranked' or 'explore'
    score: float
    sent_at: float
    outcome: str


# -- the worker experience (issue 4) ----------------------------------------------------

# Topics a HIT can carry and a worker can pick at onboarding ('' on a HIT = general).
TOPICS = ("opinion", "images", "language", "shopping", "research")
DEFAULT_TEXT_MAX_LEN = 500
# Bounds on what is stored, whatever a HIT allows: a typed answer (a Telegram message
# holds 4096 units) and any one answer, a web task's posted form (JSON) included.
MAX_TEXT_ANSWER = 4000
MAX_STORED_ANSWER = 50_000


@dataclass(frozen=True, slots=True)
class WorkerPrefs:
    """What a worker wants to be offered (worker_prefs row + users.timezone)."""

    kinds: frozenset[HitKind] = frozenset(HitKind)
    topics: frozenset[str] = frozenset()  # empty = any topic
    min_reward_cents: int = 0
    timezone: str = "UTC"
    quiet_start: int | None = None  # minutes after local midnight
    quiet_end: int | None = None
    notifications: bool = True
    onboarded: bool = False
    # Task languages taken (primary subtags): their own and English until chosen in /settings.
    languages: frozenset[str] = frozenset({"en"})


class HitSort(StrEnum):
    """Orders of /hits."""

    REWARD = "r"
    PER_MINUTE = "m"
    NEWEST = "n"


# Submissions of a HIT (of a batch) before their median time replaces the requester's
# estimate; the pay floor's measured check waits for as many (bot/market/pay_floor.py).
MEASURED_AFTER = 5


class EstimateSource(StrEnum):
    """Where a HIT's time estimate comes from (storage/estimates.py)."""

    MEASURED = "measured"  # median time of submitted work (a batch's, pooled)
    REQUESTER = "requester"  # the requester's est=
    ALLOTTED = "allotted"  # no estimate: the time allotted, the most it can take


@dataclass(frozen=True, slots=True)
class Estimate:
    """How long a HIT takes, the same on every screen, and where that comes from."""

    seconds: float
    source: EstimateSource
    samples: int = 0  # submissions measured, when MEASURED


@dataclass(frozen=True, slots=True)
class ListedHit:
    """A HIT as offered to a worker, with the estimated time it takes; a batch is listed
    once (its next item), `items` counting the items of it this worker may take."""

    hit: Hit
    estimate: Estimate
    items: int = 1

    @property
    def estimated_s(self) -> float:
        return self.estimate.seconds


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel or group a requester linked; new HITs and batches are posted there."""

    id: int
    requester_id: int
    chat_id: int
    title: str
    active: bool


@dataclass(frozen=True, slots=True)
class ChannelCard:
    """What a channel post shows: a HIT or a batch, its terms and the slots left now."""

    post_id: int
    chat_id: int
    hit_id: int | None
    batch_id: int | None
    title: str
    reward_cents: int
    time_allotted_s: int
    total: int
    left: int
    closed: bool


# -- the MTurk API's records (bot/mturk/, storage/mturk.py): keys, HIT types, identifiers --


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A requester's access key (the secret is never carried around with it)."""

    access_key_id: str
    requester_id: int
    created_at: float
    revoked_at: float | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class HitType:
    id: str
    requester_id: int
    title: str
    description: str
    keywords: str
    reward_cents: int
    duration_s: int
    auto_approve_s: int
    requirements: str = "[]"  # QualificationRequirements, canonical JSON (part of the identity)

    @property
    def requirement_list(self) -> list[object]:
        """The QualificationRequirements as they were sent."""
        if self.requirements == "[]":  # most types: no JSON to read
            return []
        found = json.loads(self.requirements)
        return found if isinstance(found, list) else []


@dataclass(frozen=True, slots=True)
class ApiHit:
    """The MTurk side of a HIT created through the API."""

    hit_id: int
    hit_type_id: str
    question: str
    annotation: str
    disposed_at: float | None
    format: str = "QuestionForm"  # or HTMLQuestion / ExternalQuestion (a web task)
    reviewing: bool = False  # UpdateHITReviewStatus marked it Reviewing
    floor_paused: bool = False  # measured work pays under the floor: pushes wait for a raise

    @property
    def web(self) -> bool:
        return self.format != "QuestionForm"


@dataclass(frozen=True, slots=True)
class FormIds:
    """QuestionForm identifiers of one stored question."""

    identifier: str
    selections: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SlotCounts:
    """A HIT's assignments by state, as MTurk counts them."""

    accepted: int
    submitted: int
    reviewed: int


@dataclass(frozen=True, slots=True)
class Given:
    """One stored answer of a handed-in assignment, with what renders it for MTurk."""

    question_id: int
    kind: str  # the question's kind (QuestionKind value)
    value: str
    form: FormIds | None  # its QuestionForm identifiers; None for a web task's posted form


@dataclass(frozen=True, slots=True)
class HandedIn:
    """An assignment as the API lists it: the worker's alias and the answers, in order."""

    assignment: Assignment
    alias: str
    answers: tuple[Given, ...]
