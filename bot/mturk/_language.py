"""The task language of a HIT made through the MTurk API, which has no field for it.

MTurk shows a HIT to every worker (a `Locale` requirement names countries, not languages),
so a script says what language its task is in only through the task itself. gigbot reads,
in order:

1. an HTMLQuestion's `<html lang="es">`: the page's own declaration (browsers and screen
   readers read it; MTurk ignores it, so the same script runs on MTurk unchanged);
2. the words workers read (the title, description and questions, or the page's text):
   mostly Devanagari letters are Hindi, mostly Cyrillic ones Russian; in Latin letters,
   common words of English, Spanish, Portuguese or Indonesian, when one language clearly
   leads;
3. otherwise nothing: the HIT takes its requester's language, as a HIT made in Telegram does.

>>> page_language('<!DOCTYPE html><html lang="pt-BR"><body>Olá</body></html>')
'pt'
>>> text_language("¿De qué color es el cielo? Mira por la ventana.")
'es'
>>> text_language("Tell us the colour of the sky"), text_language("Sky colour")
('en', None)
"""

from __future__ import annotations

import html
import re

from bot.i18n import task_language_of
from bot.mturk._questionform import Form
from bot.mturk._webquestion import WebQuestion

_HTML_LANG = re.compile(
    r"<html\b[^>]*?\s(?:xml:)?lang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)",
    re.IGNORECASE,
)
_NOT_READ = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W\d_]+")

# Letters of a script one of gigbot's languages is written in, by the language.
_SCRIPTS = {"hi": ("\u0900", "\u097f"), "ru": ("\u0400", "\u04ff")}

# Short words common in any text of the language and rare in the others (words two share,
# like "de" and "que" of Spanish and Portuguese, count for both).
_COMMON = {
    "en": frozenset(
        "the and of to is are what which this that you your please with for how does do"
        " an it be or on in from if not".split()
    ),
    "es": frozenset(
        "el la los las de del que y en es un una por para con qué cuál cuáles tu su se"
        " al lo como más este esta no o".split()
    ),
    "pt": frozenset(
        "o os as da do das dos de que e em um uma para com não qual quais você seu sua"
        " na no é por mais este esta ou".split()
    ),
    "id": frozenset(
        "yang dan di ke dari ini itu untuk dengan apa adalah tidak anda kamu pada atau"
        " akan bisa mana silakan".split()
    ),
}
_LEAST_WORDS = 2  # a language needs at least this many of its words, and twice the next's


def task_language(title: str, description: str, question: Form | WebQuestion) -> str | None:
    """What a HIT is written in, as far as it says (None: it does not say)."""
    if isinstance(question, WebQuestion):
        declared = page_language(question.html)
        if declared is not None:
            return declared
        body = page_text(question.html)
    else:
        body = "\n".join(
            [question.overview]
            + [f"{q.spec.prompt}\n" + "\n".join(q.spec.options) for q in question.questions]
        )
    return text_language(f"{title}\n{description}\n{body}")


def page_language(page: str) -> str | None:
    """The primary subtag of an HTML page's `<html lang=...>`, if it says one."""
    found = _HTML_LANG.search(page)
    return task_language_of(found[1]) if found else None


def page_text(page: str) -> str:
    """The words of an HTML page as a reader sees them (no tags, scripts or styles)."""
    return html.unescape(_TAG.sub(" ", _NOT_READ.sub(" ", page)))


def text_language(text: str) -> str | None:
    """The language the text is clearly written in, or None (too short, or unclear)."""
    letters = [c for c in text if c.isalpha()]
    for language, (low, high) in _SCRIPTS.items():
        if letters and sum(low <= c <= high for c in letters) * 2 > len(letters):
            return language
    words = _WORD.findall(text.lower())
    counts = sorted(
        ((sum(w in common for w in words), language) for language, common in _COMMON.items()),
        reverse=True,
    )
    (best, language), (second, _) = counts[0], counts[1]
    if best >= _LEAST_WORDS and best >= 2 * second:
        return language
    return None
