"""Bounds on what users send: JSON nesting, and parsing big inputs off the event loop.

Every parser of a user's file or body is linear in its input, and its input is capped
(the README's "Limits on what users send"); past OFF_LOOP_BYTES the parse runs on a
worker thread so that one upload never stalls the bot for everyone else.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# Inputs up to this size parse in well under a millisecond; bigger ones go to a thread.
OFF_LOOP_BYTES = 16 * 1024


class TooDeep(ValueError):
    """JSON nested deeper than allowed."""


def loads(body: bytes, max_depth: int) -> Any:
    """`json.loads` refusing nesting deeper than `max_depth` (ValueError), linear in the body.

    loads(b'{"a": [1]}', 2) -> {'a': [1]}; loads(b'[[[1]]]', 2) raises TooDeep.
    """
    try:
        value = json.loads(body)
    except RecursionError:
        raise TooDeep(f"nested deeper than {max_depth} levels") from None
    opens = body.count(b"[") + body.count(b"{")
    if opens > max_depth and depth(value, max_depth) > max_depth:
        raise TooDeep(f"nested deeper than {max_depth} levels")
    return value


def depth(value: object, most: int) -> int:
    """How deep lists and objects nest in `value` (a scalar is 0), counted up to most + 1.

    depth([1, {"a": []}], 5) -> 3.
    """
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        found, level = stack.pop()
        if isinstance(found, dict):
            children: Any = found.values()
        elif isinstance(found, list):
            children = found
        else:
            continue
        deepest = max(deepest, level)
        if deepest > most:
            return deepest
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


async def off_loop(size: int, parse: Callable[..., T], *args: Any) -> T:
    """`parse(*args)`, on a worker thread when its input (`size` bytes) could stall the loop."""
    if size <= OFF_LOOP_BYTES:
        return parse(*args)
    return await asyncio.to_thread(parse, *args)
