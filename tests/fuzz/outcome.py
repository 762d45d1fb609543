"""Judging one hostile request: did it fail cleanly, and did a refusal change nothing?"""

from __future__ import annotations

import copy
import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import got_request_exception
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.test import Client

from peerlearn.people.models import User
from tests.fuzz.snapshot import differences, snapshot, stored_text

# What no stored text may hold, single- or multi-line (peerlearn.validation's rule).
REFUSED_IN_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
LINK_COLUMN = re.compile(r"(link|url)$")


def signed_in(user: User) -> Client:
    """A client that answers 500 instead of raising, so every finding is collected."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@dataclass
class Findings:
    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)

    def report(self) -> str:
        return f"{len(self.items)} findings:\n" + "\n".join(self.items)


def _forms_in(value: Any, depth: int = 0) -> Iterator[forms.BaseForm]:
    if isinstance(value, forms.BaseForm):
        yield value
    elif depth < 2 and isinstance(value, list | tuple):
        for item in value:
            yield from _forms_in(item, depth + 1)
    elif depth < 2 and hasattr(value, "form") and not isinstance(value, type):
        yield from _forms_in(getattr(value, "form", None), depth + 1)


def form_errors(response: HttpResponse) -> dict[str, list[str]]:
    """Errors of every bound form the page rendered (empty for a page without any)."""
    context = getattr(response, "context", None)
    if context is None:
        return {}
    errors: dict[str, list[str]] = {}
    contexts = context if isinstance(context, list) else [context]
    values = [value for each in contexts for value in each.flatten().values()]
    for value in values:
        for form in _forms_in(value):
            if form.is_bound and form.errors:
                for name, messages in form.errors.items():
                    errors.setdefault(name, []).extend(str(m) for m in messages)
    return errors


def error_messages(response: HttpResponse) -> list[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return []
    return [str(m) for m in get_messages(request) if m.level >= constants.ERROR]


@dataclass
class Outcome:
    status: int
    refused: bool
    field_errors: dict[str, list[str]]
    messages: list[str]
    exception: str = ""


@contextmanager
def _exceptions() -> Iterator[list[str]]:
    caught: list[str] = []

    def record(sender: object, request: object = None, **kwargs: object) -> None:
        lines = traceback.format_exc().strip().splitlines()
        caught.append(lines[-1] if lines else "?")

    got_request_exception.connect(record)
    try:
        yield caught
    finally:
        got_request_exception.disconnect(record)


def judge(
    what: str,
    client: Client,
    send: Callable[[], HttpResponse],
    findings: Findings,
    *,
    expect_json: bool = False,
) -> Outcome:
    """Send one request inside a savepoint that is rolled back afterwards.

    Findings: a 5xx (with the exception's last line), a non-JSON API answer, a refusal
    that changed stored data, and accepted data that stored refused characters.
    """
    # The database is rolled back after each request, so the browser is too: a request
    # that signed in, out or rotated the session must not leave a cookie for a session
    # that no longer exists (every later request would meet the login page instead).
    cookies = copy.deepcopy(client.cookies)
    try:
        return _judge(what, client, send, findings, expect_json=expect_json)
    finally:
        client.cookies = cookies


def _judge(
    what: str,
    client: Client,
    send: Callable[[], HttpResponse],
    findings: Findings,
    *,
    expect_json: bool,
) -> Outcome:
    with transaction.atomic():
        before = snapshot()
        # Only this request's messages count: drop what earlier requests left unread.
        client.cookies.pop(CookieStorage.cookie_name, None)
        with _exceptions() as caught:
            response = send()
        status = response.status_code
        outcome = Outcome(
            status=status,
            refused=False,
            field_errors=form_errors(response),
            messages=error_messages(response),
            exception=caught[0] if caught else "",
        )
        if status >= 500:
            findings.add(f"{what}: {status} {outcome.exception}")
        elif expect_json and not response.get("Content-Type", "").startswith("application/json"):
            findings.add(f"{what}: {status} answered {response.get('Content-Type')}, not JSON")
        outcome.refused = status >= 400 or bool(outcome.field_errors or outcome.messages)
        if status >= 500:
            transaction.set_rollback(True)
            return outcome
        try:
            after = snapshot()
        except DatabaseError as error:  # the view swallowed an error that broke the transaction
            findings.add(f"{what}: {status} but left the transaction broken: {error}")
            transaction.set_rollback(True)
            return outcome
        if outcome.refused and status < 500:
            changed = differences(before, after)
            if changed:
                tables = ", ".join(change.split(":", 1)[0] for change in changed)
                findings.add(f"{what}: refused ({status}) but changed {tables}")
        for table, column, text in stored_text(before, after):
            bad = REFUSED_IN_TEXT.search(text)
            if bad:
                findings.add(f"{what}: stored {bad.group()!r} in {table}.{column}")
            if LINK_COLUMN.search(column) and text.strip().lower().startswith(
                ("javascript:", "data:", "file:")
            ):
                findings.add(f"{what}: stored link {text[:40]!r} in {table}.{column}")
        transaction.set_rollback(True)
    return outcome
