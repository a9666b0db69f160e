"""Task languages: `lang=` in a requester's terms, and which workers a language reaches.

A HIT is written in one language, a primary subtag like "es" (storage/hits.py: the
requester's own until `lang=` says another). A worker takes tasks in the languages of
/settings (their own and English until they choose); who is pushed or shown a HIT is
decided in SQL (storage/matching.py WORKER_LANGUAGES, storage/listing.py).
"""

from __future__ import annotations

import re

from bot.i18n import task_language_of
from bot.parsing import ParseError, in_poll_terms, take_settings

LANGUAGE_SETTING = ("lang",)
_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})?$", re.IGNORECASE)


def parse_task_language(text: str) -> str:
    """A task language as a requester writes it: "ES" -> "es", "pt-BR" -> "pt";
    "spanish" -> ParseError."""
    if not _CODE.match(text.strip()):
        raise ParseError(
            "lang is a language code like en, es, pt, hi, ru or id (not '{text}')", text=text
        )
    return task_language_of(text)


def split_language(terms: str) -> tuple[str, str | None]:
    """Take `lang=` out of HIT terms; the rest is left as written.

    "reward=0.05 lang=es n=3" -> ("reward=0.05 n=3", "es"); "reward=0.05" -> ("reward=0.05", None).
    """
    return _language_of(*take_settings(terms, LANGUAGE_SETTING))


def split_poll_language(args: str) -> tuple[str, str | None]:
    """The same for `/newpoll` arguments, whose terms follow the first ';'.

    "Q? | A | B ; reward=0.05 lang=hi" -> ("Q? | A | B ; reward=0.05", "hi")
    """
    return _language_of(*in_poll_terms(args, LANGUAGE_SETTING))


def _language_of(rest: str, found: dict[str, str]) -> tuple[str, str | None]:
    return rest, (parse_task_language(found["lang"]) if "lang" in found else None)
