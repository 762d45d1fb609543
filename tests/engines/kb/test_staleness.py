import datetime as dt

from peerlearn.engines.kb.staleness import AreaFile, staleness

PUBLISHED = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
BEFORE = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def _files(changed: int, unchanged: int, prefix: str = "src/pay") -> list[AreaFile]:
    return [AreaFile(f"{prefix}/c{i}.py", AFTER) for i in range(changed)] + [
        AreaFile(f"{prefix}/u{i}.py", BEFORE) for i in range(unchanged)
    ]


def test_a_page_is_stale_when_a_third_of_its_files_changed_since() -> None:
    assert staleness(["src/pay"], _files(3, 7), PUBLISHED).stale
    assert not staleness(["src/pay"], _files(2, 8), PUBLISHED).stale
    assert not staleness(["src/pay"], _files(0, 4), PUBLISHED).stale


def test_areas_are_prefixes_on_path_boundaries() -> None:
    files = [*_files(1, 0, "src/pay"), *_files(5, 0, "src/payroll")]
    result = staleness(["src/pay/"], files, PUBLISHED)
    assert (result.files, result.changed) == (1, 1)
    assert staleness(["src/pay/c0.py"], files, PUBLISHED).stale  # one file is an area too


def test_no_areas_or_unknown_files_are_never_stale() -> None:
    assert not staleness([], _files(5, 0), PUBLISHED).stale
    assert staleness(["docs"], _files(5, 0), PUBLISHED).files == 0
    assert not staleness(["src/pay"], [AreaFile("src/pay/x.py", None)], PUBLISHED).stale
