"""The REST API (django-ninja). Every endpoint uses the same access functions as the UI."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

api = NinjaAPI(
    title="peerlearn API",
    version="1",
    description="Teams, people and the peer-learning program. Authenticate with a personal "
    "API token: `Authorization: Bearer <token>`.",
    auth=[django_auth],
    urls_namespace="api",
)


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    time_zone: str


@api.get("/me", response=MeOut, summary="The authenticated person")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        id=user.pk or 0,
        username=user.get_username(),
        display_name=getattr(user, "display_name", ""),
        email=getattr(user, "email", ""),
        time_zone=getattr(user, "time_zone", "UTC"),
    )
