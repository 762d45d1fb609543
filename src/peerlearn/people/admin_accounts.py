"""Creating the first admin of an installation (used by `peerlearn createadmin`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from peerlearn.people.models import Organisation, User
from peerlearn.people.services import organisation_create, person_create


@transaction.atomic
def admin_create(*, username: str, email: str, password: str, organisation_name: str) -> User:
    organisation = Organisation.objects.filter(slug=slugify(organisation_name)).first()
    if organisation is None:
        organisation = organisation_create(name=organisation_name)
    try:
        person = person_create(
            organisation=organisation,
            username=username,
            email=email,
            password=password,
            is_org_admin=True,
        )
    except ValidationError as error:
        raise ValueError("; ".join(error.messages)) from None
    person.is_staff = True
    person.is_superuser = True
    person.save(update_fields=["is_staff", "is_superuser"])
    return person
