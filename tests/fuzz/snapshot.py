"""A comparable picture of every table, to prove a refused request changed nothing."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

# Rows and columns that change on any request and say nothing about stored data:
# sessions (messages, login), login-throttle counters, per-item failure records (written
# on purpose when one item fails), and last-seen stamps.
VOLATILE_MODELS = {"sessions.session", "people.throttlecounter", "audit.itemfailure"}
VOLATILE_FIELDS = {"last_login", "last_used_at"}

Snapshot = dict[str, list[tuple[Any, ...]]]


def _fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS]


def snapshot() -> Snapshot:
    picture: Snapshot = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in VOLATILE_MODELS or model._meta.proxy or not model._meta.managed:
            continue
        rows = model._base_manager.order_by("pk").values_list(*_fields(model))
        picture[label] = list(rows)
    return picture


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    """Tables whose rows differ, each with a short sample of what changed."""
    changed = []
    for label in sorted(before.keys() | after.keys()):
        old, new = before.get(label, []), after.get(label, [])
        if old != new:
            added = [row for row in new if row not in old][:2]
            removed = [row for row in old if row not in new][:2]
            changed.append(f"{label}: +{_short(added)} -{_short(removed)}")
    return changed


def _short(rows: list[tuple[Any, ...]]) -> str:
    text = repr(rows)
    return text if len(text) < 300 else text[:300] + "…"


def columns(label: str) -> list[str]:
    return _fields(apps.get_model(label))


def stored_text(before: Snapshot, after: Snapshot) -> list[tuple[str, str, str]]:
    """(table, column, text) of every string value in rows that are new or changed."""
    found: list[tuple[str, str, str]] = []
    for label, rows in after.items():
        names = columns(label)
        old = before.get(label, [])
        for row in rows:
            if row in old:
                continue
            found.extend(
                (label, name, value)
                for name, value in zip(names, row, strict=True)
                if isinstance(value, str)
            )
    return found
