from django.urls import path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.kb import views

app_name = "kb"

urlpatterns = [
    path("sessions/<id:session_id>/publish/", views.publish, name="publish"),
    path("teams/<id:team_id>/knowledge-base/", views.team_index, name="index"),
    path("teams/<id:team_id>/knowledge-base/export/", views.team_export, name="export"),
    path("kb/<id:page_id>/", views.page_detail, name="page"),
    path("kb/<id:page_id>/remove/", views.page_remove, name="remove"),
]
