"""The `peerlearn` command as a user runs it: real subprocesses, a real web server."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SUBCOMMANDS = [
    "demo",
    "serve",
    "worker",
    "migrate",
    "backup",
    "restore",
    "createadmin",
    "createsuperuser",
    "manage",
]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "peerlearn.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PEERLEARN_DATA_DIR"] = str(tmp_path / "data")
    return env


def test_top_level_help_lists_every_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for name in SUBCOMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_command_has_help_saying_what_it_does(name: str) -> None:
    result = run_cli(name, "--help")
    assert result.returncode == 0
    description = result.stdout.split("\n\n")[1]
    assert len(description.split()) >= 5, result.stdout


@pytest.mark.parametrize("command", ["migrate", "serve", "worker"])
def test_bad_environment_value_names_the_variable(tmp_path: Path, command: str) -> None:
    env = {**_clean_env(tmp_path), "PEERLEARN_HTTPS": "maybe"}
    result = subprocess.run(
        [sys.executable, "-m", "peerlearn.cli", command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "PEERLEARN_HTTPS='maybe' is not a boolean" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_then_createadmin(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    env.pop("PEERLEARN_SECRET_KEY", None)
    migrate = subprocess.run(
        [sys.executable, "-m", "peerlearn.cli", "migrate", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "data" / "peerlearn.sqlite3").exists()
    # The generated secret key is private to its owner.
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
    create = subprocess.run(
        [
            sys.executable, "-m", "peerlearn.cli", "createadmin", "--username", "root",
            "--email", "root@example.com", "--organisation", "Acme", "--password", "x-9f3k-long",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert create.returncode == 0, create.stderr
    assert "Created admin root of Acme" in create.stdout
    again = subprocess.run(
        [
            sys.executable, "-m", "peerlearn.cli", "createadmin", "--username", "root",
            "--email", "other@example.com", "--organisation", "Acme", "--password", "x-9f3k-long",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert again.returncode == 2
    assert "username already exists" in again.stderr
    operator = subprocess.run(
        [
            sys.executable, "-m", "peerlearn.cli", "createsuperuser", "--username", "op",
            "--email", "op@example.com", "--password", "operator-9f3k-long",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert operator.returncode == 0, operator.stderr
    assert "Created operator op" in operator.stdout
    weak = subprocess.run(
        [
            sys.executable, "-m", "peerlearn.cli", "createsuperuser", "--username", "op2",
            "--email", "op2@example.com", "--password", "12345678",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert weak.returncode == 2
    assert "too common" in weak.stderr
    # The organisation admin is no operator; the operator belongs to no organisation.
    with sqlite3.connect(tmp_path / "data" / "peerlearn.sqlite3") as database:
        flags = {
            row[0]: row[1:]
            for row in database.execute(
                "SELECT username, is_staff, is_superuser, is_org_admin, organisation_id IS NULL"
                " FROM people_user"
            )
        }
    assert flags == {"root": (0, 0, 1, 0), "op": (1, 1, 0, 1)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_demo_serves_logins_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    port = _free_port()
    env = _clean_env(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "peerlearn.cli", "demo", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "Press Ctrl-C to stop" in line:
                break
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in output
        assert "alice" in output
        assert "peerlearn-demo" in output
        assert f"Local git repositories under {os.getcwd()} can be registered" in output
        body = _get_when_up(f"http://127.0.0.1:{port}/accounts/login/")
        assert "Log in" in body
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "peerlearn demo stopped." in rest
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "web server still listening"


def _get_when_up(url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
