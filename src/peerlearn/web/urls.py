from django.urls import URLPattern, path

from peerlearn.web import views

app_name = "web"

urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("healthz", views.healthz, name="healthz"),
]
