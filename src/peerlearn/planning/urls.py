from django.urls import path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.planning import pairing_views, views

app_name = "planning"

TEAM = "teams/<id:team_id>/"

urlpatterns = [
    path(TEAM + "planning/", views.planning_home, name="home"),
    path(TEAM + "planning/propose/", views.plan_propose, name="propose"),
    path(TEAM + "rotation/", views.rotation, name="rotation"),
    path(TEAM + "pairing/", pairing_views.pairing_page, name="pairing"),
    path(TEAM + "pairing/rounds/", pairing_views.pairing_run, name="pairing_run"),
    path("plans/<id:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<id:plan_id>/accept/", views.plan_accept, name="accept"),
    path("plan-entries/<id:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("pairings/<id:pairing_id>/answer/", pairing_views.pairing_answer, name="answer"),
]
