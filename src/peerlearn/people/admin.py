from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from peerlearn.people.models import LoginFailure, Membership, Organisation, Team, User


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
    inlines = [MembershipInline]


@admin.register(User)
class PeopleUserAdmin(UserAdmin[User]):
    list_display = ["username", "display_name", "email", "organisation", "is_org_admin"]
    list_filter = ["organisation", "is_org_admin", "is_staff"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("peerlearn", {"fields": ("organisation", "display_name", "time_zone", "is_org_admin")}),
    )


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin[LoginFailure]):
    list_display = ["username", "address", "at"]
