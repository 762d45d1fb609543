"""Skipping one item that cannot be delivered, and telling an admin about it.

Loops that write (reminder claims, occurrence rows) use ``for_each_isolated``, whose
savepoint keeps a failed item from half-writing. Steps that only read and render (a
feed's events, a message's text) need no transaction: they call ``item_skipped``.

A broken row fails the same way on every run of a job that runs every few minutes,
and in every poll of every feed that shows it, so ``item_skipped`` records it once a
day (``ItemFailure`` rows are never changed or removed); the log has every occurrence.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from peerlearn.audit.models import ItemFailure
from peerlearn.audit.services import item_failure_record

logger = logging.getLogger(__name__)

RECORD_AGAIN_AFTER = dt.timedelta(days=1)
_ITEM_LIMIT = 300  # ItemFailure.item


def item_skipped(*, job: str, item: str, error: BaseException, organisation_id: int | None) -> None:
    """Log that ``item`` was skipped and record it where its organisation's admins see it."""
    logger.error("%s: skipped %s", job, item, exc_info=error)
    label = item[:_ITEM_LIMIT]
    try:
        with transaction.atomic():
            recent = ItemFailure.objects.filter(
                job=job[:120], item=label, at__gte=timezone.now() - RECORD_AGAIN_AFTER
            )
            if not recent.exists():
                item_failure_record(
                    job=job, item=label, error=error, organisation_id=organisation_id
                )
    except Exception:  # recording must not be what stops the job
        logger.exception("%s: could not record the failure of %s", job, item)


def one_line(text: str) -> str:
    """``text`` with every run of whitespace and control characters as one space.

    For names in mail headers and failure records: a CR/LF stored before titles were
    checked must neither break a header nor stop the message.
    """
    cleaned = "".join(" " if ord(c) < 32 or 0x7F <= ord(c) < 0xA0 else c for c in text)
    return " ".join(cleaned.split())
