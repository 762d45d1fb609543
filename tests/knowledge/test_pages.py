"""What the knowledge pages show, and that their query counts do not grow with the map."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerlearn.knowledge.models import AnalysisStatus, Repository
from tests.conftest import Cast, client_for
from tests.engines.knowledge.gitrepo import GitRepo, text

from .conftest import ALICE, BOB, CAROL, Register, build_history, latest, reanalyse, recent_repo


def page(repository: Repository, name: str = "repository") -> str:
    return reverse(f"knowledge:{name}", args=[repository.pk])


def body_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def test_repository_page_shows_truck_factor_tree_islands_people(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    repository = register(str(source.path), kind="local")
    body = body_of(client_for(cast.bob).get(page(repository)))
    # Truck factor: alice authors 4 of 6 files (core, invoice, tax, README); without her
    # exactly half still have an author, so bob (core.py, most changes) goes next.
    assert re.search(r"Truck factor: <span class=\"truck-value\">2</span>", body)
    truck = body[body.index('class="truck-people"') : body.index("</ol>")]
    assert "Alice" in truck
    assert "Bob" in truck
    assert "Fiona" not in truck
    # Account names where the e-mail matches (cast display names), git name otherwise.
    assert "Carol Danvers" in body
    assert "git name; no account with carol@example.com" in body
    # Tree: coloured by active authors, with words.
    assert 'class="node knowledge-island"><a href="/knowledge/repositories/' in body
    assert 'billing/</a> <span class="node-facts">2 files · island: 1 active author (Alice)' in body
    assert 'src/</a> <span class="node-facts">3 files · shared: 2 active authors' in body
    assert "orphaned: no active author" in body  # the legend
    # Islands ranked: the billing directory first.
    islands = body[body.index('id="islands-heading"') : body.index('id="people-heading"')]
    assert islands.index("src/billing/") < islands.index("docs/guide.md")
    # Exclusions in effect.
    assert "1 vendored file left out" in body
    assert "node_modules" in body


def test_what_if_htmx_partial_lists_orphaned_files(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    repository = register(str(source.path), kind="local")
    client = client_for(cast.bob)
    response = client.get(
        page(repository),
        {"leave": ["alice@example.com", "fiona@example.com"]},
        headers={"HX-Request": "true"},
    )
    body = body_of(response)
    assert body.lstrip().startswith('<div id="what-if-result"')
    assert "<h2" not in body  # only the partial
    assert "If Alice, Fiona left, <strong>4 of 6 files (66.7 %)</strong>" in body
    for path in ("src/billing/invoice.py", "src/billing/tax.py", "lib/util.py", "README.md"):
        assert f"<code>{path}</code>" in body
    assert "<code>src/core.py</code>" not in body  # bob still knows it
    assert "<code>src/billing/</code>" in body
    assert "<code>lib/</code>" in body
    # Unknown keys are ignored, not an error.
    body = body_of(
        client.get(page(repository), {"leave": "nobody@x"}, headers={"HX-Request": "true"})
    )
    assert "Tick people" in body


def test_person_page_lists_areas(cast: Cast, source: GitRepo, register: Register) -> None:
    repository = register(str(source.path), kind="local")
    client = client_for(cast.bob)
    body = body_of(client.get(page(repository, "person"), {"key": "alice@example.com"}))
    assert "<h1>Alice in app</h1>" in body
    assert "<code>src/billing/</code>" in body
    assert "<code>src/billing/invoice.py</code>" in body
    assert "Main author of</dt><dd>4 files" in body
    assert client.get(page(repository, "person"), {"key": "nobody@x"}).status_code == 404


def test_files_page_browses_a_directory(cast: Cast, source: GitRepo, register: Register) -> None:
    repository = register(str(source.path), kind="local")
    client = client_for(cast.bob)
    body = body_of(client.get(page(repository, "files"), {"dir": "src"}))
    assert "billing/</a>" in body
    assert "<code>core.py</code>" in body
    assert "Alice, Bob" in body
    top = body_of(client.get(page(repository, "files")))
    assert "<code>README.md</code>" in top
    assert client.get(page(repository, "files"), {"dir": "nope"}).status_code == 404


def test_failed_run_shows_its_error_above_the_previous_map(
    cast: Cast,
    source: GitRepo,
    register: Register,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    repository = register(str(source.path), kind="local")
    (source.path / ".git" / "HEAD").write_text("garbage\n")
    failed = reanalyse(repository, django_capture_on_commit_callbacks)
    assert failed.status == AnalysisStatus.FAILED
    body = body_of(client_for(cast.fiona).get(page(repository)))
    assert "The last analysis failed" in body
    assert "not a git repository" in body
    assert "Truck factor: " in body  # the previous map is still shown
    member = body_of(client_for(cast.bob).get(page(repository)))
    assert "The last analysis failed" in member
    assert "not a git repository" not in member  # the details are for facilitators
    assert "could not be analysed" in member


def test_list_page_shows_status_and_truck_factor(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    repository = register(str(source.path), kind="local")
    body = body_of(
        client_for(cast.bob).get(reverse("knowledge:team_repositories", args=[cast.platform.pk]))
    )
    assert f'href="/knowledge/repositories/{repository.pk}/">app</a>' in body
    assert "status-done" in body
    assert "Register a repository" not in body  # bob is a member
    assert "Register a repository" in body_of(
        client_for(cast.fiona).get(reverse("knowledge:team_repositories", args=[cast.platform.pk]))
    )


def grow(repo: GitRepo, files: int) -> None:
    """Many more files, directories and people, so an N+1 would show in the counts."""
    for batch in range(5):
        author = f"Dev {batch} <dev{batch}@example.com>"
        repo.commit(
            author,
            write={f"pkg{batch}/mod{i % 7}/f{i}.py": text(3, f"f{i}") for i in range(files // 5)},
        )
    repo.commit(ALICE, write={"pkg0/mod0/f0.py": text(4, "x")})
    repo.commit(BOB, write={"pkg1/mod1/f1.py": text(4, "y")})
    repo.commit(CAROL, write={"pkg2/mod2/f2.py": text(4, "z")})


@pytest.mark.parametrize("name", ["repository", "person", "files", "list"])
def test_query_counts_do_not_grow_with_the_map(
    cast: Cast,
    roots: Path,
    register: Register,
    django_assert_num_queries: Callable[..., Any],
    name: str,
) -> None:
    small = register(
        str(build_history(recent_repo(roots / "small")).path), kind="local", name="small"
    )
    big_repo = build_history(recent_repo(roots / "big"))
    grow(big_repo, 400)
    big = register(str(big_repo.path), kind="local", name="big")
    assert (latest(big).files_analysed or 0) > 400
    client = client_for(cast.bob)
    requests = []
    for repository in (small, big):
        if name == "list":
            url, params = reverse("knowledge:team_repositories", args=[cast.platform.pk]), {}
        else:
            url = page(repository, name)
            params = {"person": {"key": "alice@example.com"}, "files": {"dir": "src"}}.get(name, {})
        client.get(url, params)  # warm the session and the parsed-map cache
        requests.append((url, params))
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(*requests[0]).status_code == 200
    assert len(small_queries) <= 7
    if name == "repository":
        # session, person, repository with team and role, recent runs, the shown run
        # with its overview, the accounts of the people it names
        assert len(small_queries) == 6
        # Read only what the page shows: the overview, never the map or history state.
        sql = " ".join(query["sql"] for query in small_queries.captured_queries)
        assert '"knowledge_analysis"."result"' not in sql
        assert '"knowledge_analysis"."state"' not in sql
    with django_assert_num_queries(len(small_queries)):
        assert client.get(*requests[1]).status_code == 200


def test_registering_a_path_outside_the_roots_shows_why_and_saves_nothing(
    cast: Cast, roots: Path, tmp_path: Path
) -> None:
    outside = GitRepo(tmp_path / "elsewhere")
    outside.commit(ALICE, write={"a.py": "x\n"})
    response = client_for(cast.fiona).post(
        reverse("knowledge:repository_create", args=[cast.platform.pk]),
        {"name": "sneaky", "kind": "local", "location": str(outside.path), "active_months": "6"},
    )
    body = body_of(response)
    assert "Nothing was saved" in body
    assert "is outside the folders this server may read repositories from" in body
    assert f"<code>{roots}</code>" in body  # the form says where the server may read
    assert not Repository.objects.exists()


def test_the_register_form_says_when_no_local_folder_is_allowed(cast: Cast, settings: Any) -> None:
    settings.KNOWLEDGE_REPOSITORY_ROOTS = []
    response = client_for(cast.fiona).get(
        reverse("knowledge:repository_create", args=[cast.platform.pk])
    )
    assert "none on this server, so only clone URLs can be registered" in body_of(response)


def test_what_if_partial_before_any_map_is_harmless(
    cast: Cast, roots: Path, register: Register
) -> None:
    empty = roots / "empty.git"
    subprocess.run(["git", "init", "-q", "--bare", str(empty)], check=True)
    repository = register(empty.as_uri())  # no commits: the analysis fails, no map
    response = client_for(cast.bob).get(
        page(repository), {"leave": "alice@example.com"}, headers={"HX-Request": "true"}
    )
    assert body_of(response).lstrip().startswith('<div id="what-if-result"')


def test_git_identities_match_accounts_by_email_ignoring_case(
    cast: Cast, roots: Path, register: Register
) -> None:
    repo = recent_repo(roots / "cases")
    repo.commit("Robert B. <BOB@Example.COM>", write={"a.py": text(5, "a")})
    repository = register(str(repo.path), kind="local")
    body = body_of(client_for(cast.alice).get(page(repository)))
    people = body[body.index('id="people-heading"') :]
    assert ">Bob</a>" in people  # the account's name, not "Robert B."
    assert "git name; no account" not in people


def test_repository_page_shows_an_account_renamed_since_the_last_view(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    """Names are the accounts' as they are now (no page or list is kept between views)."""
    repository = register(str(source.path), kind="local")
    client = client_for(cast.bob)
    people = body_of(client.get(page(repository)))
    assert ">Alice</a>" in people
    cast.alice.display_name = "Alice Pleasance"
    cast.alice.save(update_fields=["display_name"])
    people = body_of(client.get(page(repository)))
    assert ">Alice Pleasance</a>" in people
    assert ">Alice</a>" not in people


def test_repository_page_matches_accounts_whose_address_is_not_ascii(
    cast: Cast, roots: Path, register: Register
) -> None:
    """SQL's lower() is not casefold() beyond ASCII: such addresses are matched in Python."""
    cast.bob.email = "Bøb@Example.com"
    cast.bob.save(update_fields=["email"])
    repo = recent_repo(roots / "unicode")
    repo.commit("Robert B. <bøb@example.com>", write={"a.py": text(5, "a")})
    repository = register(str(repo.path), kind="local")
    body = body_of(client_for(cast.alice).get(page(repository)))
    people = body[body.index('id="people-heading"') :]
    assert ">Bob</a>" in people


def test_pages_say_who_was_merged_who_is_a_bot_and_what_was_left_out(
    cast: Cast, roots: Path, register: Register
) -> None:
    repo = recent_repo(roots / "merged")
    repo.commit(ALICE, write={"app.py": text(5)})
    repo.commit("Alice Liddell <alice@home.example>", write={"app.py": text(6)})
    repo.commit(
        "typeshed sync bot <sync@example.org>",
        write={f"stubs/s{i}.pyi": text(3, f"s{i}") for i in range(10)},
    )
    repository = register(str(repo.path), kind="local", name="merged")
    client = client_for(cast.bob)
    body = body_of(client.get(page(repository)))
    assert "Identities merged into one person: 1" in body
    assert "same full name: alice liddell" in body
    assert 'typeshed sync bot &lt;sync@example.org&gt; <span class="muted">— 1 commit;' in body
    assert "10 files under <code>stubs/</code>: a vendored tree" in body
    person = body_of(client.get(page(repository, "person"), {"key": "alice@example.com"}))
    assert "Taken for one person because" in person
    assert "(same full name: alice liddell)" in person

    kept = register(str(repo.path), kind="local", name="kept", extra_exclusions="!stubs/*\n")
    body = body_of(client.get(page(kept)))
    assert "under <code>stubs/</code>" not in body
    assert "Kept whatever the rules say</dt><dd>stubs/*" in body


def test_repository_page_states_knowledge_loss_and_both_truck_factors_first(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    repository = register(str(source.path), kind="local")
    body = body_of(client_for(cast.bob).get(page(repository)))
    summary = body[body.index('id="summary-heading"') : body.index('id="truck-heading"')]
    assert re.search(r"<strong>(\d+ of \d+ files \(\d+ %\) have no active author|Every)", summary)
    # Both answers, people named as on the rest of the page (account names).
    assert "Truck factor 2: if these 2 people left (Alice and Bob)" in summary
    assert "The reference tool (aserg-ufmg/Truck-Factor)" in summary
    assert body.index('id="summary-heading"') < body.index('id="what-if-heading"')
