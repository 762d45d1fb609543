"""Every form on every signed-in page, posted with hostile values.

The forms are found by crawling (tests/fuzz/forms.py), not listed, so a new form is
fuzzed the day it appears. For each form, hypothesis keeps the other fields at the
values the page filled in and replaces one to three of them with hostile values (see
tests/fuzz/hostile.py). Every answer must be below 500; a refusal (the form again with
errors, a 4xx, or a redirect with an error message) must leave every table as it was;
an accepted submission must not have stored control characters or a non-web link.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

import pytest
from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from peerlearn.people.invitations import set_password_url
from peerlearn.people.models import User
from peerlearn.validation import HardenedFormMixin
from tests.fuzz.conftest import World
from tests.fuzz.forms import Crawl, Form, crawl
from tests.fuzz.hostile import FIXED_TEXT, hostile_value, sweep_values
from tests.fuzz.outcome import Findings, Outcome, judge, signed_in
from tests.fuzz.urls import declared_methods, site_routes

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 8

# Forms not posted: signing out ends the crawl's own session and has no input.
NOT_POSTED = {"logout"}

# The forms of the main pages: the crawl must find at least these, or it tests nothing.
MAIN_FORMS = {
    "login",
    "password_reset",
    "logout",
    "people:account",
    "people:password_change",
    "people:team_new",
    "people:team_edit",
    "people:members_import",
    "people:member_add_existing",
    "people:member_add_new",
    "people:membership_update",
    "tokens:list",
    "schedule:session_create",
    "schedule:session_edit",
    "schedule:session_rsvp",
    "schedule:series_create",
    "schedule:series_edit",
    "schedule:series_skip_add",
    "schedule:calendar_feed_action",
    "knowledge:repository_create",
    "knowledge:settings",
    "knowledge:analyse",
    "gaps:gap_create",
    "gaps:gap_vote",
    "gaps:gap_status",
    "gaps:gap_merge",
    "gaps:anonymous_ask",
    "gaps:notes",
    "gaps:onboarding_mark",
    "gaps:suggestion_decide",
    "planning:propose",
    "planning:accept",
    "planning:entry_edit",
    "planning:pairing_run",
    "planning:answer",
}

CSV_HEADER = "username,email,display_name,team,role,joined_on,time_zone\n"
_SWEEP_CSV = (CSV_HEADER + "new\x00,new@example.com,New,Platform,member,2025-01-06,UTC\n").encode()


def _csv_files() -> st.SearchStrategy[bytes]:
    good_row = [
        "newperson",
        "new@example.com",
        "New Person",
        "Platform",
        "member",
        "2025-01-06",
        "UTC",
    ]

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        row = list(good_row)
        column = draw(st.integers(0, len(row) - 1))
        row[column] = draw(hostile_value("text")).replace(",", ";")
        text = CSV_HEADER + ",".join(row) + "\n"
        return text.encode("utf-8", "surrogateescape")

    fixed = [
        b"",
        b"\x00",
        b"\xff\xfe\x00n\x00a",
        CSV_HEADER.encode() + b"a\x00,b\n",
        b"x" * 100_000,
    ]
    return st.one_of(st.sampled_from(fixed), build())


Submission = tuple[dict[str, list[str]], dict[str, bytes], bool]


@st.composite
def _submission(draw: st.DrawFn, form: Form) -> Submission:
    """(form data, uploaded files, whether only fields a person types into were changed)."""
    visible_only = True
    data = form.defaults()
    inputs = [f for f in form.inputs if f.kind != "file" and f.name != "csrfmiddlewaretoken"]
    files: dict[str, bytes] = {}
    for f in form.inputs:
        if f.kind == "file":
            files[f.name] = draw(_csv_files())
    if inputs:
        targets = draw(st.lists(st.sampled_from(inputs), min_size=1, max_size=3, unique_by=id))
        for target in targets:
            visible_only = visible_only and target.kind != "hidden"
            how = draw(st.sampled_from(["hostile", "hostile", "hostile", "missing", "twice"]))
            kind = "select-id" if target.kind == "select" else target.kind
            if how == "missing":
                data.pop(target.name, None)
            elif how == "twice":
                data[target.name] = [draw(hostile_value(kind)), target.value]
            else:
                data[target.name] = [draw(hostile_value(kind))]
    if form.submits:
        button = draw(st.sampled_from(form.submits))
        value = draw(st.one_of(st.just(button.value), st.sampled_from(FIXED_TEXT)))
        visible_only = visible_only and value == button.value
        data[button.name] = [value]
    return data, files, visible_only


def wire(value: str) -> bytes:
    """The bytes a client sends; text that is not valid Unicode goes as invalid UTF-8."""
    try:
        return value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def encoded(data: dict[str, list[str]]) -> str:
    return urlencode([(k, wire(v)) for k, vs in data.items() for v in vs])


def _sender(
    client: Client,
    form: Form,
    data: dict[str, list[str]],
    files: dict[str, bytes],
    htmx: bool,
) -> Callable[[], HttpResponse]:
    path, _, query = form.action.removeprefix("http://testserver").partition("?")
    headers = {"HX-Request": "true"} if htmx else {}
    if form.method == "get":
        return lambda: client.get(path, QUERY_STRING=encoded(data), headers=headers)  # type: ignore[return-value]
    target = f"{path}?{query}" if query else path
    if not files:
        body = encoded(data)
        kind = "application/x-www-form-urlencoded"
        return lambda: client.post(target, body, content_type=kind, headers=headers)  # type: ignore[return-value]
    # Multipart: the test client encodes text as UTF-8, so invalid text is replaced.
    payload: dict[str, object] = {
        k: [wire(v).decode("utf-8", "replace") for v in vs] for k, vs in data.items()
    }
    for name, content in files.items():
        payload[name] = SimpleUploadedFile("members.csv", content, content_type="text/csv")
    return lambda: client.post(target, payload, headers=headers)  # type: ignore[return-value]


def fuzz_form(client: Client, form: Form, findings: Findings) -> None:
    @settings(
        derandomize=True,
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # findings are collected, not shrunk
        suppress_health_check=list(HealthCheck),
    )
    # An htmx form is also sent without htmx: the page must work without JavaScript.
    @given(_submission(form), st.booleans() if form.htmx else st.just(False))
    def run(submission: Submission, htmx: bool) -> None:
        check(*submission, htmx=htmx)

    def check(
        data: dict[str, list[str]],
        files: dict[str, bytes],
        visible_only: bool,
        *,
        htmx: bool = form.htmx,
        field: str | None = None,
    ) -> Outcome:
        defaults = form.defaults()
        sent = {k: [v[:40] for v in vs] for k, vs in data.items() if defaults.get(k) != vs}
        missing = sorted(set(defaults) - set(data))
        path = form.action.removeprefix("http://testserver")
        what = f"{form.method.upper()} {path} ({form.url_name}{', htmx' if htmx else ''}) {sent!r}"
        if missing:
            what += f" without {missing}"
        outcome = judge(what, client, _sender(client, form, data, files, htmx), findings)
        # An id in a hidden field or a button's value may be a 404, like one in the URL;
        # a value a person typed or chose must come back as a message at its field.
        if outcome.status == 405:  # the page's own form, sent as the page sends it
            findings.add(f"{what}: 405, the form's target does not take {form.method.upper()}")
        if form.method == "post" and visible_only and outcome.status in (400, 404):
            findings.add(f"{what}: {outcome.status}, not a message at the field")
        errors = outcome.field_errors
        # One field made hostile in a form the page filled in acceptably, the form shown
        # again: the message belongs at that field.
        if (
            field is not None
            and defaults_accepted
            and errors
            and "__all__" not in errors
            and not any(field == k or field.endswith("-" + k) for k in errors)
        ):
            findings.add(f"{what}: refused with messages at {sorted(errors)}, not at {field}")
        return outcome

    files = {f.name: _SWEEP_CSV for f in form.inputs if f.kind == "file"}
    defaults_accepted = False  # until the page's own values are tried, just below
    defaults_accepted = not check(form.defaults(), files, visible_only=False).refused
    for target in form.inputs:
        if target.kind == "file" or target.name == "csrfmiddlewaretoken":
            continue
        for value in sweep_values(target.kind):
            data = {**form.defaults(), target.name: [value]}
            check(data, files, visible_only=target.kind != "hidden", field=target.name)
    run()


def _password_reset_url(person: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def _crawls(world: World) -> list[tuple[Client, Crawl]]:
    cast = world.cast
    anonymous = Client(raise_request_exception=False)
    done = [(anonymous, crawl(anonymous, start=["/accounts/login/", "/accounts/password_reset/"]))]
    # A reset link and an invitation link, each in its own browser: the link redirects
    # to its form and leaves the token in that browser's session.
    for link in (_password_reset_url(cast.bob), set_password_url(world.invited)):
        visitor = Client(raise_request_exception=False)
        response = visitor.get(urlsplit(link).path)
        assert response.status_code == 302, link
        done.append((visitor, crawl(visitor, start=[response["Location"]])))
    for person in (cast.alice, cast.olga):
        client = signed_in(person)
        done.append(
            (
                client,
                crawl(
                    client,
                    start=[
                        "/",
                        world.repository_page,
                        world.series_page,
                        world.history_page,
                        *([world.pending_import_page] if person == cast.alice else []),
                        "/accounts/password_change/",  # Django's own, not linked
                    ],
                ),
            )
        )
    return done


def test_crawl_finds_the_forms_of_the_main_pages(world: World) -> None:
    found: set[str] = set()
    for _, result in _crawls(world):
        assert not result.errors, result.errors
        found |= {form.url_name for form in result.forms}
    assert found >= MAIN_FORMS, f"not found: {sorted(MAIN_FORMS - found)}"
    # And every view that takes a POST is the target of some form the crawl found.
    takes_post = {r.name for r in site_routes() if "POST" in (declared_methods(r.view) or {"POST"})}
    assert not takes_post - found, f"no form found for: {sorted(takes_post - found)}"


def test_every_form_refuses_hostile_values_cleanly(world: World) -> None:
    findings = Findings()
    fuzzed: set[object] = set()
    for client, result in _crawls(world):
        findings.items.extend(result.errors)
        for form in result.unique_forms():
            if form.url_name in NOT_POSTED or form.key in fuzzed:
                continue
            fuzzed.add(form.key)
            fuzz_form(client, form, findings)
    assert len(fuzzed) >= len(MAIN_FORMS) - len(NOT_POSTED)
    assert not findings.items, findings.report()


def _project_forms() -> list[type[forms.BaseForm]]:
    get_resolver().url_patterns  # noqa: B018  (imports every view, and so every form)
    import peerlearn.people.admin  # noqa: F401

    found: list[type[forms.BaseForm]] = []
    todo: list[type[forms.BaseForm]] = [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("peerlearn.") and not sub.__name__.startswith("_"):
                found.append(sub)
    return found


def test_every_form_of_the_project_applies_the_shared_input_rules() -> None:
    """A form class that is not hardened takes control characters, 64-bit overflows and
    year-1 dates into its fields; HardenedFormMixin gives every field its rule by kind."""
    project = _project_forms()
    assert len(project) > 10
    unhardened = sorted(
        {
            f"{cls.__module__}.{cls.__name__}"
            for cls in project
            if not issubclass(cls, HardenedFormMixin)
        }
    )
    assert not unhardened, "add HardenedFormMixin (peerlearn.validation): " + ", ".join(unhardened)
