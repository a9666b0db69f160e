"""The broadcaster lease: which one of several bot processes sends the outbox.

Telegram's limits (30 messages a second overall, about one a second per private chat, 20
a minute per group) are per bot, not per process. With several processes on one database
(webhook mode behind a load balancer) each would pace itself to the whole budget, so only
the holder of this lease claims and sends outbox rows: one process's pacing is the bot's.
Every process handles updates and queues messages; the others stand by for sending.

The lease is one database row: the holder's name and an expiry in the injected clock's
time, so every process (and a test's FakeClock) agrees on it. The holder renews it on every
pass of its loop, at least every third of a lease; a process that stops renewing (killed,
hung) loses it when it expires, and a standby that looks afterwards takes it over. A clean
stop releases it at once. A process on the same machine whose holder is known to be gone
(its pid no longer runs) takes over without waiting, so a single bot restarted after
kill -9 resumes sending at once.
"""

from __future__ import annotations

import os
import secrets
import socket
from enum import Enum

from bot.clock import Clock, real_seconds
from storage import lease as lease_rows
from storage.db import Conn
from storage.lease import LeaseRow

# The holder renews at least this many times within one lease, so a process is taken for
# dead only after missing several renewals in a row, never for one slow database write.
RENEWALS_PER_LEASE = 3


class Taken(Enum):
    KEPT = "kept"  # this process held it already; renewed
    OVER = "over"  # taken over: free, released, expired, or its holder gone
    REFUSED = "refused"  # another live process holds it


def process_name() -> str:
    """A name for this process, unique across restarts: host, pid namespace, pid, random."""
    return f"{socket.gethostname()}:{_pid_namespace()}:{os.getpid()}:{secrets.token_hex(4)}"


def _pid_namespace() -> int:
    """The pid namespace's inode (Linux): pids are only comparable within one; 0 elsewhere."""
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return 0


def gone(name: str) -> bool:
    """Whether the process named `name` surely no longer runs: it ran on this machine, in
    this pid namespace, under a pid nothing runs under now. False when unsure (another
    machine or container, a reused pid, this very process): then only expiry frees a lease.
    """
    try:
        host, namespace, pid_text, _ = name.rsplit(":", 3)
        pid, space = int(pid_text), int(namespace)
    except ValueError:
        return False
    if host != socket.gethostname() or space == 0 or space != _pid_namespace():
        return False
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # e.g. PermissionError: it runs, under another user
        return False
    return False


class Lease:
    """This process's side of the lease: take, keep, release (SQL in storage/lease.py)."""

    def __init__(self, clock: Clock, name: str, seconds: float) -> None:
        self.clock = clock
        self.name = name
        self.seconds = seconds  # real seconds a holder that stopped renewing keeps it
        self.renew_every = seconds / RENEWALS_PER_LEASE  # real seconds; a standby looks as often

    def _until(self, now: float) -> float:
        """The expiry for a lease renewed at `now`, in clock time (an accelerated clock
        runs through more of its seconds in one lease of real time)."""
        unit = real_seconds(self.clock, 1.0)
        return now + (self.seconds if not unit else self.seconds / unit)

    async def take(self, conn: Conn, now: float) -> tuple[Taken, str | None]:
        """Renew the lease, or take it if it is free; also the holder seen before."""
        seen = await lease_rows.current(conn)
        if seen.holder == self.name:
            await lease_rows.renew(conn, self.name, self._until(now))
            return Taken.KEPT, seen.holder
        if not self.free(seen, now):
            return Taken.REFUSED, seen.holder
        dead = seen.holder is not None and seen.expires_at > now
        taken = await lease_rows.take(
            conn, self.name, seen.holder, now, self._until(now), seen_gone=dead
        )
        return (Taken.OVER if taken else Taken.REFUSED), seen.holder

    def free(self, seen: LeaseRow, now: float) -> bool:
        """Whether another process may take the lease as seen: released, expired, or its
        holder is gone (checked last: it asks the operating system)."""
        return seen.holder is None or seen.expires_at <= now or gone(seen.holder)

    async def keep(self, conn: Conn, now: float) -> bool:
        """Renew the lease; False if another process has taken it over."""
        return await lease_rows.renew(conn, self.name, self._until(now))

    async def release(self, conn: Conn, now: float) -> bool:
        """Give it up at once (a clean stop), so a standby can take over without waiting."""
        return await lease_rows.release(conn, self.name, now)
