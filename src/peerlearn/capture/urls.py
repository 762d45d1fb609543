from django.urls import path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.capture import recording_views, views

app_name = "capture"

SESSION = "sessions/<id:session_id>/capture/"
ITEM = "action-items/<id:item_id>/"

urlpatterns = [
    path(SESSION, views.session_capture_page, name="session"),
    path(SESSION + "notes/", views.notes_save, name="notes_save"),
    path(SESSION + "action-items/", views.item_create, name="item_create"),
    path(SESSION + "consent/", recording_views.consent, name="consent"),
    path(SESSION + "recording/link/", recording_views.recording_link, name="recording_link"),
    path(SESSION + "recording/upload/", recording_views.recording_upload, name="recording_upload"),
    path(SESSION + "recording/remove/", recording_views.recording_remove, name="recording_remove"),
    path(SESSION + "recording/", recording_views.recording_download, name="recording_download"),
    path(SESSION + "transcript/", recording_views.transcript_import, name="transcript_import"),
    path(SESSION + "transcribe/", recording_views.transcribe, name="transcribe"),
    path(ITEM + "close/", views.item_close, name="item_close"),
    path(ITEM + "reopen/", views.item_reopen, name="item_reopen"),
    path(ITEM + "edit/", views.item_edit, name="item_edit"),
    path("teams/<id:team_id>/action-items/", views.team_items, name="team_items"),
]
