"""Rows of the members table, written in Python (see peerlearn.web.html).

A row holds a role select and a date input tied to the row's own form; rendered by
Django's form widgets (a template per widget) the table cost about a millisecond a
row. `member_rows` writes what the `member_row` partial of people/team_members.html
writes for a row whose form is not bound (the page as first shown); the partial still
renders a row after a save, with its status and errors. A test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from peerlearn.people.forms import row_form_id
from peerlearn.people.models import Membership
from peerlearn.people.roles import Role
from peerlearn.web.html import Urls, e


def member_rows(memberships: Iterable[Membership], *, team_id: int, csrf_token: str) -> SafeString:
    update = Urls("people:membership_update", int, int)
    remove = Urls("people:membership_remove", int, int)
    resend = Urls("people:invitation_resend", int, int)
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(csrf_token)}">'
    out = []
    for membership in memberships:
        pk = membership.pk
        person = membership.user
        name = e(person.name)
        pending = not person.has_usable_password()
        form_id = row_form_id(membership)
        prefix = f"m{pk}"
        options = "".join(
            f'<option value="{value}"{" selected" if value == membership.role else ""}>'
            f"{e(label)}</option>"
            for value, label in Role.choices
        )
        joined = membership.joined_on.isoformat() if membership.joined_on else ""
        url = update(team_id, pk)
        resend_form = (
            f'<form class="inline-form" method="post" action="{resend(team_id, pk)}">{csrf}'
            '<button type="submit" class="link-button">Resend invitation'
            f'<span class="visually-hidden"> to {name}</span></button></form>'
            if pending
            else ""
        )
        out.append(
            f'<tr id="membership-{pk}"><th scope="row">{name}'
            f"{' <span class="badge">invited</span>' if pending else ''}</th>"
            f"<td>{e(person.email)}</td>"
            f'<td><label class="visually-hidden" for="id_{prefix}-role">Role of {name}</label>'
            f'<select name="{prefix}-role" form="{form_id}" id="id_{prefix}-role">{options}'
            "</select></td>"
            f'<td><label class="visually-hidden" for="id_{prefix}-joined_on">Date {name} '
            "joined the team</label>"
            f'<input type="date" name="{prefix}-joined_on" value="{joined}" form="{form_id}" '
            f'required id="id_{prefix}-joined_on"></td>'
            f'<td><form id="{form_id}" class="inline-form" method="post" action="{url}" '
            f'hx-post="{url}" hx-target="#membership-{pk}" hx-swap="outerHTML">{csrf}'
            f'<button type="submit" id="membership-{pk}-save">Save<span class="visually-hidden">'
            f" role and date of {name}</span></button></form>"
            f'<a href="{remove(team_id, pk)}">Remove'
            f'<span class="visually-hidden"> {name}</span>…</a>'
            f"{resend_form}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def team_page_rows(memberships: Iterable[Membership]) -> SafeString:
    """The team page's members table rows: name, role, joining date, time zone."""
    out = [
        f"<tr><td>{e(m.user.name)}</td><td>{e(m.get_role_display())}</td>"
        f"<td>{m.joined_on.isoformat() if m.joined_on else ''}</td>"
        f"<td>{e(m.user.time_zone)}</td></tr>\n"
        for m in memberships
    ]
    if not out:
        out.append('<tr><td colspan="4">No members yet.</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
