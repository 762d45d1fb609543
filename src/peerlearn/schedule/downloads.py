"""A session's or series' calendar file, downloaded from its page.

A row saved before today's checks (or edited by hand) can hold a rule the engine
refuses or a zone that does not exist. Its page still shows it; the download then says
what is wrong instead of failing, and the row is recorded for the organisation's admins.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse

from peerlearn.engines.schedule import ical
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.schedule.failures import item_skipped

JOB = "schedule: calendar download"


def calendar_download(
    event: Callable[[], ical.CalendarEvent], *, filename: str, item: str, organisation_id: int
) -> HttpResponse:
    try:
        body = ical.to_bytes(ical.calendar([event()], method=ical.Method.PUBLISH))
    except (ScheduleError, ValueError) as error:
        item_skipped(job=JOB, item=item, error=error, organisation_id=organisation_id)
        return HttpResponse(
            f"The calendar file of {item} cannot be written: {error}. "
            "Editing it on its page fixes this.",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
