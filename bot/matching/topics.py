"""HIT topics: `topic=` in a requester's terms, and the topic of a HIT made through MTurk's API.

A HIT has one topic of domain.TOPICS, or none (""). Workers tick topics at onboarding; who
is pushed or shown a HIT is decided in SQL (storage/matching.py, storage/listing.py): a
HIT without a topic suits every worker, a worker who ticked no topic takes any, otherwise
the HIT's topic must be one the worker ticked.
"""

from __future__ import annotations

from bot.domain import TOPICS
from bot.parsing import ParseError, in_poll_terms, take_settings

TOPIC_SETTING = ("topic",)


def parse_topic(text: str) -> str:
    """A topic as a requester writes it: "Images" -> "images"; "cats" -> ParseError."""
    topic = text.strip().lower()
    if topic not in TOPICS:
        raise ParseError(
            "unknown topic '{text}' (use one of {topics})", text=text, topics=", ".join(TOPICS)
        )
    return topic


def split_topic(terms: str) -> tuple[str, str]:
    """Take `topic=` out of HIT terms; the rest is left as written.

    "reward=0.05 topic=images n=3" -> ("reward=0.05 n=3", "images");
    "reward=0.05" -> ("reward=0.05", "").
    """
    return _topic_of(*take_settings(terms, TOPIC_SETTING))


def split_poll_topic(args: str) -> tuple[str, str]:
    """The same for `/newpoll` arguments, whose terms follow the first ';'.

    "Q? | A | B ; reward=0.05 topic=images" -> ("Q? | A | B ; reward=0.05", "images")
    """
    return _topic_of(*in_poll_terms(args, TOPIC_SETTING))


def _topic_of(rest: str, found: dict[str, str]) -> tuple[str, str]:
    return rest, (parse_topic(found["topic"]) if "topic" in found else "")


def topic_from_keywords(keywords: str) -> str:
    """The topic of an MTurk HIT: the first of its comma-separated Keywords that is one.

    "sky, Images, colour" -> "images"; "sky, colour" -> "".
    """
    for keyword in keywords.split(","):
        if keyword.strip().lower() in TOPICS:
            return keyword.strip().lower()
    return ""
