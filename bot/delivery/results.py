"""What delivery's use-cases answer: result enums that texts turn into sentences."""

from __future__ import annotations

from enum import Enum


class LinkResult(Enum):
    LINKED = "linked"
    ALREADY = "already"
    NOT_A_GROUP = "not_a_group"
    BOT_NOT_ADMIN = "bot_not_admin"
    YOU_NOT_ADMIN = "you_not_admin"
