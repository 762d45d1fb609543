from django.urls import path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.people import manage_views, member_views, views

app_name = "people"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path(
        "invitation/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("manage/", manage_views.manage_index, name="manage"),
    path("manage/teams/", manage_views.manage_teams, name="manage_teams"),
    path("manage/teams/new/", manage_views.team_new, name="team_new"),
    path("manage/teams/<id:team_id>/edit/", manage_views.team_edit, name="team_edit"),
    path("manage/import/", manage_views.members_import, name="members_import"),
    path("manage/tasks/", manage_views.task_results, name="task_results"),
    path("teams/<id:team_id>/members/", member_views.team_members, name="team_members"),
    path(
        "teams/<id:team_id>/members/add-existing/",
        member_views.member_add_existing,
        name="member_add_existing",
    ),
    path(
        "teams/<id:team_id>/members/add-new/",
        member_views.member_add_new,
        name="member_add_new",
    ),
    path(
        "teams/<id:team_id>/members/<id:membership_id>/",
        member_views.membership_update,
        name="membership_update",
    ),
    path(
        "teams/<id:team_id>/members/<id:membership_id>/remove/",
        member_views.membership_remove_confirm,
        name="membership_remove",
    ),
    path(
        "teams/<id:team_id>/members/<id:membership_id>/invite/",
        member_views.invitation_resend,
        name="invitation_resend",
    ),
]
