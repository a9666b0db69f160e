"""`gigbot run` as a real process against the simulated Telegram: its environment, started,
killed with SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.sandbox import SimTelegram


class Bot:
    """One `python -m bot run` process."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=self.env, cwd=self.cwd
        )

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()


async def gigbot_run(cwd: Path, **env: str) -> asyncio.subprocess.Process:
    """`python -m bot run` in `cwd` with nothing of this process's environment but PATH,
    plus PTB_TIMEDELTA and `env`; its stderr piped, its stdout dropped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PTB_TIMEDELTA": "true", **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


def run_env(sim: SimTelegram, database: Path | str) -> dict[str, str]:
    """The environment of a `gigbot run` on `sim` and `database`: this process's, without
    its GIGBOT_ settings, plus the bot's token and the simulated Telegram's addresses."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIGBOT_")},
        "PTB_TIMEDELTA": "true",
        "GIGBOT_TOKEN": sim.token,
        "GIGBOT_API_URL": sim.base_url,
        "GIGBOT_FILE_URL": sim.base_file_url,
        "GIGBOT_DATABASE": str(database),
    }
