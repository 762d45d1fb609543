from django.urls import path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.gaps import duplicate_views, import_views, signal_views, source_views, views

app_name = "gaps"

TEAM = "teams/<id:team_id>/gaps/"
GAP = "gaps/<id:gap_id>/"

urlpatterns = [
    path(TEAM, views.backlog, name="backlog"),
    path(TEAM + "new/", views.gap_create, name="gap_create"),
    path(TEAM + "ask/", source_views.anonymous_ask, name="anonymous_ask"),
    path(TEAM + "similar/", duplicate_views.similar, name="similar"),
    path(TEAM + "duplicates/", duplicate_views.duplicates, name="duplicates"),
    path(TEAM + "import/", import_views.gaps_import, name="import"),
    path(TEAM + "import/tracker/", import_views.tracker_import, name="tracker_import"),
    path("gaps/imports/<id:pending_id>/", import_views.import_columns, name="import_columns"),
    path(TEAM + "offer/", views.topic_offer, name="topic_offer"),
    path(TEAM + "notes/", source_views.notes, name="notes"),
    path(TEAM + "post-mortems/", source_views.post_mortem, name="post_mortem"),
    path(TEAM + "onboarding/", source_views.onboarding, name="onboarding"),
    path(TEAM + "suggestions/", signal_views.suggestions, name="suggestions"),
    path(
        TEAM + "suggestions/refresh/", signal_views.suggestions_refresh, name="suggestions_refresh"
    ),
    path(GAP, views.gap_detail, name="gap"),
    path(GAP + "edit/", views.gap_edit, name="gap_edit"),
    path(GAP + "status/", views.gap_status, name="gap_status"),
    path(GAP + "vote/", views.gap_vote, name="gap_vote"),
    path(GAP + "merge/", views.gap_merge, name="gap_merge"),
    path(GAP + "offer/", views.gap_offer, name="gap_offer"),
    path(GAP + "sessions/", views.gap_link_session, name="gap_link_session"),
    path(
        GAP + "sessions/<id:session_id>/unlink/",
        views.gap_unlink_session,
        name="gap_unlink_session",
    ),
    path("gaps/offers/<id:offer_id>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("gaps/notes/<id:note_id>/to-gap/", source_views.note_to_gap, name="note_to_gap"),
    path("gaps/notes/<id:note_id>/delete/", source_views.note_delete, name="note_delete"),
    path(
        "gaps/onboarding/<id:step_id>/mark/", source_views.onboarding_mark, name="onboarding_mark"
    ),
    path(
        "gaps/onboarding/<id:step_id>/remove/",
        source_views.onboarding_step_remove,
        name="onboarding_step_remove",
    ),
    path(
        "gaps/suggestions/<id:suggestion_id>/decide/",
        signal_views.suggestion_decide,
        name="suggestion_decide",
    ),
]
