from django.urls import path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.api import token_views

app_name = "tokens"

urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("<id:token_id>/revoke/", token_views.token_revoke, name="revoke"),
]
