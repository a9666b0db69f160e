"""Helpers the stories share, by what they hold (as python-telegram-bot's tests/auxil/).

stages: opening the bot on the simulated Telegram and failing on what it broke; people:
requesters and workers set up as a person would; posting: polls, surveys and batches put up;
screens: reading what a chat shows; database: reading and seeding rows; gestures: what
workers do beyond a tap (a timed poll, a batch item, stars, forged taps); mturk: the MTurk
API and its web tasks; hostile: raw signed requests and webhook posts; invariants: what must
hold after any story. Fixtures stay in tests/conftest.py. To wait for the bot, await the
simulated Telegram (`sim.until`, `sim.delivery.taken`, `sim.delivery.polled`) or the
FakeClock, never sleep and look.
"""
