"""File names: team folders, page files and wiki page names, allocated deterministically.

Two things make this fiddly: different inputs can want the same name (two teams called
"Platform" and "platform", two pages with one title), and exports land on
case-insensitive file systems and wikis. `allocate` gives each key its wanted name when it
is free (compared case-insensitively), in priority order, and a suffix otherwise, so an
export never overwrites one page with another and the same input always gets the same names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_WIKI = re.compile(r"[^\w-]+")
_HYPHENS = re.compile(r"-{2,}")
MAX_NAME = 100


def ascii_slug(text: str, *, fallback: str) -> str:
    """Lower-case ASCII letters, digits and hyphens ("Équipe Données" -> "equipe-donnees")."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")[:MAX_NAME].strip("-")
    return slug or fallback


def wiki_name(title: str, *, fallback: str = "Page") -> str:
    """A page name as GitHub and GitLab wikis make them: spaces become hyphens; we also
    turn every other character that means something in a URL or a path into a hyphen."""
    normal = unicodedata.normalize("NFC", title)
    name = _HYPHENS.sub("-", _NOT_WIKI.sub("-", normal.replace("_", "-"))).strip("-")
    return name[:MAX_NAME].strip("-") or fallback


def allocate[K](
    wanted: Sequence[tuple[K, str]],
    *,
    reserved: Iterable[str] = (),
    suffixes: Callable[[K], Iterable[str]] = lambda _key: (),
) -> dict[K, str]:
    """Names for keys in the order given (first wins). A key whose name is taken tries
    `name-<suffix>` for each of its suffixes, then `name-2`, `name-3`, ..."""
    taken = {name.casefold() for name in reserved}
    first_choice: dict[str, int] = {}
    for _key, name in wanted:
        first_choice[name.casefold()] = first_choice.get(name.casefold(), 0) + 1
    names: dict[K, str] = {}
    for key, name in wanted:
        candidates = [name, *(f"{name}-{suffix}" for suffix in suffixes(key))]
        chosen = next(
            (c for c in candidates if c.casefold() not in taken and _free(c, name, first_choice)),
            None,
        )
        number = 2
        while chosen is None:
            candidate = f"{name}-{number}"
            if candidate.casefold() not in taken and candidate.casefold() not in first_choice:
                chosen = candidate
            number += 1
        taken.add(chosen.casefold())
        names[key] = chosen
    return names


def _free(candidate: str, own: str, first_choice: dict[str, int]) -> bool:
    """A suffixed name must not be another key's first choice, or adding that key later
    would rename this one."""
    return candidate == own or candidate.casefold() not in first_choice
