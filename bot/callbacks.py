"""Callback data: one small typed class per button kind, packed within Telegram's 64 bytes.

>>> Accept(hit_id=12).pack()
'acc:12'
>>> Accept.unpack('acc:12')
Accept(hit_id=12)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar, Self

SEP = ":"
MAX_BYTES = 64
# Ints are ASCII digits, at most this many (far within SQLite's 64-bit integers): forged
# data like "acc:99999999999999999999" or "acc:²" matches no pattern and is a stale button.
MAX_DIGITS = 15
_INT = f"[0-9]{{1,{MAX_DIGITS}}}"


@dataclass(frozen=True, slots=True)
class CallbackData:
    """Base: fields are ints or strs, packed as `prefix:field1:field2`."""

    prefix: ClassVar[str]

    def pack(self) -> str:
        """Encode; refuses the separator inside values and data over 64 bytes."""
        for f in dataclasses.fields(self):
            if _is_int(f) and not 0 <= getattr(self, f.name) < 10**MAX_DIGITS:
                raise ValueError(f"{f.name} out of range in {self!r}")
        values = [str(getattr(self, f.name)) for f in dataclasses.fields(self)]
        if any(SEP in value for value in values):
            raise ValueError(f"'{SEP}' inside callback value {values}")
        data = SEP.join([self.prefix, *values])
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data}")
        return data

    @classmethod
    def unpack(cls, data: str) -> Self:
        """Decode, checking prefix, arity and types; raises ValueError."""
        prefix, *values = data.split(SEP)
        fields = dataclasses.fields(cls)
        if prefix != cls.prefix or len(values) != len(fields):
            raise ValueError(f"not a {cls.__name__}: {data!r}")
        kwargs: dict[str, object] = {}
        for field, value in zip(fields, values, strict=True):
            if not _is_int(field):
                kwargs[field.name] = value
            elif value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS:
                kwargs[field.name] = int(value)
            else:
                raise ValueError(f"{field.name} is not a small whole number in {data!r}")
        return cls(**kwargs)

    @classmethod
    def pattern(cls) -> str:
        """A regex for CallbackQueryHandler(pattern=...) matching exactly this shape."""
        parts = [_INT if _is_int(f) else f"[^{SEP}]*" for f in dataclasses.fields(cls)]
        return "^" + SEP.join([cls.prefix, *parts]) + r"\Z"  # "$" would allow a last "\n"


def _is_int(field: dataclasses.Field[object]) -> bool:
    return field.type in ("int", int)


@dataclass(frozen=True, slots=True)
class Accept(CallbackData):
    prefix: ClassVar[str] = "acc"
    hit_id: int


@dataclass(frozen=True, slots=True)
class Skip(CallbackData):
    prefix: ClassVar[str] = "skp"
    hit_id: int


@dataclass(frozen=True, slots=True)
class Choose(CallbackData):
    """Answer the question at `position` of an assignment with option `option`."""

    prefix: ClassVar[str] = "ans"
    assignment_id: int
    position: int
    option: int


@dataclass(frozen=True, slots=True)
class Back(CallbackData):
    prefix: ClassVar[str] = "bck"
    assignment_id: int


@dataclass(frozen=True, slots=True)
class Submit(CallbackData):
    prefix: ClassVar[str] = "sub"
    assignment_id: int


@dataclass(frozen=True, slots=True)
class Return(CallbackData):
    prefix: ClassVar[str] = "ret"
    assignment_id: int


@dataclass(frozen=True, slots=True)
class Publish(CallbackData):
    prefix: ClassVar[str] = "pub"
    hit_id: int


@dataclass(frozen=True, slots=True)
class Discard(CallbackData):
    prefix: ClassVar[str] = "dis"
    hit_id: int


@dataclass(frozen=True, slots=True)
class Approve(CallbackData):
    prefix: ClassVar[str] = "apr"
    assignment_id: int


@dataclass(frozen=True, slots=True)
class Reject(CallbackData):
    prefix: ClassVar[str] = "rej"
    assignment_id: int


# -- requester tools ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SurveyAdd(CallbackData):
    """In /newsurvey: add a question of this kind, or 'done'."""

    prefix: ClassVar[str] = "sva"
    kind: str


@dataclass(frozen=True, slots=True)
class SurveyQual(CallbackData):
    """In /newsurvey: toggle requiring a qualification; 0 = done choosing."""

    prefix: ClassVar[str] = "svq"
    qualification_id: int


@dataclass(frozen=True, slots=True)
class PublishBatch(CallbackData):
    prefix: ClassVar[str] = "pbb"
    batch_id: int


@dataclass(frozen=True, slots=True)
class DiscardBatch(CallbackData):
    prefix: ClassVar[str] = "dbb"
    batch_id: int


@dataclass(frozen=True, slots=True)
class EditTerms(CallbackData):
    """Ask for new terms of a draft HIT ('h') or batch ('b'), changed in place."""

    prefix: ClassVar[str] = "etm"
    scope: str
    target_id: int


@dataclass(frozen=True, slots=True)
class Manage(CallbackData):
    """Pause / resume / cancel one HIT (scope 'h') or a batch (scope 'b')."""

    prefix: ClassVar[str] = "mng"
    action: str
    scope: str
    target_id: int


@dataclass(frozen=True, slots=True)
class ShowResults(CallbackData):
    prefix: ClassVar[str] = "res"
    scope: str
    target_id: int


@dataclass(frozen=True, slots=True)
class ExportCsv(CallbackData):
    prefix: ClassVar[str] = "csv"
    scope: str
    target_id: int


@dataclass(frozen=True, slots=True)
class ApproveAll(CallbackData):
    """Ask to approve everything submitted up to `until_ms` (when the card was drawn)."""

    prefix: ClassVar[str] = "apa"
    until_ms: int


@dataclass(frozen=True, slots=True)
class MyHitsPage(CallbackData):
    """The next page of /myhits."""

    prefix: ClassVar[str] = "mhp"
    page: int


@dataclass(frozen=True, slots=True)
class OpenMyHit(CallbackData):
    """A /myhits row: that HIT's ('h') or batch's ('b') card, in the same message."""

    prefix: ClassVar[str] = "mho"
    scope: str
    target_id: int


@dataclass(frozen=True, slots=True)
class ApproveAllYes(CallbackData):
    """The confirmation: approve everything submitted up to `until_ms`."""

    prefix: ClassVar[str] = "apy"
    until_ms: int


@dataclass(frozen=True, slots=True)
class ReviewAgain(CallbackData):
    """Back to the review card (the oldest submitted assignment)."""

    prefix: ClassVar[str] = "rva"


@dataclass(frozen=True, slots=True)
class FullAnswers(CallbackData):
    """Send all of an assignment's answers as a .txt file (its card shows them shortened)."""

    prefix: ClassVar[str] = "fan"
    assignment_id: int


@dataclass(frozen=True, slots=True)
class RejectWorker(CallbackData):
    """Reject a low-gold worker's submitted work in one batch."""

    prefix: ClassVar[str] = "rjw"
    batch_id: int
    alias: str


@dataclass(frozen=True, slots=True)
class RejectAllBy(CallbackData):
    """From the review card: reject a low-gold worker's submitted work in one batch, then
    show the next submission (RejectWorker is the same from /results)."""

    prefix: ClassVar[str] = "rja"
    batch_id: int
    alias: str


@dataclass(frozen=True, slots=True)
class BlockWorker(CallbackData):
    prefix: ClassVar[str] = "blw"
    alias: str


@dataclass(frozen=True, slots=True)
class QualAnswer(CallbackData):
    """A worker's answer to question `position` of a qualification test."""

    prefix: ClassVar[str] = "qla"
    qualification_id: int
    position: int
    option: int


@dataclass(frozen=True, slots=True)
class NewApiKey(CallbackData):
    prefix: ClassVar[str] = "akn"


@dataclass(frozen=True, slots=True)
class RevokeApiKey(CallbackData):
    prefix: ClassVar[str] = "akr"
    key_id: str


@dataclass(frozen=True, slots=True)
class OpenTask(CallbackData):
    """From a reminder: show the assignment's task again."""

    prefix: ClassVar[str] = "opn"
    assignment_id: int


# -- fair work: ratings, disputes, anonymous messages -------------------------------------


@dataclass(frozen=True, slots=True)
class RateOpen(CallbackData):
    """Show the rating buttons for the requester of this (reviewed) assignment."""

    prefix: ClassVar[str] = "rto"
    assignment_id: int


@dataclass(frozen=True, slots=True)
class Rate(CallbackData):
    """Rate a requester: dimension p(ay), f(airness) or c(ommunication), 1-5 stars."""

    prefix: ClassVar[str] = "rt"
    assignment_id: int
    dimension: str
    stars: int


@dataclass(frozen=True, slots=True)
class Dispute(CallbackData):
    prefix: ClassVar[str] = "dsp"
    assignment_id: int


@dataclass(frozen=True, slots=True)
class Reverse(CallbackData):
    prefix: ClassVar[str] = "dsr"
    dispute_id: int


@dataclass(frozen=True, slots=True)
class Uphold(CallbackData):
    prefix: ClassVar[str] = "dsu"
    dispute_id: int


@dataclass(frozen=True, slots=True)
class Relay(CallbackData):
    """Write to the other side of an assignment (worker <-> requester), anonymously."""

    prefix: ClassVar[str] = "msg"
    assignment_id: int


@dataclass(frozen=True, slots=True)
class RelayReply(CallbackData):
    prefix: ClassVar[str] = "mrp"
    message_id: int


# -- the worker experience (issue 4) --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Preview(CallbackData):
    """Show a HIT's questions without taking a slot."""

    prefix: ClassVar[str] = "prv"
    hit_id: int


@dataclass(frozen=True, slots=True)
class Card(CallbackData):
    """Show (again) a HIT's card, e.g. from a preview or a /hits row."""

    prefix: ClassVar[str] = "crd"
    hit_id: int


@dataclass(frozen=True, slots=True)
class Mute(CallbackData):
    """Mute the requester of this HIT."""

    prefix: ClassVar[str] = "mut"
    hit_id: int


@dataclass(frozen=True, slots=True)
class Unmute(CallbackData):
    prefix: ClassVar[str] = "umt"
    requester_id: int


@dataclass(frozen=True, slots=True)
class Toggle(CallbackData):
    """Tick or untick option `option` of the multi-select question at `position`."""

    prefix: ClassVar[str] = "tgl"
    assignment_id: int
    position: int
    option: int


@dataclass(frozen=True, slots=True)
class Picked(CallbackData):
    """Done ticking the multi-select question at `position`."""

    prefix: ClassVar[str] = "pkd"
    assignment_id: int
    position: int


@dataclass(frozen=True, slots=True)
class NextInBatch(CallbackData):
    prefix: ClassVar[str] = "nib"
    batch_id: int


@dataclass(frozen=True, slots=True)
class HitsPage(CallbackData):
    """A /hits page: sort r|m|n, kind ''|poll|survey|tag, page from 0.

    >>> HitsPage("m", "tag", 2).pack()
    'hp:m:tag:2'
    """

    prefix: ClassVar[str] = "hp"
    sort: str
    kind: str
    page: int


@dataclass(frozen=True, slots=True)
class SetupStep(CallbackData):
    """Show a setup step (kinds|topics|reward|tz|quiet|menu) in mode o(nboarding)|s(ettings)."""

    prefix: ClassVar[str] = "stp"
    step: str
    mode: str


@dataclass(frozen=True, slots=True)
class SetPref(CallbackData):
    """Change one preference: pref kind|topic|reward|tz|quiet|notify, then value.

    >>> SetPref("tz", "Europe/Berlin", "o").pack()
    'spf:tz:Europe/Berlin:o'
    """

    prefix: ClassVar[str] = "spf"
    pref: str
    value: str
    mode: str


@dataclass(frozen=True, slots=True)
class Role(CallbackData):
    """On the welcome: 'w' (I want to work) or 'p' (I want to post tasks); `left` is the
    roles whose buttons the welcome shows, so the pressed one can go.

    >>> Role("w", "wp").pack()
    'role:w:wp'
    """

    prefix: ClassVar[str] = "role"
    role: str
    left: str


@dataclass(frozen=True, slots=True)
class OpenHit(CallbackData):
    """A /hits row: send that HIT's card as a new message (the list stays)."""

    prefix: ClassVar[str] = "oph"
    hit_id: int


@dataclass(frozen=True, slots=True)
class Several(CallbackData):
    """Switch the tagging question at `position` to picking several labels."""

    prefix: ClassVar[str] = "sev"
    assignment_id: int
    position: int


@dataclass(frozen=True, slots=True)
class Undo(CallbackData):
    """Change the label of batch item `assignment_id`, just handed in; `next_id` is the
    item shown since (0: none), to go back to.

    >>> Undo(41, 42).pack()
    'tgu:41:42'
    """

    prefix: ClassVar[str] = "tgu"
    assignment_id: int
    next_id: int


@dataclass(frozen=True, slots=True)
class Retag(CallbackData):
    """Give handed-in batch item `assignment_id` label `option`, then back to `next_id`."""

    prefix: ClassVar[str] = "tgr"
    assignment_id: int
    next_id: int
    option: int


@dataclass(frozen=True, slots=True)
class Decline(CallbackData):
    """Give up a timed offer of a HIT: it moves to the next worker at once."""

    prefix: ClassVar[str] = "dcl"
    hit_id: int


@dataclass(frozen=True, slots=True)
class Extend(CallbackData):
    """From the last reminder: add the HIT's "+N minutes" to the deadline, once."""

    prefix: ClassVar[str] = "ext"
    assignment_id: int


@dataclass(frozen=True, slots=True)
class ReturnFree(CallbackData):
    """From the last reminder: give the assignment back (never counts against the worker)."""

    prefix: ClassVar[str] = "rtf"
    assignment_id: int


@dataclass(frozen=True, slots=True)
class Help(CallbackData):
    """A page of /help: "worker" or "requester"."""

    prefix: ClassVar[str] = "help"
    page: str


# -- /myhits: cancel asks first ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CancelYes(CallbackData):
    """The confirmation: cancel one HIT (scope 'h') or a batch (scope 'b')."""

    prefix: ClassVar[str] = "cny"
    scope: str
    target_id: int


@dataclass(frozen=True, slots=True)
class CardAgain(CallbackData):
    """Back from the cancel question: redraw the /myhits card."""

    prefix: ClassVar[str] = "mcb"
    scope: str
    target_id: int


@dataclass(frozen=True, slots=True)
class Language(CallbackData):
    """A /language button: speak this language (a code of bot/i18n.LANGUAGES).

    >>> Language("pt-br").pack()
    'lang:pt-br'
    """

    prefix: ClassVar[str] = "lang"
    code: str


# -- money: deposits, refunds, withdrawals, payouts (bot/money/) -------------------------------


@dataclass(frozen=True, slots=True)
class Deposit(CallbackData):
    """Send an invoice for `cents`, in Telegram Stars ("XTR") or the fiat currency."""

    prefix: ClassVar[str] = "dep"
    cents: int
    currency: str


@dataclass(frozen=True, slots=True)
class DepositMenu(CallbackData):
    """The amounts to deposit (from /balance or a 'not enough balance' refusal)."""

    prefix: ClassVar[str] = "dpm"


@dataclass(frozen=True, slots=True)
class RefundDeposit(CallbackData):
    prefix: ClassVar[str] = "rfd"
    deposit_id: int


@dataclass(frozen=True, slots=True)
class Withdraw(CallbackData):
    """Withdraw `cents`, once per message the button is on."""

    prefix: ClassVar[str] = "wdr"
    cents: int


@dataclass(frozen=True, slots=True)
class PayoutMethod(CallbackData):
    """Where to be paid: 'paypal' or 'venmo'; the address is typed next."""

    prefix: ClassVar[str] = "pym"
    method: str


@dataclass(frozen=True, slots=True)
class ExportPayouts(CallbackData):
    prefix: ClassVar[str] = "pye"


@dataclass(frozen=True, slots=True)
class MarkPaid(CallbackData):
    prefix: ClassVar[str] = "pyp"
    batch_id: int
