"""HTML of the repository page's long lists, written in Python.

The tree, the islands and the people lists hold hundreds of rows of ten or so values
each, which made rendering the page cost ten times the rest of the request (see
peerlearn.web.html). These functions write the same markup; every value from the map or
an account passes through `_e` or `_q`.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from peerlearn.knowledge.pages import TreeNode
from peerlearn.knowledge.result import Kept
from peerlearn.web.html import e as _e
from peerlearn.web.html import q as _q
from peerlearn.web.html import zone_of

__all__ = ["KEPT", "islands", "people", "person_picks", "tree", "zone_of"]

# The lists of recently shown repository pages (views.repository_lists says the key);
# some hundred kilobytes each.
KEPT: Kept[tuple[object, ...], dict[str, Any]] = Kept(64)


def _s(count: int, one: str = "", many: str = "s") -> str:
    return one if count == 1 else many


def _day(value: datetime | None, zone: tzinfo) -> str:
    """As the template's `date:"Y-m-d"` shows it: in the viewer's time zone."""
    return value.astimezone(zone).strftime("%Y-%m-%d") if value is not None else ""


def _filesize(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(size))


def tree(nodes: list[TreeNode], files_url: str) -> SafeString:
    files_url = _e(files_url)
    out = []
    for node in nodes:
        authors = f" ({_e(', '.join(node.authors))})" if node.authors else ""
        opening = "<li><details><summary>" if node.has_children else "<li>"
        closing = "</summary><ul>" if node.has_children else "</li>"
        out.append(
            f'{opening}<span class="node knowledge-{node.coverage.css}">'
            f'<a href="{files_url}?dir={_q(node.path)}">{_e(node.name)}/</a> '
            f'<span class="node-facts">{node.files} file{_s(node.files)} · '
            f"{_e(node.coverage.label)}{authors} · main author {_e(node.main_author)}"
            f"</span></span>{closing}\n" + "</ul></details></li>" * len(node.closes)
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def islands(
    rows: list[dict[str, Any]], files_url: str, person_url: str, zone: tzinfo
) -> SafeString:
    files_url, person_url = _e(files_url), _e(person_url)
    out = []
    for island in rows:
        path = _e(island["path"])
        if island["kind"] == "directory":
            where = f'<a href="{files_url}?dir={_q(island["path"])}"><code>{path}/</code></a>'
            size = f"{island['size']} files"
        else:
            where = f"<code>{path}</code>"
            size = _e(_filesize(island["size"]))
        out.append(
            f"<tr><td>{where}</td>"
            f'<td><a href="{person_url}?key={_q(island["person"])}">{_e(island["name"])}</a></td>'
            f"<td>{size}</td><td>{_day(island['last_change'], zone)}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def people(rows: list[dict[str, Any]], person_url: str, zone: tzinfo) -> SafeString:
    person_url = _e(person_url)
    out = []
    for person in rows:
        unmatched = (
            f' <span class="muted">(git name; no account with {_e(person["key"])})</span>'
            if not person["matched"]
            else ""
        )
        truck = ' <span class="badge">truck factor</span>' if person["in_truck_factor"] else ""
        out.append(
            f'<tr><td><a href="{person_url}?key={_q(person["key"])}">{_e(person["display"])}</a>'
            f"{unmatched}{truck}</td><td>{person['files_authored']}</td>"
            f"<td>{person['commits']}</td><td>{_day(person['last_commit'], zone)}</td>"
            f"<td>{'yes' if person['active'] else 'no'}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def person_picks(rows: list[dict[str, Any]], leaving: set[str]) -> SafeString:
    out = [
        f'<li><label class="check"><input type="checkbox" name="leave" value="{_e(p["key"])}"'
        f"{' checked' if p['key'] in leaving else ''}> {_e(p['display'])}</label></li>\n"
        for p in rows
    ]
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
