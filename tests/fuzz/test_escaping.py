"""Every text a person can store is shown escaped, on every page that shows it.

Each free-text column of every peerlearn model is overwritten (QuerySet.update, past
every validation, as an old row or a hand edit would hold it) with a tag naming its
column; then every page the crawl reaches is read as a lead and as an organisation
admin. The tag must never arrive as markup, and the main columns must arrive escaped,
so the check is known to have seen them. Pages written by templates and rows written
in Python are held to the same rule.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast, Concat

from tests.fuzz.conftest import World
from tests.fuzz.forms import crawl
from tests.fuzz.outcome import signed_in

pytestmark = pytest.mark.django_db

APPS = ("people", "schedule", "knowledge", "api", "audit")
# Columns that are no text a person types: secrets, keys, digests, zones and paths the
# code opens. A tag in them tests nothing about escaping and breaks the page's data.
NOT_SHOWN = re.compile(
    r"password|token|key|digest|hash|secret|uid|time_zone|location|kind|job|error|sequence"
)
# Codes and machine data the code reads back (a role, an action, a stored map).
MACHINE_COLUMNS = {
    "people.ThrottleCounter.scope",
    "schedule.SessionRole.role",
    "schedule.CalendarFeed.content_etag",
    "knowledge.Analysis.worker",
    "knowledge.Analysis.tip",
    "knowledge.Analysis.result",
    "knowledge.Analysis.state",
    "knowledge.MapOverview.text",
    "audit.AuditEvent.action",
    "audit.AuditEvent.target_type",
}
RAW = re.compile(r"<b x=(\d+)>")
ESCAPED = re.compile(r"&lt;b x=(\d+)&gt;")
MUST_BE_SEEN = {
    "people.Organisation.name",
    "people.Team.name",
    "people.Team.description",
    "people.User.display_name",
    "schedule.Session.title",
    "schedule.Series.title",
    "schedule.Series.topic",
    "schedule.SeriesSkip.reason",
    "schedule.Session.topic",
    "schedule.Session.notes",
    "knowledge.Repository.name",
    "api.ApiToken.name",
    "audit.AuditEvent.target_name",
}


def text_columns() -> list[tuple[type[models.Model], models.CharField[str, str]]]:
    found = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if (
                    isinstance(field, models.CharField | models.TextField)
                    and not field.choices
                    and not field.primary_key
                    and not NOT_SHOWN.search(field.name)
                    and f"{model._meta.label}.{field.name}" not in MACHINE_COLUMNS
                    and (field.max_length is None or field.max_length >= 24)
                ):
                    found.append((model, field))
    return found


def poison_every_text_column() -> dict[int, str]:
    """Write ``<b x=N>`` and the row's id (unique columns and constraints stay met)."""
    labels: dict[int, str] = {}
    for number, (model, field) in enumerate(text_columns()):
        labels[number] = f"{model._meta.label}.{field.name}"
        mark = Concat(models.Value(f"<b x={number}>"), Cast("pk", models.CharField()))
        # Base manager: append-only and soft-deleting managers must not hide rows.
        model._base_manager.update(**{field.name: mark})
    return labels


def test_stored_text_is_escaped_on_every_page(world: World) -> None:
    labels = poison_every_text_column()
    cast = world.cast
    raw: dict[str, set[str]] = {}
    seen: set[str] = set()
    pages = 0
    errors: list[str] = []
    for person in (cast.alice, cast.olga):
        client = signed_in(person)
        start = ["/", world.repository_page, world.series_page, world.history_page]
        result = crawl(client, start=start)
        errors += result.errors
        for page in result.pages:
            body = client.get(page).content.decode()
            pages += 1
            for number in RAW.findall(body):
                raw.setdefault(labels[int(number)], set()).add(page)
            seen |= {labels[int(number)] for number in ESCAPED.findall(body)}
    assert pages >= 20
    assert errors == []
    assert raw == {}, f"shown as markup: {raw}"
    assert seen >= MUST_BE_SEEN, f"never shown: {sorted(MUST_BE_SEEN - seen)}"
