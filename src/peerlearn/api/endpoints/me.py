"""GET /api/me: who the request acts for."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from peerlearn.api.auth import api_user

router = Router(tags=["me"])


class OrganisationOut(Schema):
    id: int = Field(..., examples=[1])
    name: str = Field(..., examples=["Example Co"])
    slug: str = Field(..., examples=["example-co"])


class MeOut(Schema):
    id: int = Field(..., examples=[7])
    username: str = Field(..., examples=["alice"])
    name: str = Field(..., description="Display name, else full name, else username.")
    display_name: str = Field(..., examples=["Alice Liddell"])
    email: str = Field(..., examples=["alice@example.com"])
    time_zone: str = Field(..., examples=["Europe/Berlin"])
    is_org_admin: bool = Field(..., examples=[False])
    organisation: OrganisationOut | None


@router.get("/me", response=MeOut, summary="The authenticated person")
def me(request: HttpRequest) -> MeOut:
    user = api_user(request)
    organisation = user.organisation  # one query at most; a person has one organisation
    return MeOut(
        id=user.pk,
        username=user.username,
        name=user.name,
        display_name=user.display_name,
        email=user.email,
        time_zone=user.time_zone,
        is_org_admin=user.is_org_admin,
        organisation=(
            OrganisationOut(id=organisation.pk, name=organisation.name, slug=organisation.slug)
            if organisation is not None
            else None
        ),
    )
