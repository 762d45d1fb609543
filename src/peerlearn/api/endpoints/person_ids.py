"""People named by id in a request body, resolved within the team's organisation.

A person of another organisation (or an inactive one, or an id that names nobody) is a
422 naming the field, "No such person." — never a hint that the id exists elsewhere.
The services check again what they require (team membership, an RSVP).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.http import Http404

from peerlearn.people.access import get_person_for_team
from peerlearn.people.models import Membership, Team, User


def team_person(team: Team, user_id: int | None, field: str) -> User | None:
    """A member of the team by an id from the body; a 422 naming the field otherwise
    (facilitators must be in the team: the services refuse anyone else too, but without
    saying which field)."""
    if user_id is None:
        return None
    try:
        person = get_person_for_team(team, user_id)
    except Http404:
        raise ValidationError({field: ["No such person."]}) from None
    if not Membership.objects.filter(team=team, user=person).exists():
        raise ValidationError({field: [f"Not in {team.name}: {person.name}."]})
    return person


def organisation_people(team: Team, user_ids: Sequence[int], field: str) -> list[User]:
    """Active people of the team's organisation, in the order given, duplicates dropped,
    in one query; a 422 naming the field and the ids that name nobody of it."""
    wanted = list(dict.fromkeys(user_ids))
    found = {
        person.pk: person
        for person in User.objects.filter(
            pk__in=wanted, organisation_id=team.organisation_id, is_active=True
        )
    }
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({field: [f"No such person: {', '.join(missing)}."]})
    return [found[pk] for pk in wanted]


def renamed(error: ValidationError, field: str, as_field: str) -> ValidationError:
    """A service's refusal with ``field`` named as the API's body names it."""
    if not hasattr(error, "error_dict") or field not in error.error_dict:
        return error
    messages = error.message_dict
    messages[as_field] = messages.pop(field)
    return ValidationError(messages)
