from django.urls import path

from peerlearn.people import views

app_name = "people"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("manage/teams/", views.manage_teams, name="manage_teams"),
    path("teams/<int:team_id>/members/", views.team_members, name="team_members"),
]
