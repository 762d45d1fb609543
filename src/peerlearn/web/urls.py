from django.urls import URLPattern, path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.web import views

app_name = "web"

urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("teams/<id:team_id>/", views.team_detail, name="team"),
    path("healthz", views.healthz, name="healthz"),
]
