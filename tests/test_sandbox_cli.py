"""`gigbot sandbox` from the command line: says where to look, serves it, stops cleanly."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

# the sandbox always runs on a SQLite file.
pytestmark = pytest.mark.sqlite_only


def _sandbox(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--database", str(tmp_path / "s.sqlite3"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )


def _stopped(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Ctrl-C to the running sandbox: what it printed and logged, once it stopped cleanly."""
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err[-2000:]
    return out, err


def test_sandbox_prints_its_address_serves_the_page_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    proc = _sandbox(tmp_path, "--port", "0", "--workers", "2", "--speed", "60")
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("gigbot sandbox: open http://127.0.0.1:"), first
        url = first.split("open ", 1)[1].split(" ", 1)[0]
        second = proc.stdout.readline()
        assert "clock x60" in second and "workers Ann, Bob" in second, second
        third = proc.stdout.readline()
        assert "MTurk API: off (--mturk 127.0.0.1:8765 turns it on)" in third, third
        page = httpx.get(url)
        assert page.status_code == 200 and "gigbot sandbox" in page.text
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        chats = httpx.get(url + "api/chats").json()["chats"]
        assert [c["name"] for c in chats] == ["Rita", "Ann", "Bob"]
        assert "$100.00 was added" in chats[0]["messages"][-1]["html"]
        ann = httpx.get(url + f"api/users/{chats[1]['id']}").json()
        htmls = [m["html"] for m in ann["messages"]]
        assert ann["name"] == "Ann" and any("Welcome to gigbot" in h for h in htmls)
        assert "All set" in ann["messages"][-1]["html"], "a worker: set up with the defaults"
        refused = httpx.post(url + "api/users", json={"name": "Eve"})
        assert refused.status_code == 403, "POSTs need the X-Sandbox header (no CSRF)"
        foreign = httpx.get(url, headers={"Host": "attacker.example"})
        assert foreign.status_code == 403, "other Host names are refused (no DNS rebinding)"
        out, err = _stopped(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "stopped (0 handler errors)" in out and "Traceback" not in err
    assert (tmp_path / "s.sqlite3").exists()


def test_sandbox_on_a_taken_port_says_so(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin"},
            cwd=tmp_path,
        )
    assert done.returncode == 2
    assert f"cannot serve the sandbox on 127.0.0.1:{port}" in done.stdout
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "gigbot-sandbox.sqlite3").exists(), "nothing started"


def test_sandbox_with_the_mturk_api_says_where_it_listens(tmp_path: Path) -> None:
    proc = _sandbox(tmp_path, "--port", "0", "--workers", "0", "--mturk", "127.0.0.1:0")
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert lines[2].startswith("  MTurk API: http://127.0.0.1:"), lines
        assert "a key from /apikey in Rita's pane" in lines[2]
        api = lines[2].split("MTurk API: ", 1)[1].split(" ", 1)[0]
        unsigned = httpx.post(api, headers={"X-Amz-Target": "x"})
        assert unsigned.status_code == 400 and "X-Amz-Target" in unsigned.text, "it answers"
        _stopped(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
