"""`{% when_of moment zone format as w %}`: the one time formatter (schedule.when) for pages.

The reader's zone is the one the page activated (base.html: the viewer's own zone).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from peerlearn.schedule.when import LONG, When, when

register = template.Library()


@register.simple_tag
def when_of(moment: dt.datetime, zone: str = "", format: str = LONG) -> When:
    return when(moment, reader_zone=timezone.get_current_timezone_name(), zone=zone, format=format)
