"""The authentication backend: Django's ModelBackend, with a lean per-request person load.

Password checks, permissions and the `is_active` rule are ModelBackend's. Loading the
signed-in person on each request is not: when the session store has already read the
person together with the session (one round trip, `peerlearn.web.sessions`), that person
is used; otherwise one statement compiled once per process reads them
(`peerlearn.people.user_rows`). Either way the person carries their organisation's content
version, for the page cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from peerlearn.people.models import User
from peerlearn.people.user_rows import user_row_shape

_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1

# The person the session store read along with this request's session, while Django's
# get_user runs (see peerlearn.web.middleware); None outside it.
_read_with_session: ContextVar[User | None] = ContextVar("read_with_session", default=None)


@contextlib.contextmanager
def person_read_with_session(person: User | None) -> Iterator[None]:
    token = _read_with_session.set(person)
    try:
        yield
    finally:
        _read_with_session.reset(token)


def load_user(pk: int, using: str | None = None) -> User | None:
    """The person with this primary key, with their organisation's content version."""
    alias = using or router.db_for_read(User)
    shape = user_row_shape(alias)
    pk_column = connections[alias].ops.quote_name(User._meta.pk.column or "id")
    # Names the ORM compiled; the id is a parameter.
    sql = (
        f"SELECT {shape.columns} FROM {shape.table} {shape.joins}"  # noqa: S608
        f" WHERE {shape.table}.{pk_column} = %s"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else shape.person(row, alias)


class PeopleBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        if not _BIGINT_MIN <= pk <= _BIGINT_MAX:
            return None  # no such row; SQLite would refuse the number rather than say so
        person = _read_with_session.get()
        user = person if person is not None and person.pk == pk else load_user(pk)
        return user if user is not None and self.user_can_authenticate(user) else None
