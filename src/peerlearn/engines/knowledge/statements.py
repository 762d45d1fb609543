"""The map's answers in one sentence each, for the CLI, the JSON and the repository page.

Each takes counts and (already displayable) names, so the page can pass account names
and the CLI git names. The truck-factor sentences and the what-if sentence count the
same thing: files that have an author now and would have none (files that have no
author already are mentioned apart, never added in).
"""

from __future__ import annotations

from collections.abc import Sequence


def _n(count: int) -> str:
    return f"{count:,}"


def _files(count: int) -> str:
    return f"{_n(count)} file{'' if count == 1 else 's'}"


def _people(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _share(part: int, total: int) -> str:
    return f"{round(100 * part / total)} %" if total else "0 %"


def knowledge_loss_sentence(without: int, total: int) -> str:
    if total == 0:
        return "No files analysed."
    if without == 0:
        return f"Every one of the {_files(total)} has an active author."
    if without == total:
        return f"All {_files(total)} have no active author: everyone who knew them has left."
    return f"{_n(without)} of {_files(total)} ({_share(without, total)}) have no active author."


def literal_truck_factor_sentence(
    names: Sequence[str], orphaned: int, total: int, already: int = 0
) -> str:
    """The greedy count: how many people must leave before most files have no author."""
    count = len(names)
    if count == 0:
        return (
            f"Truck factor 0: more than half of the {_files(total)} have no author already."
            if total
            else "Truck factor 0: no files analysed."
        )
    who = "this person" if count == 1 else f"these {count} people"
    besides = f", besides {_n(already)} with none already" if already else ""
    return (
        f"Truck factor {count}: if {who} left ({_people(names)}), "
        f"{_n(orphaned)} of {_files(total)} would have no author left{besides}, "
        "more than half in all."
    )


def reference_truck_factor_sentence(names: Sequence[str], dropped: Sequence[str]) -> str:
    """The reference tool's answer: the same people without those who know little."""
    if not dropped:
        return (
            f"The reference tool (aserg-ufmg/Truck-Factor) gives the same {len(names)}: "
            "nobody among them authors under 10 % of the top person's files."
        )
    return (
        f"The reference tool (aserg-ufmg/Truck-Factor) gives {len(names)}: it drops "
        f"{_people(dropped)}, who author{'s' if len(dropped) == 1 else ''} under 10 % of "
        "the top person's files."
    )


def what_if_sentence(
    names: Sequence[str], orphaned: int, total: int, directories: int, already: int = 0
) -> str:
    besides = f", besides {_n(already)} with none already" if already else ""
    where = f" and {_n(directories)} director{'y' if directories == 1 else 'ies'}"
    return (
        f"If {_people(names)} left, {_n(orphaned)} of {_files(total)} "
        f"({_share(orphaned, total)}){where if directories else ''} would have no author "
        f"left{besides}."
    )
