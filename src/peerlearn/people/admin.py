"""Django admin for people, teams and memberships: the operator's tools (see admin_site)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.http import HttpRequest

from peerlearn.people.models import Membership, Organisation, Team, ThrottleCounter, User
from peerlearn.people.services import org_admin_change_record
from peerlearn.validation import HardenedFormMixin


class MembershipInline(admin.TabularInline[Membership, Team]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "organisation", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    # Moving a team to another organisation re-validates these rows (Membership.clean),
    # so a team cannot take its members into an organisation they are not in.
    inlines = [MembershipInline]


class PersonChangeForm(HardenedFormMixin, UserChangeForm[User]):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        organisation = cleaned.get("organisation")
        if self.instance.pk is not None:
            elsewhere = (
                Membership.objects.filter(user_id=self.instance.pk)
                .exclude(team__organisation=organisation)
                .select_related("team__organisation")
                .first()
            )
            if elsewhere is not None:
                self.add_error(
                    "organisation",
                    f"{self.instance} is in teams of {elsewhere.team.organisation} "
                    f"(such as {elsewhere.team}); remove them from those teams first.",
                )
        return cleaned


@admin.register(User)
class PeopleUserAdmin(UserAdmin[User]):
    form = PersonChangeForm
    list_display = ["username", "display_name", "email", "organisation", "is_org_admin"]
    list_filter = ["organisation", "is_org_admin", "is_superuser"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("peerlearn", {"fields": ("organisation", "display_name", "time_zone", "is_org_admin")}),
    )

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm[User], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # Inside the admin's transaction, like a service's audit entry.
        if "is_org_admin" in form.changed_data and (change or obj.is_org_admin):
            org_admin_change_record(
                person=obj,
                granted=obj.is_org_admin,
                actor=request.user,  # type: ignore[arg-type]
            )


@admin.register(ThrottleCounter)
class ThrottleCounterAdmin(admin.ModelAdmin[ThrottleCounter]):
    """Who is being refused: accounts are `person:<id>` or `name:<as typed>`, addresses
    IPv4 or an IPv6 /64. Deleting a row lifts that refusal at once."""

    list_display = ["scope", "key", "count", "window_started_at"]
    list_filter = ["scope"]
    search_fields = ["key"]
