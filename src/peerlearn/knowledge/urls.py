from django.urls import path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.knowledge import views

app_name = "knowledge"

REPOSITORY = "knowledge/repositories/<id:repository_id>/"

urlpatterns = [
    path(
        "teams/<id:team_id>/knowledge/",
        views.team_repositories_page,
        name="team_repositories",
    ),
    path(
        "teams/<id:team_id>/knowledge/new/",
        views.repository_create,
        name="repository_create",
    ),
    path(REPOSITORY, views.repository_detail, name="repository"),
    path(REPOSITORY + "people/", views.repository_person, name="person"),
    path(REPOSITORY + "files/", views.repository_files, name="files"),
    path(REPOSITORY + "settings/", views.repository_settings, name="settings"),
    path(REPOSITORY + "analyse/", views.repository_analyse, name="analyse"),
    path(REPOSITORY + "delete/", views.repository_delete, name="delete"),
]
