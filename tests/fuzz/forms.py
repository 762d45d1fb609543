"""Find every form a signed-in person can reach, by crawling the pages as they would.

`crawl` starts at the dashboard, follows the links of every page (bounded per URL name,
so a hundred session links cost one visit), and parses each page's forms with
html.parser: inputs, selects and textareas inside the form or linked to it by the
`form=` attribute, and the name/value of its submit buttons.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

# Not crawled: other people's sign-out, Django admin (the operator's, fuzzed by Django),
# the API (tests/fuzz/test_api.py) and static files.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/accounts/logout/")
VISITS_PER_URL_NAME = 2
MAX_PAGES = 120


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea", "submit"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    method: str
    enctype: str
    form_id: str | None
    htmx: bool = False
    fields: list[Field] = field(default_factory=list)

    @property
    def url_name(self) -> str:
        return url_name(self.action) or "?"

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """Forms alike for the fuzz: same target view, method and field names (one row's
        form stands for every row's: `m1-role` and `m2-role` are alike)."""
        names = {re.sub(r"\d+", "#", f.name) for f in self.fields}
        return (self.url_name, self.method, tuple(sorted(names)))

    @property
    def submits(self) -> list[Field]:
        return [f for f in self.fields if f.kind == "submit"]

    @property
    def inputs(self) -> list[Field]:
        return [f for f in self.fields if f.kind != "submit"]

    def defaults(self) -> dict[str, list[str]]:
        """What a browser sends unchanged, without any submit button's name."""
        data: dict[str, list[str]] = {}
        for f in self.inputs:
            if f.kind in ("checkbox", "radio") and f.value == "":
                continue
            if f.kind == "file":
                continue
            data.setdefault(f.name, []).append(f.value)
        return data


def url_name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


class _PageParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._orphans: list[tuple[str, Field]] = []  # fields with form= before their form
        self._current: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""

    def _owner(self, attrs: dict[str, str | None]) -> Form | None:
        linked = attrs.get("form")
        if linked:
            return self._by_id.get(linked)
        return self._current

    def _add(self, attrs: dict[str, str | None], item: Field) -> None:
        linked = attrs.get("form")
        owner = self._owner(attrs)
        if owner is not None:
            owner.fields.append(item)
        elif linked:
            self._orphans.append((linked, item))

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.page, attrs["href"] or ""))
        elif tag == "form":
            form = Form(
                page=self.page,
                action=urljoin(self.page, attrs.get("action") or self.page),
                method=(attrs.get("method") or "get").lower(),
                enctype=attrs.get("enctype") or "application/x-www-form-urlencoded",
                form_id=attrs.get("id"),
            )
            # hx-post / hx-get forms submit to that URL instead.
            for verb in ("post", "get", "put", "delete", "patch"):
                target = attrs.get(f"hx-{verb}")
                if target:
                    form.action = urljoin(self.page, target)
                    form.method = "post" if verb != "get" else "get"
                    form.htmx = True
            self.forms.append(form)
            if form.form_id:
                self._by_id[form.form_id] = form
            self._current = form
        elif tag in ("input", "button"):
            name = attrs.get("name")
            kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind in ("image", "reset") or (tag == "button" and kind == "button"):
                return
            if not name:
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                # Unchecked: known to the fuzz (it may send it), not sent by default.
                self._add(attrs, Field(name, kind, "", [attrs.get("value") or "on"]))
                return
            value = attrs.get("value")
            if value is None and kind in ("checkbox", "radio"):
                value = "on"
            self._add(attrs, Field(name, kind, value or ""))
        elif tag == "select" and attrs.get("name"):
            self._select = Field(attrs["name"] or "", "select")
            self._add(attrs, self._select)
        elif tag == "option" and self._select is not None:
            self._option_value = attrs.get("value")
            self._option_selected = "selected" in attrs
            self._option_text = ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = Field(attrs["name"] or "", "textarea")
            self._add(attrs, self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option_value is None and self._select is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else self._option_text
            self._select.options.append(value.strip() if self._option_value is None else value)
            if self._option_selected or len(self._select.options) == 1:
                self._select.value = self._select.options[-1]
            self._option_value = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # html.parser keeps the newline browsers drop right after <textarea>.
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None

    def close(self) -> None:
        super().close()
        for form_id, item in self._orphans:
            if form_id in self._by_id:
                self._by_id[form_id].fields.append(item)


def parse_page(page: str, html: str) -> tuple[list[str], list[Form]]:
    parser = _PageParser(page)
    parser.feed(html)
    parser.close()
    return parser.links, parser.forms


@dataclass
class Crawl:
    pages: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def unique_forms(self) -> list[Form]:
        seen: dict[tuple[str, str, tuple[str, ...]], Form] = {}
        for form in self.forms:
            seen.setdefault(form.key, form)
        return list(seen.values())


def _crawlable(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return False
    return not parts.path.startswith(SKIPPED_PREFIXES) and not parts.path.endswith(".ics")


def crawl(client: Client, start: Iterable[str] = ("/",)) -> Crawl:
    """Every page reachable from `start` by links, and every form on them."""
    result = Crawl()
    queue = deque(urljoin("http://testserver/", url) for url in start)
    seen: set[str] = set(queue)
    visits: dict[str, int] = {}
    while queue and len(result.pages) < MAX_PAGES:
        url = queue.popleft()
        name = url_name(url) or url
        if visits.get(name, 0) >= VISITS_PER_URL_NAME:
            continue
        visits[name] = visits.get(name, 0) + 1
        parts = urlsplit(url)
        response = client.get(parts.path, QUERY_STRING=parts.query)
        if response.status_code >= 500:
            result.errors.append(f"GET {url} -> {response.status_code}")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        result.pages.append(url)
        links, forms = parse_page(url, response.content.decode())
        result.forms.extend(forms)
        if parts.query:  # a link's query is a form too: ?page=, ?key=, ?dir=, ?status=
            query = Form(
                page=url, action=url.split("?", 1)[0], method="get", enctype="", form_id=None
            )
            query.fields = [Field(k, "text", v) for k, v in parse_qsl(parts.query)]
            result.forms.append(query)
        for link in links:
            link = link.split("#", 1)[0]
            if link and link not in seen and _crawlable(link):
                seen.add(link)
                queue.append(link)
    return result
