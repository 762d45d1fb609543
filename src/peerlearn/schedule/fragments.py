"""Rows of the schedule pages' long lists, written in Python (see peerlearn.web.html).

Each function writes what the template it replaced wrote (schedule/_slot_rows.html,
_when.html, _occurrence_forms.html); the tests read the pages' content.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe

from peerlearn.engines.schedule import formats
from peerlearn.people.models import User
from peerlearn.schedule.models import SeriesSkip, Session
from peerlearn.schedule.selectors import Slot, occurrence_key
from peerlearn.web.html import Urls, date, e, when, zone_of


class SlotUrls:
    """Slot.url for many slots, with one reverse() per kind."""

    def __init__(self) -> None:
        self.session = Urls("schedule:session", int)
        self.occurrence = Urls("schedule:occurrence", int, str)

    def __call__(self, slot: Slot) -> str:
        if slot.session is not None:
            return self.session(slot.session.pk)
        assert slot.series is not None
        assert slot.original_start is not None
        return self.occurrence(slot.series.pk, occurrence_key(slot.original_start))


def slot_rows(slots: Sequence[Slot], *, viewer_zone: str, empty_text: str) -> SafeString:
    """The rows of a table of sessions (when, session, format, facilitating, status)."""
    if not slots:
        return mark_safe(f'<tr><td colspan="5">{e(empty_text)}</td></tr>')  # noqa: S308
    url = SlotUrls()
    out = []
    for slot in slots:
        cancelled = ' class="cancelled"' if slot.is_cancelled else ""
        badge = ' <span class="badge">series</span>' if slot.in_series else ""
        moment = when(slot.starts_at, "D j M Y, H:i", viewer_zone=viewer_zone, zone=slot.time_zone)
        out.append(
            f"<tr{cancelled}><td>{moment}</td>"
            f'<td><a href="{url(slot)}">{e(slot.title)}</a>{badge}</td>'
            f"<td>{e(slot.format_name)}</td><td>{e(', '.join(slot.facilitators) or '—')}</td>"
            f'<td><span class="badge status-{e(slot.status)}">{e(slot.status_label)}</span>'
            "</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def occurrence_rows(
    slots: Sequence[Slot],
    *,
    series_id: int,
    series_zone: str,
    viewer_zone: str,
    members: Iterable[tuple[int, str]],
    csrf_token: str | None,
) -> SafeString:
    """The series page's rows of coming dates; with the forms to move, cancel or change
    the facilitator of one date when `csrf_token` is given (the viewer may edit)."""
    url = SlotUrls()
    move = Urls("schedule:occurrence_move", int, str)
    facilitator = Urls("schedule:occurrence_facilitator", int, str)
    cancel = Urls("schedule:occurrence_cancel", int, str)
    options = [(e(name), f'<option value="{pk}"', f">{e(name)}</option>") for pk, name in members]
    zone = zone_of(series_zone)
    viewer = zone_of(viewer_zone)
    csrf = _csrf_input(csrf_token)
    out = []
    for slot in slots:
        cancelled = slot.is_cancelled
        moved = (
            slot.original_start is not None
            and slot.session is not None
            and slot.session.starts_at != slot.original_start
        )
        moment = when(slot.starts_at, "D j M Y, H:i", viewer_zone=viewer_zone, zone=series_zone)
        row = [
            f"<tr{' class="cancelled"' if cancelled else ''}>"
            f'<td><a href="{url(slot)}">{moment}</a>'
            f"{' <span class="badge">moved</span>' if moved else ''}</td>"
            f"<td>{e(', '.join(slot.facilitators) or '—')}</td><td>{e(slot.status_label)}</td>"
        ]
        if csrf_token is not None:
            row.append("<td>")
            if not cancelled:
                key = slot.key
                chosen = {e(name) for name in slot.facilitators}
                picks = "".join(
                    f"{start}{' selected' if name in chosen else ''}{end}"
                    for name, start, end in options
                )
                row.append(
                    "<details><summary>Move, cancel or change facilitator"
                    f'<span class="visually-hidden"> on {date(slot.starts_at, "j M", viewer)}'
                    "</span></summary>\n"
                    f'<form method="post" action="{move(series_id, key)}" class="occurrence-form">'
                    f'{csrf}<label for="move-date-{key}">New date</label>'
                    f'<input type="date" id="move-date-{key}" name="date" required '
                    f'value="{date(slot.starts_at, "Y-m-d", zone)}">'
                    f'<label for="move-time-{key}">New time ({e(series_zone)})</label>'
                    f'<input type="time" id="move-time-{key}" name="start_time" required '
                    f'value="{date(slot.starts_at, "H:i", zone)}">'
                    '<button type="submit">Move</button></form>\n'
                    f'<form method="post" action="{facilitator(series_id, key)}" '
                    f'class="occurrence-form">{csrf}<label for="fac-{key}">Facilitator</label>'
                    f'<select id="fac-{key}" name="facilitator">'
                    '<option value="">Nobody yet</option>'
                    f'{picks}</select><button type="submit">Change facilitator</button></form>\n'
                    f'<form method="post" action="{cancel(series_id, key)}" '
                    f'class="occurrence-form">{csrf}'
                    '<button type="submit" class="danger">Cancel this date only</button></form>\n'
                    "</details>"
                )
            row.append("</td>")
        row.append("</tr>\n")
        out.append("".join(row))
    if not out:
        out.append('<tr><td colspan="4">No sessions in this period.</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def skip_items(
    skips: Sequence[SeriesSkip], *, series_id: int, csrf_token: str | None
) -> SafeString:
    """The series page's skipped dates, each with the form to meet again when `csrf_token`
    is given (the viewer may edit)."""
    if not skips:
        return mark_safe('<li class="muted">None.</li>')
    remove = Urls("schedule:series_skip_remove", int, int)
    csrf = _csrf_input(csrf_token)
    out = []
    for skip in skips:
        reason = f" — {e(skip.reason)}" if skip.reason else ""
        form = (
            f'<form method="post" action="{remove(series_id, skip.pk)}" class="inline-form">'
            f'{csrf}<button type="submit" class="link-button">Meet again on this date</button>'
            "</form>"
            if csrf_token is not None
            else ""
        )
        out.append(f"<li>{e(dateformat.format(skip.on, 'l j F Y'))}{reason}\n{form}</li>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def past_items(rows: Sequence[Session], *, viewer_zone: str) -> SafeString:
    """The series page's past dates: a link to each session and its status."""
    url = Urls("schedule:session", int)
    zone = zone_of(viewer_zone)
    return mark_safe(  # noqa: S308 - every value below is escaped
        "".join(
            f'<li><a href="{url(row.pk)}">{date(row.starts_at, "D j M Y, H:i", zone)}</a>'
            f" — {e(row.get_status_display())}</li>"
            for row in rows
        )
    )


def _csrf_input(csrf_token: str | None) -> str:
    if csrf_token is None:
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(csrf_token)}">'


def role_checkboxes(
    format_key: str, *, people: Sequence[User], chosen: dict[str, list[User]]
) -> SafeString:
    """The fields of forms.RolesForm as `{{ roles_form }}` renders them unbound with
    `initial=chosen`: one set of checkboxes of the team's people per role of the format.
    The form itself still checks what is posted (views.session_roles)."""
    out = []
    for role in formats.get_format(format_key).roles:
        key = e(role.key)
        label = role.label if role.max_people == 1 else f"{role.label}s"
        picked = {person.pk for person in chosen.get(role.key, [])}
        boxes = "".join(
            f'<div><label for="id_{key}_{i}"><input type="checkbox" name="{key}" '
            f'value="{person.pk}" id="id_{key}_{i}"{" checked" if person.pk in picked else ""}>'
            f" {e(person.name)}</label></div>"
            for i, person in enumerate(people)
        )
        out.append(
            f'<div><fieldset><legend>{e(label)}:</legend><div id="id_{key}">{boxes}</div>'
            "</fieldset></div>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
