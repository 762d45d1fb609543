import datetime as dt

import pytest

from peerlearn.engines.gaps.bugs import TrackerIssue, cluster_bugs, is_bug_report, recurring

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def issue(
    key: str,
    title: str,
    *,
    days: int = 0,
    labels: tuple[str, ...] = ("bug",),
    issue_type: str | None = None,
    closed_after: int | None = None,
    body: str = "",
) -> TrackerIssue:
    created = START + dt.timedelta(days=days)
    closed = created + dt.timedelta(days=closed_after) if closed_after is not None else None
    return TrackerIssue(
        key, title, body, labels, issue_type, "closed" if closed else "open", created, closed, None
    )


@pytest.mark.parametrize(
    ("labels", "issue_type", "title", "expected"),
    [
        (("bug",), None, "Add dark mode", True),
        (("Type: Bug",), None, "Add dark mode", True),
        (("kind/bug", "area/api"), None, "x", True),
        (("Regression",), None, "x", True),
        (("crash",), None, "x", True),
        (("enhancement",), None, "Checkout crashes", False),
        ((), "Bug", "Add dark mode", True),
        ((), "Story", "Checkout crashes", False),
        ((), None, "Checkout crashes on empty cart", True),
        ((), None, "Login fails with SSO", True),
        ((), None, "Add dark mode", False),
        (("debugging",), None, "x", False),
        (("Bug Report",), None, "x", True),
        (("not a bug",), None, "Checkout crashes", False),
        (("wontfix", "not-bug"), None, "x", False),
    ],
)
def test_is_bug_report(
    labels: tuple[str, ...], issue_type: str | None, title: str, expected: bool
) -> None:
    assert is_bug_report(issue("#1", title, labels=labels, issue_type=issue_type)) is expected


def reports() -> list[TrackerIssue]:
    return [
        issue("#1", "Checkout crashes when the cart is empty", days=0, closed_after=2),
        issue("#2", "Login fails with SSO timeout", days=3),
        issue("#9", "Checkout crash with an empty cart", days=60, closed_after=1),
        issue("#14", "Empty cart makes checkout crash again", days=150),
        issue("#15", "SSO login timeout", days=5),
        issue("#20", "Dark mode for settings", days=7, labels=("enhancement",)),
        issue("#21", "Checkout crashes on empty cart", days=8, labels=("enhancement",)),
        issue("#30", "Search results page is slow", days=9),
    ]


def test_recurring_families_are_found_and_ordered_by_episodes() -> None:
    clusters = cluster_bugs(reports(), threshold=0.3)
    assert [c.keys for c in clusters] == [("#1", "#9", "#14"), ("#2", "#15")]
    checkout = clusters[0]
    assert checkout.recurrences == 3  # day 0, day 60, day 150: each more than 30 days on
    assert checkout.first_seen == START
    assert checkout.last_seen == START + dt.timedelta(days=150)
    assert checkout.reopened_or_recent  # reported again after #1 was closed
    assert checkout.open_keys == ("#14",)
    assert {"checkout", "cart"} <= set(checkout.terms)
    assert checkout.label == ", ".join(checkout.terms[:3])
    assert recurring(checkout)
    assert not recurring(clusters[1])  # two reports, one episode


def test_min_size_and_threshold() -> None:
    assert len(cluster_bugs(reports(), threshold=0.3, min_size=1)) == 3
    # "crashes when the cart is empty" and "crash with an empty cart" have the same terms.
    assert [c.keys for c in cluster_bugs(reports(), threshold=0.99)] == [("#1", "#9")]


def test_clustering_is_deterministic_whatever_the_input_order() -> None:
    forward = cluster_bugs(reports(), threshold=0.3)
    assert cluster_bugs(list(reversed(reports())), threshold=0.3) == forward


def test_recent_family_is_flagged_without_a_regression() -> None:
    issues = [
        issue("#1", "Upload fails for big files", days=0),
        issue("#2", "Big file upload fails", days=10),
    ]
    issues.append(issue("#3", "Unrelated typo", days=400))
    (cluster,) = cluster_bugs(issues, threshold=0.3)
    assert not cluster.reopened_or_recent  # last report 390 days before the newest report
    (cluster,) = cluster_bugs(issues[:2], threshold=0.3)
    assert cluster.reopened_or_recent


def test_duplicate_keys_are_refused_and_nothing_is_fine() -> None:
    with pytest.raises(ValueError, match="#1 appears twice"):
        cluster_bugs([issue("#1", "a crash"), issue("#1", "b crash")])
    assert cluster_bugs([]) == []
