"""The only writers of the audit log and of item failures."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from peerlearn.audit.models import AuditEvent, ItemFailure
from peerlearn.people.models import Organisation, User

logger = logging.getLogger(__name__)

_NAME_LIMIT = 300


def audit_record(
    *,
    actor: User | None,
    organisation: Organisation | int | None,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` (None: the system) did `action` to `target`.

    Call it inside the service's transaction, so the entry exists exactly when the
    change does. `details` holds what changed (`{"role": ["member", "lead"]}`); never
    put secrets or an anonymous person's identity in it.
    """
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return AuditEvent.objects.create(
        organisation_id=organisation_id,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.name[:200] if actor is not None else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        target_name=str(target)[:_NAME_LIMIT] if target is not None else "",
        details=details or {},
    )


def item_failure_record(
    *, job: str, item: str, error: BaseException | str, organisation_id: int | None = None
) -> ItemFailure:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return ItemFailure.objects.create(
        organisation_id=organisation_id,
        job=job[:120],
        item=item[:_NAME_LIMIT],
        error=text[:10_000],
    )


@dataclass
class EachResult[T]:
    done: list[T] = field(default_factory=list)
    failed: list[T] = field(default_factory=list)


def for_each_isolated[T](
    items: Iterable[T],
    action: Callable[[T], object],
    *,
    job: str,
    describe: Callable[[T], str] = str,
    organisation_of: Callable[[T], int | None] = lambda _item: None,
) -> EachResult[T]:
    """Run `action` on every item; one item's failure is logged, recorded, and skipped.

    Each item runs in its own savepoint, so a database error in one item leaves the
    surrounding transaction usable for the next and none of that item half-written.
    """
    result: EachResult[T] = EachResult()
    for item in items:
        try:
            with transaction.atomic():
                action(item)
        except Exception as error:
            label = _safe_describe(describe, item)
            logger.exception("%s: skipped %s", job, label)
            _record_quietly(
                job=job, item=label, error=error, organisation_of=organisation_of, it=item
            )
            result.failed.append(item)
        else:
            result.done.append(item)
    return result


def _safe_describe[T](describe: Callable[[T], str], item: T) -> str:
    try:
        return describe(item)
    except Exception:  # the description must not be what stops the job
        return f"item {item!r}"[:_NAME_LIMIT]


def _record_quietly[T](
    *,
    job: str,
    item: str,
    error: BaseException,
    organisation_of: Callable[[T], int | None],
    it: T,
) -> None:
    try:
        organisation_id = organisation_of(it)
    except Exception:
        organisation_id = None
    try:
        with transaction.atomic():
            item_failure_record(job=job, item=item, error=error, organisation_id=organisation_id)
    except Exception:
        logger.exception("%s: could not record the failure of %s", job, item)
