"""Settings: one clear line naming the variable; the CLI's demo runs the whole loop."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"GIGBOT_TOKEN": "not-a-token"}, "GIGBOT_TOKEN"),
        ({"GIGBOT_ADMINS": "12,abc"}, "GIGBOT_ADMINS"),
        ({"GIGBOT_MAX_ACTIVE": "0"}, "GIGBOT_MAX_ACTIVE"),
        ({"GIGBOT_WEBHOOK_PORT": "99999"}, "GIGBOT_WEBHOOK_PORT"),
        ({"GIGBOT_LOG_LEVEL": "LOUD"}, "GIGBOT_LOG_LEVEL"),
    ],
)
def test_wrong_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert str(caught.value).startswith(named + ":")
    assert "\n" not in str(caught.value)


def test_env_file_and_admin_list(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("GIGBOT_TOKEN=123:abc\nGIGBOT_ADMINS=1, 2,3\nGIGBOT_DATABASE=x.db\n")
    settings = load_settings(_env_file=env)
    assert settings.token == "123:abc"
    assert settings.admins == frozenset({1, 2, 3})
    assert settings.database == "x.db"


def _gigbot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        cwd=Path(__file__).parent,
    )


def test_run_without_token_says_so() -> None:
    done = _gigbot("run", env={"GIGBOT_TOKEN": ""})
    assert done.returncode == 2
    assert "GIGBOT_TOKEN" in done.stderr and "Traceback" not in done.stderr


def test_bad_setting_stops_start_with_one_line() -> None:
    done = _gigbot("run", env={"GIGBOT_MAX_ACTIVE": "lots"})
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "GIGBOT_MAX_ACTIVE" in done.stderr


def test_demo_runs_the_loop_cleanly(tmp_path: Path) -> None:
    done = _gigbot(
        "demo", "--seed", "3", "--speed", "300", "--database", str(tmp_path / "demo.sqlite3")
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == "", "no log noise without --verbose"
    out = done.stdout
    assert "Published poll" in out and "Approved" in out and "Rejected" in out
    assert "ledger sums to       0" in out
    assert "limit violations     0" in out and "errors               0" in out


def test_demo_refuses_a_speed_that_stops_time() -> None:
    done = _gigbot("demo", "--speed", "0")
    assert done.returncode == 2 and "--speed > 0" in done.stderr
