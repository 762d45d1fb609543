"""Database sessions that read the session and its signed-in person in one statement.

Django's database store reads the session row through the ORM, which builds and compiles
the same query on every request, and then the authentication backend reads the person
with another. Here the session table (`people.LoginSession`) also holds the signed-in
person's id, and one statement compiled once per process reads the session, the person
and their organisation's content version together; `peerlearn.web.middleware` hands the
person to Django's own `auth.get_user`. Expiry, encoding, signing and writes are Django's.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import psycopg
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import InterfaceError, OperationalError, ProgrammingError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from peerlearn.people.models import LoginSession, User
from peerlearn.people.user_rows import user_row_shape

# Keys Django makes: 32 of these characters (the column holds up to 40). Anything else
# from a cookie (a NUL byte would make PostgreSQL raise) cannot name a session.
_POSSIBLE_KEY = re.compile(r"[a-z0-9]{8,40}")


def _statement(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    shape = user_row_shape(alias)
    sessions = quote(LoginSession._meta.db_table)
    # Names from the models; the key and the time are parameters.
    return (
        f"SELECT {sessions}.{quote('session_data')}, {shape.columns}"  # noqa: S608
        f" FROM {sessions} LEFT OUTER JOIN {shape.table}"
        f" ON ({shape.table}.{quote(User._meta.pk.column or 'id')} = {sessions}.{quote('user_id')})"
        f" {shape.joins}"
        f" WHERE {sessions}.{quote('session_key')} = %s AND {sessions}.{quote('expire_date')} > %s"
    )


_statements: dict[str, str] = {}

# PostgreSQL plans the statement once per connection instead of on every request (the
# plan took 80 µs of the server's CPU, five times the execution).
_PREPARED = "peerlearn_session_read"
_PREPARED_MARK = "_peerlearn_session_read_prepared"
_NO_SUCH_PREPARED_STATEMENT = "26000"


def _read(connection: BaseDatabaseWrapper, statement: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            cursor.execute(statement, params)
            return cursor.fetchone()
        if not getattr(connection.connection, _PREPARED_MARK, False):
            _prepare(connection, statement)
        try:
            cursor.execute(f"EXECUTE {_PREPARED}(%s, %s)", params)
        except ProgrammingError as error:
            if getattr(error.__cause__, "sqlstate", None) != _NO_SUCH_PREPARED_STATEMENT:
                raise
            # Gone: a pooler ran DISCARD ALL, or (in transaction mode) handed over another
            # server connection. The plain statement answers; the next read prepares again.
            setattr(connection.connection, _PREPARED_MARK, False)
            cursor.execute(statement, params)
        return cursor.fetchone()


def _prepare(connection: BaseDatabaseWrapper, statement: str) -> None:
    """PREPARE the statement on the current connection, as connection state: like the
    time zone Django sets on connecting, it is not one of the request's queries."""
    raw = connection.connection
    # A pooler may hand over a server connection that already has it: nothing to do.
    with (
        connection.wrap_database_errors,
        contextlib.suppress(psycopg.errors.DuplicatePreparedStatement),
    ):
        raw.execute(f"PREPARE {_PREPARED} AS {statement % ('$1', '$2')}")
    setattr(raw, _PREPARED_MARK, True)


class SessionStore(db.SessionStore):
    # The person signed in on this session as read with it, or None.
    person: User | None = None

    @classmethod
    def get_model_class(cls) -> type[LoginSession]:
        return LoginSession

    def create_model_instance(self, data: dict[str, Any]) -> LoginSession:
        session = super().create_model_instance(data)
        assert isinstance(session, LoginSession)
        try:
            session.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            session.user_id = None
        return session

    def load(self) -> dict[str, Any]:
        self.person = None
        if not self.session_key or not _POSSIBLE_KEY.fullmatch(self.session_key):
            self._session_key = None
            return {}
        alias = router.db_for_read(LoginSession)
        connection = connections[alias]
        statement = _statements.get(alias)
        if statement is None:
            statement = _statements.setdefault(alias, _statement(alias))
        params = [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())]
        try:
            row = _read(connection, statement, params)
        except (InterfaceError, OperationalError):
            if connection.in_atomic_block:
                raise
            # A kept connection the server has dropped (a restart, an idle timeout) fails
            # on a request's first statement, which this nearly always is: reconnect once,
            # as a health check before every request would have, without its round trip.
            connection.close()
            row = _read(connection, statement, params)
        if row is None:
            # As Django's store does: an unknown or expired key starts a new session.
            self._session_key = None
            return {}
        if row[1] is not None:  # the person's id: somebody is signed in on this session
            self.person = user_row_shape(alias).person(row[1:], alias)
        data: dict[str, Any] = self.decode(row[0])
        return data
