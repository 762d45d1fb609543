"""The database gives an organisation a new content version on every write it can show.

The page cache trusts `Organisation.content_version`: these tests check that each tracked
table's triggers are there after migrate, that every kind of write (service, ORM, bulk,
raw SQL) replaces the version of the row's own organisation and of no other, and that a
rolled-back write leaves it alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from peerlearn.people.models import Membership, Organisation, Team, User, new_content_version
from peerlearn.people.roles import Role
from peerlearn.people.services import (
    membership_set,
    organisation_create,
    person_create,
    person_update_profile,
    team_create,
    team_update,
)
from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import (
    Frequency,
    Series,
    SeriesSkip,
    Session,
    SessionRole,
    SessionStatus,
)
from peerlearn.web import content_triggers
from peerlearn.web.content_triggers import PREFIX, TRACKED
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
EVENTS = ("insert", "update", "delete")


# --- reading versions -------------------------------------------------------------------


def version_of(organisation: Organisation) -> int:
    return Organisation.objects.values_list("content_version", flat=True).get(pk=organisation.pk)


def versions(cast: Cast) -> dict[str, int]:
    return {"org": version_of(cast.org), "other_org": version_of(cast.other_org)}


def changed_since(cast: Cast, before: dict[str, int]) -> set[str]:
    """Which of the two organisations ("org", "other_org") have a new version."""
    return {name for name, value in versions(cast).items() if value != before[name]}


# --- the triggers as the database has them ----------------------------------------------


def content_triggers_in_database() -> set[tuple[str, str]]:
    """(table, trigger name) of every content trigger on the current database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid)"
            )
        else:
            pytest.fail(f"no trigger listing written for {connection.vendor}")
        return {(table, name) for table, name in cursor.fetchall() if name.startswith(PREFIX)}


def expected_triggers() -> set[tuple[str, str]]:
    tables = [tracked.model._meta.db_table for tracked in TRACKED]
    if connection.vendor == "sqlite":
        # One trigger per event: SQLite has no INSERT OR UPDATE OR DELETE trigger.
        return {(table, f"{PREFIX}{table}_{event}") for table in tables for event in EVENTS}
    return {(table, f"{PREFIX}{table}") for table in tables}


def drop_content_triggers() -> None:
    with connection.cursor() as cursor:
        for table, name in content_triggers_in_database():
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER {name}")
            else:
                cursor.execute(f"DROP TRIGGER {name} ON {connection.ops.quote_name(table)}")


def test_every_tracked_table_has_its_triggers_after_migrate(db: None) -> None:
    found = content_triggers_in_database()
    assert found == expected_triggers()
    per_table = 3 if connection.vendor == "sqlite" else 1
    for tracked in TRACKED:
        table = tracked.model._meta.db_table
        assert len([name for owner, name in found if owner == table]) == per_table, table


def test_postgresql_triggers_run_after_each_row_of_every_write(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_trigger is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, t.tgtype, t.tgenabled FROM pg_trigger t"
            " WHERE NOT t.tgisinternal AND t.tgname LIKE %s",
            [PREFIX.replace("_", r"\_") + "%"],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(TRACKED)
    row, before, insert, delete, update, truncate, instead = 1, 2, 4, 8, 16, 32, 64
    for name, tgtype, enabled in rows:
        # FOR EACH ROW, AFTER (neither BEFORE nor INSTEAD OF), INSERT OR UPDATE OR DELETE.
        assert tgtype & (row | before | instead) == row, name
        assert tgtype & (insert | delete | update | truncate) == insert | delete | update, name
        assert enabled == "O", name  # fires in ordinary sessions


def test_migrate_puts_back_triggers_that_went_missing(cast: Cast) -> None:
    drop_content_triggers()
    assert content_triggers_in_database() == set()
    before = versions(cast)
    team_update(team=cast.platform, name="Platform", description="unseen")
    assert changed_since(cast, before) == set()  # no trigger, no new version

    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)

    assert content_triggers_in_database() == expected_triggers()
    before = versions(cast)
    team_update(team=cast.platform, name="Platform", description="seen")
    assert changed_since(cast, before) == {"org"}


def test_install_twice_keeps_one_working_set_of_triggers(cast: Cast) -> None:
    tables = [tracked.model._meta.db_table for tracked in TRACKED]
    assert content_triggers.install() == tables
    assert content_triggers.install() == tables
    assert content_triggers_in_database() == expected_triggers()
    before = versions(cast)
    membership_set(team=cast.platform, person=cast.bob, role=Role.FACILITATOR)
    assert changed_since(cast, before) == {"org"}


# --- insert, update and delete of every tracked model -----------------------------------


@dataclass(frozen=True)
class Side:
    """One organisation's corner of the cast: where a test writes its rows."""

    name: str  # "org" or "other_org", as in versions()
    organisation: Organisation
    team: Team
    member: User


def side_of(cast: Cast, name: str) -> Side:
    if name == "org":
        return Side(name, cast.org, cast.platform, cast.bob)
    return Side(name, cast.other_org, cast.foreign_team, cast.zed)


def new_person(side: Side) -> User:
    return person_create(
        organisation=side.organisation,
        username=f"newcomer-{side.name}",
        email=f"newcomer-{side.name}@example.com",
        display_name="Newcomer",
    )


def new_series(side: Side) -> Series:
    return series_services.series_create(
        team=side.team,
        created_by=side.member,
        title="Weekly learning",
        format="lunch_and_learn",
        time_zone="Europe/Berlin",
        starts_on=dt.date(2030, 3, 1),
        start_time=dt.time(12, 0),
        duration_minutes=45,
        frequency=Frequency.WEEKLY,
        interval=1,
        weekday=2,  # Wednesday
    )


def new_session(side: Side) -> Session:
    # No facilitator: the insert writes the session row and nothing else.
    return services.session_create(
        team=side.team,
        created_by=side.member,
        title="Intro to tracing",
        format="lunch_and_learn",
        starts_at=dt.datetime(2030, 3, 6, 12, 0, tzinfo=BERLIN),
        time_zone="Europe/Berlin",
        duration_minutes=45,
    )


def rename_person(person: User) -> None:
    person_update_profile(
        person=person, display_name="Renamed", email=person.email, time_zone="Europe/Berlin"
    )


def rename_team(team: Team) -> None:
    team_update(team=team, name="Renamed", description="A new description")


def promote(membership: Membership) -> None:
    membership_set(team=membership.team, person=membership.user, role=Role.LEAD)


def protect(series: Series) -> None:
    series_services.series_set_protected(series=series, protected=True)


def give_reason(skip: SeriesSkip) -> None:
    skip.reason = "Release day"
    skip.save(update_fields=["reason"])


def cancel(session: Session) -> None:
    services.session_set_status(session=session, status=SessionStatus.CANCELLED)


def make_co_facilitator(role: SessionRole) -> None:
    role.role = SessionRole.CO_FACILITATOR
    role.save(update_fields=["role"])


@dataclass(frozen=True)
class Case:
    """How to write one row of a tracked model, touching no other tracked row.

    `prepare` makes the rows it hangs on (before the version is read); `insert`,
    `update` and deleting the row are then each a write to this model's table only.
    """

    model: type[models.Model]
    prepare: Callable[[Side], Any]
    insert: Callable[[Side, Any], models.Model]
    update: Callable[[Any], None]


def nothing(side: Side) -> None:
    return None


CASES = (
    Case(
        User,
        prepare=nothing,
        insert=lambda side, _: new_person(side),
        update=rename_person,
    ),
    Case(
        Team,
        prepare=nothing,
        insert=lambda side, _: team_create(organisation=side.organisation, name="Newcomers"),
        update=rename_team,
    ),
    Case(
        Membership,
        prepare=new_person,
        insert=lambda side, person: membership_set(team=side.team, person=person),
        update=promote,
    ),
    Case(
        Series,
        prepare=nothing,
        insert=lambda side, _: new_series(side),
        update=protect,
    ),
    Case(
        SeriesSkip,
        prepare=new_series,
        insert=lambda side, series: SeriesSkip.objects.create(
            series=series, on=dt.date(2030, 3, 6), reason="Holiday"
        ),
        update=give_reason,
    ),
    Case(
        Session,
        prepare=nothing,
        insert=lambda side, _: new_session(side),
        update=cancel,
    ),
    Case(
        SessionRole,
        prepare=new_session,
        insert=lambda side, session: SessionRole.objects.create(
            session=session, person=side.member, role=SessionRole.FACILITATOR
        ),
        update=make_co_facilitator,
    ),
)

case_params = pytest.mark.parametrize("case", CASES, ids=[case.model.__name__ for case in CASES])
side_params = pytest.mark.parametrize("owner", ["org", "other_org"])


def test_the_cases_cover_every_tracked_model() -> None:
    assert [case.model for case in CASES] == [tracked.model for tracked in TRACKED]


@case_params
@side_params
def test_insert_changes_only_the_owning_organisations_version(
    cast: Cast, case: Case, owner: str
) -> None:
    side = side_of(cast, owner)
    parent = case.prepare(side)
    before = versions(cast)
    case.insert(side, parent)
    assert changed_since(cast, before) == {owner}


@case_params
@side_params
def test_update_changes_only_the_owning_organisations_version(
    cast: Cast, case: Case, owner: str
) -> None:
    side = side_of(cast, owner)
    row = case.insert(side, case.prepare(side))
    before = versions(cast)
    case.update(row)
    assert changed_since(cast, before) == {owner}


@case_params
@side_params
def test_delete_changes_only_the_owning_organisations_version(
    cast: Cast, case: Case, owner: str
) -> None:
    side = side_of(cast, owner)
    row = case.insert(side, case.prepare(side))
    before = versions(cast)
    row.delete()
    assert not type(row)._default_manager.filter(pk=row.pk).exists()
    assert changed_since(cast, before) == {owner}


def move_team(cast: Cast) -> None:
    cast.platform.organisation = cast.other_org
    cast.platform.save(update_fields=["organisation"])


def move_membership(cast: Cast) -> None:
    Membership.objects.filter(team=cast.platform, user=cast.bob).update(team=cast.foreign_team)


@pytest.mark.parametrize(
    "move", [move_team, move_membership], ids=lambda move: move.__name__.removeprefix("move_")
)
def test_moving_a_row_to_another_organisation_changes_both(
    cast: Cast, move: Callable[[Cast], None]
) -> None:
    before = versions(cast)
    move(cast)
    assert changed_since(cast, before) == {"org", "other_org"}


def test_moving_a_row_three_tables_away_changes_both(cast: Cast) -> None:
    here = new_session(side_of(cast, "org"))
    there = new_session(side_of(cast, "other_org"))
    role = SessionRole.objects.create(session=here, person=cast.bob, role="scribe")
    before = versions(cast)
    SessionRole.objects.filter(pk=role.pk).update(session=there)
    assert changed_since(cast, before) == {"org", "other_org"}


# --- writes without Django signals ------------------------------------------------------


@contextlib.contextmanager
def no_model_signals() -> Iterator[None]:
    """Fail if any model signal is sent inside: the write is invisible to Python code."""
    sent: list[str] = []

    def record(sender: Any, **kwargs: Any) -> None:
        sent.append(f"{kwargs['signal']!r} from {sender!r}")

    signals = (pre_save, post_save, pre_delete, post_delete, m2m_changed)
    for signal in signals:
        signal.connect(record, weak=False, dispatch_uid="test_content_triggers")
    try:
        yield
    finally:
        for signal in signals:
            signal.disconnect(dispatch_uid="test_content_triggers")
    assert sent == []


def queryset_update(cast: Cast) -> None:
    assert Membership.objects.filter(team=cast.platform).update(role=Role.MEMBER) == 3


def bulk_create(cast: Cast) -> None:
    Membership.objects.bulk_create(
        [
            Membership(team=cast.platform, user=cast.olga),
            Membership(team=cast.platform, user=cast.charlie),
        ]
    )


def bulk_update(cast: Cast) -> None:
    cast.alice.display_name = "Alice A."
    cast.bob.display_name = "Bob B."
    assert User.objects.bulk_update([cast.alice, cast.bob], ["display_name"]) == 2


def raw_sql_update(cast: Cast) -> None:
    assert Membership._meta.db_table == "people_membership"
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "people_membership" SET "role" = %s WHERE "team_id" = %s AND "user_id" = %s',
            [Role.LEAD, cast.platform.pk, cast.bob.pk],
        )
        assert cursor.rowcount == 1


def raw_sql_delete(cast: Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            'DELETE FROM "people_membership" WHERE "team_id" = %s AND "user_id" = %s',
            [cast.platform.pk, cast.bob.pk],
        )
        assert cursor.rowcount == 1


@pytest.mark.parametrize(
    "write",
    [queryset_update, bulk_create, bulk_update, raw_sql_update, raw_sql_delete],
    ids=lambda write: write.__name__,
)
def test_writes_without_signals_change_the_version(
    cast: Cast, write: Callable[[Cast], None]
) -> None:
    before = versions(cast)
    with no_model_signals():
        write(cast)
    assert changed_since(cast, before) == {"org"}


# --- transactions, people without an organisation, the numbers ---------------------------


class RolledBack(Exception):
    pass


def test_a_rolled_back_write_leaves_the_version_as_it_was(cast: Cast) -> None:
    before = versions(cast)
    inside: set[str] = set()
    with contextlib.suppress(RolledBack), transaction.atomic():
        team_update(team=cast.platform, name="Renamed", description="")
        Membership.objects.filter(team=cast.platform).update(role=Role.LEAD)
        inside = changed_since(cast, before)
        raise RolledBack
    assert inside == {"org"}  # the trigger did run, inside the transaction
    assert versions(cast) == before
    assert Team.objects.get(pk=cast.platform.pk).name == "Platform"


def test_a_person_without_organisation_changes_no_version(cast: Cast) -> None:
    before = versions(cast)
    everyone_before = dict(Organisation.objects.values_list("pk", "content_version"))
    root = User.objects.create_superuser(
        username="root", email="root@example.com", password=PASSWORD
    )
    assert root.organisation_id is None
    root.display_name = "Root"
    root.save()
    User.objects.filter(pk=root.pk).update(first_name="R")
    root.delete()
    assert changed_since(cast, before) == set()
    assert dict(Organisation.objects.values_list("pk", "content_version")) == everyone_before


def test_a_person_joining_an_organisation_changes_its_version(cast: Cast) -> None:
    root = User.objects.create_superuser(
        username="root", email="root@example.com", password=PASSWORD
    )
    before = versions(cast)
    root.organisation = cast.other_org
    root.save(update_fields=["organisation"])
    assert changed_since(cast, before) == {"other_org"}


def test_new_content_version_is_a_non_negative_62_bit_number() -> None:
    numbers = [new_content_version() for _ in range(2000)]
    assert all(isinstance(number, int) for number in numbers)
    assert all(0 <= number < 2**62 for number in numbers)
    assert len(set(numbers)) == len(numbers)
    assert max(numbers) >= 2**61  # the high bits are used (fails with odds of 2**-2000)


def test_versions_written_by_the_database_are_non_negative_62_bit_numbers(
    cast: Cast,
) -> None:
    seen = {version_of(cast.org)}
    for number in range(50):
        team_update(team=cast.platform, name="Platform", description=f"take {number}")
        seen.add(version_of(cast.org))
    assert len(seen) == 51  # a new number on every write
    assert all(0 <= number < 2**62 for number in seen)


def test_organisations_created_one_after_another_have_different_versions(db: None) -> None:
    first = organisation_create(name="First Co")
    second = organisation_create(name="Second Co")
    assert 0 <= version_of(first) < 2**62
    assert 0 <= version_of(second) < 2**62
    assert version_of(first) != version_of(second)


# --- what the triggers leave alone ------------------------------------------------------


def test_signing_in_keeps_the_version_but_other_person_changes_renew_it(cast: Cast) -> None:
    from django.test import Client

    before = versions(cast)
    assert Client().login(username="bob", password=PASSWORD)  # writes last_login
    User.objects.filter(pk=cast.bob.pk).update(last_login=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert changed_since(cast, before) == set()
    User.objects.filter(pk=cast.bob.pk).update(
        last_login=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), time_zone="Asia/Tokyo"
    )
    assert changed_since(cast, before) == {"org"}


def test_install_drops_content_triggers_of_tables_no_longer_tracked(cast: Cast) -> None:
    table = Organisation._meta.db_table  # not tracked; stands for a table taken out
    stale = f"{PREFIX}{table}"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TRIGGER {stale} AFTER DELETE ON {table} FOR EACH ROW BEGIN SELECT 1; END"
            )
        else:
            cursor.execute(
                f"CREATE FUNCTION {stale}() RETURNS trigger LANGUAGE plpgsql"
                " AS $$ BEGIN RETURN NULL; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER {stale} AFTER DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION {stale}()"
            )
    assert (table, stale) in content_triggers_in_database()
    content_triggers.install()
    assert content_triggers_in_database() == expected_triggers()
