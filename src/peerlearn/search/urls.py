from django.urls import path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.search import views

app_name = "search"

urlpatterns = [
    path("teams/<id:team_id>/search/", views.team_search, name="team"),
]
