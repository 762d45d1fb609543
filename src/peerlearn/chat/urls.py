from django.urls import path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.chat import views

app_name = "chat"

urlpatterns = [
    path("teams/<id:team_id>/chat/", views.team_webhooks, name="team_webhooks"),
    path("chat-webhooks/<id:webhook_id>/edit/", views.webhook_update, name="webhook_update"),
    path("chat-webhooks/<id:webhook_id>/test/", views.webhook_test, name="webhook_test"),
    path("chat-webhooks/<id:webhook_id>/remove/", views.webhook_remove, name="webhook_remove"),
]
