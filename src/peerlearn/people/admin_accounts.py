"""Creating accounts from the command line: organisation admins and operators.

`peerlearn createadmin` makes an organisation admin: a person of the organisation who
manages it in peerlearn's pages, and who is neither staff nor superuser.
`peerlearn createsuperuser` makes an operator: a superuser who belongs to no
organisation and runs Django admin for the whole installation.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from peerlearn.audit.services import audit_record
from peerlearn.people.models import Organisation, User
from peerlearn.people.services import organisation_create, person_create


def _messages(error: ValidationError) -> str:
    return "; ".join(error.messages)


@transaction.atomic
def admin_create(*, username: str, email: str, password: str, organisation_name: str) -> User:
    """An organisation admin (and the organisation, if new). Raises ValueError."""
    try:
        organisation = Organisation.objects.filter(slug=slugify(organisation_name)).first()
        if organisation is None:
            organisation = organisation_create(name=organisation_name)
        password_validation.validate_password(password, User(username=username, email=email))
        return person_create(
            organisation=organisation,
            username=username,
            email=email,
            password=password,
            is_org_admin=True,
        )
    except ValidationError as error:
        raise ValueError(_messages(error)) from None


@transaction.atomic
def operator_create(*, username: str, email: str, password: str) -> User:
    """An operator of the installation: superuser, no organisation. Raises ValueError."""
    operator = User(
        username=username,
        email=User.objects.normalize_email(email).lower(),
        is_staff=True,
        is_superuser=True,
    )
    try:
        if operator.email and User.objects.filter(email__iexact=operator.email).exists():
            raise ValidationError({"email": "This e-mail address is used by another account."})
        password_validation.validate_password(password, operator)
        operator.set_password(password)
        operator.full_clean()
    except ValidationError as error:
        raise ValueError(_messages(error)) from None
    operator.save()
    audit_record(actor=None, organisation=None, action="operator.created", target=operator)
    return operator
