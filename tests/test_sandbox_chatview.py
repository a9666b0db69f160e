"""The web chat's rendering of messages: escaped text, entities as tags, safe links only."""

from __future__ import annotations

import pytest

from bot.sandbox.chatview import render_html
from bot.sandbox.html import parse_html

# the sandbox always runs on a SQLite file.
pytestmark = pytest.mark.sqlite_only


def _from_telegram_html(markup: str) -> str:
    """What the page shows for a message the bot sent with parse_mode=HTML."""
    return render_html(*parse_html(markup))


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ("<b>Hi</b> Ann", "<b>Hi</b> Ann"),
        ("1 &lt; 2 &amp; <i>3 &gt; 2</i>", "1 &lt; 2 &amp; <i>3 &gt; 2</i>"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('say "hi" it\'s', "say &quot;hi&quot; it&#x27;s"),
        ("<b>bold <i>both</i></b>", "<b>bold </b><b><i>both</i></b>"),
        ("<code>/start &lt;x&gt;</code>", "<code>/start &lt;x&gt;</code>"),
        ("<tg-spoiler>gold</tg-spoiler>", '<span class="spoiler">gold</span>'),
        ("👋 <b>Welcome</b>", "👋 <b>Welcome</b>"),
    ],
)
def test_text_is_escaped_and_entities_become_tags(markup: str, shown: str) -> None:
    assert _from_telegram_html(markup) == shown


def test_commands_in_plain_text_are_tappable_but_not_inside_words_or_code() -> None:
    html = render_html("Try /next or a/b, (/help)", [])
    assert html.count('class="cmd"') == 2
    assert 'data-cmd="/next"' in html and 'data-cmd="/help"' in html
    assert "a/b" in html


def test_links_only_for_web_addresses() -> None:
    good = _from_telegram_html('<a href="https://example.org/?a=1&amp;b=&quot;2&quot;">site</a>')
    assert good.startswith('<a href="https://example.org/?a=1&amp;b=&quot;2&quot;"')
    assert 'rel="noopener noreferrer"' in good
    bad = _from_telegram_html('<a href="javascript:alert(1)">click</a>')
    assert bad == "click"


def test_offsets_count_utf16_units_and_bad_entities_are_ignored() -> None:
    text = "😀 ok done"
    assert render_html(text, [{"type": "bold", "offset": 3, "length": 2}]) == "😀 <b>ok</b> done"
    assert render_html(text, [{"type": "bold", "offset": 50, "length": 2}]) == text
    assert render_html(text, [{"type": "nonsense", "offset": 0, "length": 4}]) == text
