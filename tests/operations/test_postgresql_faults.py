"""The database server restarted or gone for a while: the web server's requests after
the restart succeed (connection health checks), and the worker waits and goes on
instead of exiting."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg

from tests.operations.installation import Installation, base_env
from tests.operations.processes import free_port, http_get, wait_for_http, wait_until

TOKEN = """
from peerlearn.api.services import api_token_create
from peerlearn.people.services import organisation_create, person_create

organisation = organisation_create(name="Restart Co")
person = person_create(organisation=organisation, username="rita", email="rita@example.com")
print(api_token_create(user=person, name="restart")[1])
"""

ENQUEUE = """
from peerlearn.web.tasks import prune_task_results
print(prune_task_results.enqueue().id)
"""


def _installation(tmp_path: Path, url: str) -> Installation:
    data_dir = tmp_path / "data"
    env = {**base_env(data_dir), "DATABASE_URL": url}
    installation = Installation(data_dir=data_dir, env=env, kind="postgresql")
    installation.migrate()
    return installation


def test_requests_after_a_server_restart_succeed(private_postgres: Any, tmp_path: Path) -> None:
    installation = _installation(tmp_path, private_postgres.create_database("peerlearn"))
    secret = installation.python(TOKEN).strip()
    port = free_port()
    # One process, one thread: every request uses the same kept connection.
    server = subprocess.Popen(
        [
            sys.executable, "-m", "peerlearn.cli", "serve", "--port", str(port),
            "--workers", "1", "--threads", "1",
        ],
        env=installation.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    me = f"http://127.0.0.1:{port}/api/me"
    headers = {"Authorization": f"Bearer {secret}"}
    try:
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/")
        status, body = http_get(me, headers)
        assert status == 200, body
        private_postgres.restart()  # every connection the web server held is gone
        for _ in range(3):
            status, body = http_get(me, headers)
            assert status == 200, body
            assert '"username": "rita"' in body or '"username":"rita"' in body
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def _status(url: str, task_id: str) -> str | None:
    try:
        with psycopg.connect(url) as connection:
            row = connection.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", (task_id,)
            ).fetchone()
    except psycopg.OperationalError:
        return None
    return None if row is None else str(row[0])


def test_worker_keeps_polling_through_a_database_outage(
    private_postgres: Any, tmp_path: Path
) -> None:
    url = private_postgres.create_database("peerlearn")
    installation = _installation(tmp_path, url)
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "peerlearn.cli", "worker", "--no-periodic", "--interval", "0.2"],
            env=installation.env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        first = installation.python(ENQUEUE).strip()
        wait_until(lambda: _status(url, first) == "SUCCESSFUL", "the first task to run")

        private_postgres.stop()
        wait_until(lambda: "the database is unavailable" in log.read_text(), "the worker to notice")
        wait_until(lambda: "still unavailable" in log.read_text(), "a retry during the outage")
        assert worker.poll() is None, log.read_text()

        private_postgres.start()
        second = installation.python(ENQUEUE).strip()
        wait_until(lambda: _status(url, second) == "SUCCESSFUL", "a task after the outage")
        assert worker.poll() is None, log.read_text()

        # A service manager may stop the worker during an outage: it stops at once.
        private_postgres.stop()
        outages = log.read_text().count("the database is unavailable")
        wait_until(
            lambda: log.read_text().count("the database is unavailable") > outages,
            "the worker to notice the second outage",
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert "Traceback" not in log.read_text()
