"""`gigbot run | demo | sandbox`: parse the command line and hand over; nothing else."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from bot.config import ConfigError, load_settings
from bot.i18n import LANGUAGES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gigbot", description="Microtasks on Telegram.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot against Telegram (GIGBOT_TOKEN required)")
    demo = sub.add_parser("demo", help="the whole story against a simulated Telegram")
    demo.add_argument("--seed", type=int, default=7, help="random seed (reproducible runs)")
    demo.add_argument("--speed", type=float, default=60.0, help="time acceleration")
    demo.add_argument("--database", default=None, help="SQLite file (default: a temporary one)")
    demo.add_argument("--verbose", action="store_true", help="also print the libraries' logs")
    demo.add_argument(
        "--lang",
        default="en",
        choices=sorted(LANGUAGES),
        help="the language everyone speaks in the story (gigbot's texts and what Rita writes)",
    )
    sandbox = sub.add_parser(
        "sandbox", help="try the bot in a browser: you play the requester and the workers"
    )
    sandbox.add_argument(
        "--port", type=int, default=8580, help="web chat port on 127.0.0.1 (0: any free one)"
    )
    sandbox.add_argument(
        "--database", default=None, help="SQLite file (default: ./gigbot-sandbox.sqlite3)"
    )
    sandbox.add_argument("--speed", type=float, default=1.0, help="time acceleration")
    sandbox.add_argument("--workers", type=int, default=3, help="how many worker panes")
    sandbox.add_argument(
        "--mturk",
        default=None,
        metavar="HOST:PORT",
        help="also serve the MTurk requester API there (default: GIGBOT_MTURK_LISTEN, else off)",
    )
    db = sub.add_parser("db", help="database tools")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    copy = db_sub.add_parser(
        "copy",
        help="copy a marketplace into an empty database (SQLite file <-> postgresql:// URL)",
    )
    copy.add_argument("source", help="SQLite file or postgresql://user:pass@host/db")
    copy.add_argument("target", help="SQLite file or postgresql://user:pass@host/db (empty)")
    return parser


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `gigbot` console script and `python -m bot`."""
    # PTB 22 warns on every 429 unless its timedelta mode is chosen; we handle both forms.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = _parser().parse_args(argv)
    command = args.command or "demo"
    try:
        if command == "run":
            from bot.runtime.runner import run

            sys.exit(run(load_settings()))
        if command == "db":
            from bot.runtime.db_copy import copy_command

            sys.exit(asyncio.run(copy_command(args.source, args.target)))
        if command == "sandbox":
            from bot.demo.sandbox_run import run_sandbox

            if args.speed <= 0 or not 0 <= args.workers <= 8 or not 0 <= args.port <= 65535:
                print("gigbot: --speed > 0, --workers 0..8, --port 0..65535", file=sys.stderr)
                sys.exit(2)
            host, _, port = (args.mturk or "").rpartition(":")
            if args.mturk is not None and (not host or not port.isdigit() or int(port) > 65535):
                print("gigbot: --mturk must look like 127.0.0.1:8765", file=sys.stderr)
                sys.exit(2)
            done = run_sandbox(
                args.database,
                port=args.port,
                speed=args.speed,
                workers=args.workers,
                mturk_listen=args.mturk,
            )
            sys.exit(asyncio.run(done))
        from bot.demo.story import run_demo

        if getattr(args, "speed", 60.0) <= 0:
            print("gigbot: --speed > 0", file=sys.stderr)
            sys.exit(2)
        sys.exit(
            asyncio.run(
                run_demo(
                    seed=getattr(args, "seed", 7),
                    speed=getattr(args, "speed", 60.0),
                    database=getattr(args, "database", None),
                    verbose=getattr(args, "verbose", False),
                    language=getattr(args, "lang", "en"),
                )
            )
        )
    except ConfigError as exc:
        print(f"gigbot: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
