"""`gigbot run` pointed at a PostgreSQL it cannot use: one clear line, exit code 2, nothing
written. The servers here are small stand-ins speaking only PostgreSQL's start-up (so the
cases hold on any machine): one that refuses the password, one too old; and a closed port.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.pg import OLDEST_SERVER, describe
from tests.auxil.processes import gigbot_run

WAIT = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _message(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!I", len(body) + 4) + body


class StandIn:
    """Answers a client's start-up message as a PostgreSQL server would: with an error
    (`refuse`: SQLSTATE, message) or as a server of `version`; records every message the
    client sends after start-up (a Query would be something written)."""

    def __init__(self, *, version: str = "16.2", refuse: tuple[str, str] | None = None) -> None:
        self.version = version
        self.refuse = refuse
        self.after_startup: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def __aenter__(self) -> StandIn:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            length = struct.unpack("!I", await reader.readexactly(4))[0]
            body = await reader.readexactly(length - 4)
            if struct.unpack("!I", body[:4])[0] == 80877103:  # SSLRequest: no TLS here
                writer.write(b"N")
                length = struct.unpack("!I", await reader.readexactly(4))[0]
                await reader.readexactly(length - 4)
            if self.refuse is not None:
                code, text = self.refuse
                fields = b"SFATAL\0C" + code.encode() + b"\0M" + text.encode() + b"\0\0"
                writer.write(_message(b"E", fields))
            else:
                writer.write(_message(b"R", struct.pack("!I", 0)))  # AuthenticationOk
                for key, value in (
                    ("server_version", self.version),
                    ("server_encoding", "UTF8"),
                    ("client_encoding", "UTF8"),
                    ("DateStyle", "ISO, MDY"),
                    ("integer_datetimes", "on"),
                    ("standard_conforming_strings", "on"),
                ):
                    writer.write(_message(b"S", f"{key}\0{value}\0".encode()))
                writer.write(_message(b"K", struct.pack("!II", 1, 2)))
                writer.write(_message(b"Z", b"I"))
            await writer.drain()
            while True:
                kind = await reader.readexactly(1)
                length = struct.unpack("!I", await reader.readexactly(4))[0]
                await reader.readexactly(length - 4)
                self.after_startup.append(kind)
                if kind == b"X":  # Terminate
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def workdir(tmp_path: Path) -> AsyncIterator[Path]:
    yield tmp_path


async def run_gigbot(cwd: Path, database: str) -> tuple[int, str]:
    """`gigbot run` with this GIGBOT_DATABASE (the Bot API is never reached: a closed port)."""
    proc = await gigbot_run(
        cwd,
        GIGBOT_TOKEN="123456:TEST-TOKEN",
        GIGBOT_API_URL=f"http://127.0.0.1:{free_port()}/bot",
        GIGBOT_DATABASE=database,
    )
    _, err = await asyncio.wait_for(proc.communicate(), WAIT)
    assert proc.returncode is not None
    return proc.returncode, err.decode()


def one_clear_line(stderr: str) -> str:
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr and "hunter2" not in stderr, stderr
    return stderr.strip()


async def test_an_unreachable_server_is_one_clear_line(workdir: Path) -> None:
    url = f"postgresql://gigbot:hunter2@127.0.0.1:{free_port()}/gigbot"
    code, stderr = await run_gigbot(workdir, url)
    assert code == 2
    line = one_clear_line(stderr)
    assert line.startswith(f"gigbot: cannot reach PostgreSQL at {describe(url)}"), line
    assert list(workdir.iterdir()) == [], "nothing written"


async def test_bad_credentials_are_one_clear_line_and_nothing_is_written(workdir: Path) -> None:
    refused = ("28P01", 'password authentication failed for user "gigbot"')
    async with StandIn(refuse=refused) as server:
        url = f"postgresql://gigbot:hunter2@127.0.0.1:{server.port}/gigbot"
        code, stderr = await run_gigbot(workdir, url)
    assert code == 2
    line = one_clear_line(stderr)
    assert line == f"gigbot: PostgreSQL at {describe(url)} refused the user or password", line
    assert server.after_startup == []


async def test_a_server_too_old_is_refused_before_anything_is_written(workdir: Path) -> None:
    async with StandIn(version="12.18") as server:
        url = f"postgresql://gigbot:hunter2@127.0.0.1:{server.port}/gigbot"
        code, stderr = await run_gigbot(workdir, url)
    assert code == 2
    line = one_clear_line(stderr)
    assert line == (
        f"gigbot: PostgreSQL at {describe(url)} is version 12.18:"
        f" gigbot needs {OLDEST_SERVER} or newer"
    ), line
    assert server.after_startup == [b"X"], "connected, read the version, left: no query"


async def test_a_url_that_is_no_url_is_a_config_error(workdir: Path) -> None:
    code, stderr = await run_gigbot(workdir, "postgresql:/gigbot@localhost")
    assert code == 2
    line = one_clear_line(stderr)
    assert line.startswith("gigbot: configuration error: GIGBOT_DATABASE:"), line
    assert "postgresql://user:password@host:5432/dbname" in line
