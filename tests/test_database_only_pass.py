"""The PostgreSQL pass of scripts/test runs only the tests that reach the database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

DATABASE_FREE = "tests/test_validation.py"
DATABASE_USING = "tests/web/test_sign_in.py"


def collected(*, database_only: bool) -> set[str]:
    env = {**os.environ, "PEERLEARN_TESTS_DATABASE_ONLY": "1" if database_only else "0"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:randomly",
            DATABASE_FREE,
            DATABASE_USING,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}


@pytest.mark.parametrize(
    ("database_only", "files"),
    [
        (False, {DATABASE_FREE, DATABASE_USING}),
        (True, {DATABASE_USING}),
    ],
)
def test_only_database_tests_are_kept_when_asked(database_only: bool, files: set[str]) -> None:
    assert collected(database_only=database_only) == files
