from django.urls import URLPattern, path

from peerlearn.web import views
from peerlearn.web.benchmark_views import benchmark_urlpatterns

app_name = "web"

urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("healthz", views.healthz, name="healthz"),
    *benchmark_urlpatterns(),
]
