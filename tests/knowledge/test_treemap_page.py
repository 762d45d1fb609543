"""The directory treemap on the files page: tiles for each sub-directory and file, sized
and coloured from the map, directories drilling down, names escaped, the rest lumped
together past the cap; in Chromium at desktop and phone width with no overflow."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    ConsoleLog,
    browser_type_launch_args,
    console,
    log_in,
)
from tests.conftest import PASSWORD, Cast, client_for
from tests.engines.knowledge.gitrepo import GitRepo, text
from tests.gaps.test_browser import overflow

from .conftest import ALICE, BOB, Register
from .test_pages import body_of
from .test_pages import page as page_url


def _tiles(body: str) -> dict[str, str]:
    """title -> css class of every tile drawn in the desktop picture."""
    desktop = body.split('class="treemap treemap-desktop"', 1)[1].split("</svg>", 1)[0]
    return {
        title: css
        for css, title in re.findall(
            r'<g class="tm tm-(\w+) [^"]*"><title>([^<]*)</title>', desktop
        )
    }


@pytest.mark.django_db
def test_tiles_say_what_the_lists_say(cast: Cast, source: GitRepo, register: Register) -> None:
    repository = register(str(source.path), kind="local")
    body = body_of(client_for(cast.bob).get(page_url(repository, "files")))
    tiles = _tiles(body)
    src = next(title for title in tiles if title.startswith("src/:"))
    assert "3 files" in src
    assert tiles[src] == "shared"
    billing = next(title for title in tiles if title.startswith("src/billing/:"))
    assert tiles[billing] == "island"  # drawn inside src, one level down
    guide = next(title for title in tiles if title.startswith("docs/:"))
    assert tiles[guide] == "island"
    assert "main author Carol" in guide
    assert f'href="{page_url(repository, "files")}?dir=src%2Fbilling"' in body
    assert 'class="treemap treemap-phone"' in body  # a layout for narrow screens too


@pytest.mark.django_db
def test_many_entries_are_capped_and_hostile_names_escaped(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    files = {f"many/f{number:03}.txt": text(number + 1, "x") for number in range(45)}
    files["many/<script>alert(1)</script>.py"] = text(3, "bad")
    source.commit(ALICE, write=files)
    source.commit(BOB, write={"many/f000.txt": text(9, "y")})
    repository = register(str(source.path), kind="local")
    response = client_for(cast.bob).get(page_url(repository, "files"), {"dir": "many"})
    body = body_of(response)
    assert "<script>alert(1)" not in body
    tiles = _tiles(body)
    assert len(tiles) == 30  # 29 largest and one for the rest
    assert "17 more" in " ".join(tiles)
    assert "The 29 largest of 46 entries are drawn" in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_picture_drills_down_and_fits_the_screen(
    page: Page,
    live_server: LiveServer,
    cast: Cast,
    source: GitRepo,
    register: Register,
    console: ConsoleLog,  # noqa: F811  (the fixture imported above)
    width: int,
) -> None:
    repository = register(str(source.path), kind="local")
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server.url, "bob", PASSWORD)
    page.goto(f"{live_server.url}/knowledge/repositories/{repository.pk}/files/")
    picture = page.locator("svg.treemap:visible")
    expect(picture).to_have_count(1)
    assert overflow(page) <= 0, f"the picture is {overflow(page)}px wider than the screen"
    # A directory's own part of its tile is the strip with its name (its contents are
    # drawn over the rest); on phones the whole tile.
    picture.locator("a", has=page.locator("title", has_text="src/:")).first.click(
        position={"x": 6, "y": 5}
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("src")
    expect(page.locator("svg.treemap:visible title", has_text="src/billing/:")).to_have_count(1)
    assert console.csp_violations() == []
    assert [m for m in console.messages if m.startswith(("error", "pageerror"))] == []
