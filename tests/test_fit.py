"""bot/fit.py: lengths counted as Telegram counts them, and clipping that Telegram accepts."""

from __future__ import annotations

import random
from html import escape

from bot.fit import clip, fit_html, fit_lines, fit_pairs, split, units, visible_units
from bot.sandbox.html import parse_html, utf16_len

PIECES = ("a", "é", "😀", "👩‍💻", "&", "<", ">", "\n", " ", "字", "🇩🇪")


def _text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(size))


def test_units_count_utf16_code_units() -> None:
    assert units("ok") == 2 and units("😀") == 2 and units("é") == 1 and units("👩‍💻") == 5
    assert visible_units("<b>a &amp; b</b>") == 5


def test_clipped_html_always_parses_and_fits() -> None:
    rng = random.Random(19)
    for _ in range(300):
        raw = _text(rng, rng.randint(0, 400))
        html = f"<b>{escape(raw[:50])}</b>\n<i>{escape(raw)}</i> <code>{escape(raw[::-1])}</code>"
        most = rng.randint(2, 300)
        fitted = fit_html(html, most)
        text, _ = parse_html(fitted)
        assert utf16_len(text) <= most, (html, most)
        if visible_units(html) <= most:
            assert fitted == html


def test_clip_split_and_pairs_stay_within_their_budgets() -> None:
    rng = random.Random(4)
    for _ in range(300):
        raw = _text(rng, rng.randint(0, 300))
        most = rng.randint(2, 120)
        assert units(clip(raw, most)) <= most
        parts = split(raw, most)
        assert all(units(p) <= most for p in parts)
        assert "".join(parts).replace(" ", "").replace("\n", "") == raw.replace(" ", "").replace(
            "\n", ""
        )
    pairs = [(_text(rng, 50), _text(rng, rng.randint(0, 600))) for _ in range(12)]
    fitted, cut = fit_pairs(pairs, 1000)
    assert cut and sum(units(q) + units(a) + 6 for q, a in fitted) <= 1000
    assert fit_pairs([("Q", "short")], 1000) == ([("Q", "short")], False)
    lines = [escape(_text(rng, 80)) for _ in range(40)]
    kept = fit_lines(lines, 500, "…more")
    assert kept[-1] == "…more" and sum(visible_units(line) + 1 for line in kept) <= 500
