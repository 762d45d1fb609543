from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from peerlearn.config.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    parse_database_url,
)


def test_env_bool_reads_common_spellings() -> None:
    assert env_bool("X", False, environ={"X": "Yes"}) is True
    assert env_bool("X", True, environ={"X": "off"}) is False
    assert env_bool("X", True, environ={}) is True


def test_env_bool_names_the_variable_on_a_bad_value() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"PEERLEARN_HTTPS='maybe' is not a boolean"):
        env_bool("PEERLEARN_HTTPS", False, environ={"PEERLEARN_HTTPS": "maybe"})


def test_env_int_checks_number_and_range() -> None:
    assert env_int("N", 5, environ={"N": " 7 "}) == 7
    with pytest.raises(ImproperlyConfigured, match=r"N='seven' is not a whole number"):
        env_int("N", 5, environ={"N": "seven"})
    with pytest.raises(ImproperlyConfigured, match=r"N=70000 is above the maximum of 65535"):
        env_int("N", 5, maximum=65535, environ={"N": "70000"})


def test_env_list_splits_and_trims() -> None:
    assert env_list("H", ["a"], environ={"H": " a.example , b.example,,"}) == [
        "a.example",
        "b.example",
    ]
    assert env_list("H", ["a"], environ={}) == ["a"]


def test_env_secret_reads_file(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    assert env_secret("KEY", environ={"KEY_FILE": str(secret)}) == "s3cret"


def test_env_secret_refuses_both_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="either KEY or KEY_FILE"):
        env_secret("KEY", environ={"KEY": "a", "KEY_FILE": "b"})
    with pytest.raises(ImproperlyConfigured, match=r"KEY_FILE='.*missing' cannot be read"):
        env_secret("KEY", environ={"KEY_FILE": str(tmp_path / "missing")})


def test_sqlite_url_uses_wal_and_immediate_transactions() -> None:
    config = parse_database_url("sqlite:////var/lib/peerlearn/db.sqlite3")
    assert config.vendor == "sqlite"
    assert config.settings["NAME"] == "/var/lib/peerlearn/db.sqlite3"
    assert config.settings["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config.settings["OPTIONS"]["init_command"]


def test_postgres_url_is_split_into_settings() -> None:
    config = parse_database_url("postgres://app:p%40ss@db.internal:6543/learn?sslmode=require")
    assert config.vendor == "postgresql"
    assert config.settings["USER"] == "app"
    assert config.settings["PASSWORD"] == "p@ss"
    assert config.settings["HOST"] == "db.internal"
    assert config.settings["PORT"] == "6543"
    assert config.settings["NAME"] == "learn"
    assert config.settings["OPTIONS"] == {"sslmode": "require"}
    # A kept connection the server dropped is replaced before a request uses it.
    assert config.settings["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(("value", "expected"), [("false", False), ("off", False), ("yes", True)])
def test_postgres_health_checks_can_be_turned_off(value: str, expected: bool) -> None:
    config = parse_database_url(f"postgres://app@db/learn?health_checks={value}&conn_max_age=300")
    assert config.settings["CONN_HEALTH_CHECKS"] is expected
    assert config.settings["CONN_MAX_AGE"] == 300
    assert config.settings["OPTIONS"] == {}  # ours, not passed on to the driver


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x@h/db", "scheme 'mysql'"),
        ("postgres://x@h/", "names no database"),
        ("postgres://x@h:99999/db", "not a valid URL"),
        ("sqlite://", "a SQLite URL is"),
        ("postgres://x@h/db?health_checks=maybe", "health_checks='maybe' is not a boolean"),
    ],
)
def test_bad_database_urls_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url)
