"""`peerlearn serve` under a service manager: SIGTERM stops gunicorn and its workers and
frees the port (gunicorn used to be orphaned and keep it)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from tests.operations.installation import new_installation
from tests.operations.processes import (
    alive,
    descendants,
    free_port,
    http_get,
    port_is_free,
    wait_for_http,
    wait_until,
)


def test_sigterm_stops_the_server_and_every_child(tmp_path: Path) -> None:
    installation = new_installation("sqlite", tmp_path)
    installation.migrate()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "peerlearn.cli", "serve", "--port", str(port), "--workers", "2"],
        env=installation.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/")
        status, body = http_get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200
        assert "Log in" in body
        wait_until(lambda: len(descendants(server.pid)) >= 2, "both web workers")
        children = descendants(server.pid)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    wait_until(lambda: not any(alive(pid) for pid in children), "the web workers to exit")
    assert port_is_free(port)
