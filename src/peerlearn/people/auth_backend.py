"""The authentication backend: Django's ModelBackend, with a lean per-request user load.

Every signed-in request loads the person named by the session. ModelBackend does it with
`User.objects.get`, which builds and compiles the same SQL on every request (about
150 µs on SQLite, 240 µs on PostgreSQL, for a primary-key lookup). Here the ORM compiles
that query once per process and database; each request only runs it and turns the row
into a User with the ORM's own converters. The same query brings the organisation's
content version, which the page cache (`peerlearn.web.page_cache`) checks on every
request, so that check costs no round trip of its own. Password checks, permissions and
the `is_active` rule are ModelBackend's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.db.models import F

from peerlearn.people.models import User

# Set on the person this backend loads: their organisation's content version as the
# request started (None for people outside any organisation).
CONTENT_VERSION_ATTRIBUTE = "organisation_content_version"
# Stands in for the primary key while compiling; replaced by the real one on each run.
_PLACEHOLDER = -7_301_946
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class _CompiledUserQuery:
    sql: str
    attnames: list[str]
    converters: list[tuple[int, list[Any], Any]]


_compiled: dict[str, _CompiledUserQuery] = {}
_compile_lock = threading.Lock()


def _compile(using: str) -> _CompiledUserQuery:
    queryset = (
        User.objects.using(using)
        .annotate(**{CONTENT_VERSION_ATTRIBUTE: F("organisation__content_version")})
        .filter(pk=_PLACEHOLDER)
    )
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    if list(params) != [_PLACEHOLDER]:
        raise AssertionError(f"unexpected parameters compiling the user query: {params!r}")
    selected = [expression for expression, _sql, _alias in compiler.select]
    fields = selected[:-1]  # the model's columns, then the annotation
    converters = [
        (position, functions, expression)
        for position, (functions, expression) in compiler.get_converters(selected).items()
    ]
    return _CompiledUserQuery(
        sql=sql,
        attnames=[column.target.attname for column in fields],
        converters=converters,
    )


def load_user(pk: int, using: str | None = None) -> User | None:
    """The user with this primary key and their organisation's content version, or None."""
    alias = using or router.db_for_read(User)
    compiled = _compiled.get(alias)
    if compiled is None:
        with _compile_lock:
            compiled = _compiled.setdefault(alias, _compile(alias))
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, functions, expression in compiled.converters:
        for convert in functions:
            values[position] = convert(values[position], expression, connection)
    user = User.from_db(alias, compiled.attnames, values[:-1])
    setattr(user, CONTENT_VERSION_ATTRIBUTE, values[-1])
    return user


class PeopleBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        if not _BIGINT_MIN <= pk <= _BIGINT_MAX:
            return None  # no such row; SQLite would refuse the number rather than say so
        user = load_user(pk)
        return user if user is not None and self.user_can_authenticate(user) else None
