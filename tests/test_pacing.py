"""The token buckets alone, on a fake monotonic clock: greedy senders never exceed a limit."""

from __future__ import annotations

from bot.delivery.pacing import Pace, SendLimits


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _greedy(pace: Pace, ticker: Ticker, chats: list[int], seconds: float) -> dict[int, list[float]]:
    """Send whenever allowed, round-robin over chats, in 1 ms steps; the send times."""
    sent: dict[int, list[float]] = {chat: [] for chat in chats}
    while ticker.now < seconds:
        for chat in chats:
            if pace.chat_wait(chat) == 0 and pace.global_wait() == 0:
                pace.take_chat(chat)
                pace.take_global()
                pace.answered()
                sent[chat].append(ticker.now)
        ticker.now += 0.001
    return sent


def _busiest(stamps: list[float], window: float) -> int:
    return max((sum(t <= s < t + window for s in stamps) for t in stamps), default=0)


def test_a_channel_gets_at_most_20_a_minute() -> None:
    ticker = Ticker()
    sent = _greedy(Pace(SendLimits(), ticker), ticker, [-1001], 180.0)
    assert _busiest(sent[-1001], 60.0) <= 20
    assert len(sent[-1001]) >= 55, "and close to it over three minutes"


def test_a_private_chat_about_one_a_second_with_a_short_burst() -> None:
    ticker = Ticker()
    sent = _greedy(Pace(SendLimits(), ticker), ticker, [42], 20.0)
    assert _busiest(sent[42], 1.0) <= 3 and _busiest(sent[42], 10.0) <= 13
    assert len(sent[42]) >= 18


def test_overall_at_most_30_a_second() -> None:
    ticker = Ticker()
    sent = _greedy(Pace(SendLimits(), ticker), ticker, list(range(1, 101)), 5.0)
    stamps = sorted(t for times in sent.values() for t in times)
    assert _busiest(stamps, 1.0) <= 30 and len(stamps) >= 5 * 27


def test_a_429_holds_one_chat_only() -> None:
    ticker = Ticker()
    pace = Pace(SendLimits(), ticker)
    pace.hold(7, 5.0)
    assert pace.chat_wait(7) == 5.0 and pace.chat_wait(8) == 0 and pace.global_wait() == 0
    ticker.now = 5.0
    assert pace.chat_wait(7) <= 1.0


def test_calls_bunched_in_flight_stay_within_the_paces_share_of_a_second() -> None:
    """Calls whose answers have not come back yet all count: however long Telegram takes,
    no more than the pace's 28 a second (x scale) are in one second's window, so the 2 left
    of Telegram's 30 stay free for the replies to taps sent meanwhile."""
    ticker = Ticker()
    pace = Pace(SendLimits(scale=10.0), ticker)
    flying = 0
    while ticker.now < 1.5:
        if pace.global_wait() == 0:
            pace.take_global()
            flying += 1
        ticker.now += 0.001
    assert flying == 280, "the pace's share of Telegram's 300 at x10, none answered yet"


def test_a_sender_held_up_for_a_moment_catches_up_within_the_paces_share() -> None:
    """A loop busy elsewhere for 200 ms (a slow machine, a long statement) does not lose
    those 200 ms of sending: the bucket keeps a quarter of a second of tokens, spent at
    once afterwards, and the one-second window still holds the pace's share."""
    ticker = Ticker()
    pace = Pace(SendLimits(scale=10.0), ticker)
    stamps: list[float] = []
    while ticker.now < 3.0:
        stalled = 1.0 <= ticker.now < 1.2
        while not stalled and pace.global_wait() == 0:
            pace.take_global()
            pace.answered()
            stamps.append(ticker.now)
        ticker.now += 0.001
    assert _busiest(stamps, 1.0) <= 280
    assert len(stamps) >= 3 * 280 - 10, f"{len(stamps)}: the stall's 56 sends made up"


def test_a_fresh_pace_has_its_quarter_second_ready() -> None:
    """As after any idle moment: a process's first broadcast starts with a full bucket."""
    ticker = Ticker()
    pace = Pace(SendLimits(scale=10.0), ticker)
    at_once = 0
    while pace.global_wait() == 0:
        pace.take_global()
        pace.answered()
        at_once += 1
    assert at_once == 70
