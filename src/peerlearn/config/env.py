"""Typed readers for configuration from the environment.

Every helper fails with ImproperlyConfigured naming the variable and the bad value,
so a typo in a deployment is found at start-up, not at the first request.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_BOOLEANS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    return (os.environ if environ is None else environ).get(name)


def env_str(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum of {maximum}.")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, *, environ: Mapping[str, str] | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (for Docker/systemd secrets)."""
    direct = _raw(name, environ)
    file_name = _raw(f"{name}_FILE", environ)
    if direct is not None and file_name is not None:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name is not None:
        path = Path(file_name)
        try:
            content = path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE={file_name!r} cannot be read: {error.strerror}."
            ) from None
        if not content:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} is empty.")
        return content
    if direct is not None and not direct.strip():
        raise ImproperlyConfigured(f"{name} is set but empty.")
    return direct


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(name: str, values: Sequence[str]) -> tuple[IPNetwork, ...]:
    """Addresses (`192.0.2.1`) and networks (`10.0.0.0/8`, `fd00::/8`) of a list setting."""
    networks: list[IPNetwork] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not an IP address or network (e.g. 10.0.0.0/8)."
            ) from None
    return tuple(networks)


@dataclass(frozen=True)
class DatabaseConfig:
    settings: dict[str, Any]
    vendor: str


def sqlite_database(path: Path) -> DatabaseConfig:
    # IMMEDIATE transactions and a generous timeout let the web server and the worker
    # share one file without "database is locked"; WAL lets readers run during writes.
    return DatabaseConfig(
        vendor="sqlite",
        settings={
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            # Opening a SQLite connection runs the PRAGMAs below; keeping it saves that
            # work on every request (measured in benchmarks/web_pages.py).
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        },
    )


def parse_database_url(url: str, *, variable: str = "DATABASE_URL") -> DatabaseConfig:
    """Turn sqlite:///path or postgres://user:pass@host:port/name?opt=v into Django settings."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"{variable} is not a valid URL: {error}.") from None
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc or not path or path == "/":
            raise ImproperlyConfigured(
                f"{variable}={url!r}: a SQLite URL is sqlite:///relative.db or "
                "sqlite:////absolute/path.db."
            )
        return sqlite_database(Path(path[1:]) if path.startswith("/") else Path(path))
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"{variable}={url!r} names no database after the host.")
        options: dict[str, Any] = dict(parse_qsl(parts.query))
        host = unquote(parts.hostname or "")
        # A socket directory may be given as ?host=/run/postgresql.
        host = options.pop("host", host)
        conn_max_age = options.pop("conn_max_age", "60")
        try:
            max_age = int(conn_max_age)
        except ValueError:
            raise ImproperlyConfigured(
                f"{variable}: conn_max_age={conn_max_age!r} is not a whole number."
            ) from None
        # On by default: a kept connection the server dropped (a restart, a failover, an
        # idle timeout) is replaced before the request's first query instead of failing it.
        health_checks = options.pop("health_checks", "true")
        if health_checks.lower() not in _BOOLEANS:
            raise ImproperlyConfigured(
                f"{variable}: health_checks={health_checks!r} is not a boolean (true/false)."
            )
        return DatabaseConfig(
            vendor="postgresql",
            settings={
                "ENGINE": "django.db.backends.postgresql",
                "NAME": name,
                "USER": unquote(parts.username or ""),
                "PASSWORD": unquote(parts.password or ""),
                "HOST": host,
                "PORT": str(port or ""),
                "CONN_MAX_AGE": max_age,
                "CONN_HEALTH_CHECKS": _BOOLEANS[health_checks.lower()],
                "OPTIONS": options,
            },
        )
    raise ImproperlyConfigured(
        f"{variable} uses the scheme {scheme!r}; peerlearn supports sqlite:// and postgres://."
    )
