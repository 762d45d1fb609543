"""When to try a failed delivery again, and when to give up.

A 429 (rate limited), a 5xx or a network error is worth retrying: after 1, 5, 30
minutes, then 2 and 12 hours (a `Retry-After` the service sent wins when it is longer);
after MAX_ATTEMPTS tries the delivery is failed and the team's lead sees it. Any other
4xx means the URL or the payload is wrong: retrying cannot help, so it fails at once.
"""

from __future__ import annotations

import datetime as dt

DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(DELAYS) + 1
MAX_RETRY_AFTER = dt.timedelta(hours=12)


def should_retry(status: int | None) -> bool:
    """`status` None: no answer at all (timeout, refused connection, DNS)."""
    return status is None or status == 429 or status >= 500


def next_attempt_delay(attempts: int, retry_after: str | None = None) -> dt.timedelta | None:
    """The wait after the `attempts`-th failed try; None when it was the last one."""
    if attempts >= MAX_ATTEMPTS:
        return None
    delay = DELAYS[min(attempts, len(DELAYS)) - 1]
    if retry_after and retry_after.strip().isdigit():
        asked = dt.timedelta(seconds=int(retry_after.strip()))
        delay = max(delay, min(asked, MAX_RETRY_AFTER))
    return delay
