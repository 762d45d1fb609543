from django.urls import path

import peerlearn.web.converters  # noqa: F401  (registers <id:…>)
from peerlearn.schedule import feed_views, series_views, views

app_name = "schedule"

OCCURRENCE = "series/<id:series_id>/occurrences/<str:key>/"

urlpatterns = [
    path("teams/<id:team_id>/sessions/", views.team_sessions, name="team_sessions"),
    path("teams/<id:team_id>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<id:session_id>/", views.session_detail, name="session"),
    path("sessions/<id:session_id>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<id:session_id>/status/", views.session_status, name="session_status"),
    path("sessions/<id:session_id>/roles/", views.session_roles, name="session_roles"),
    path("sessions/<id:session_id>/rsvp/", views.session_rsvp, name="session_rsvp"),
    path(
        "sessions/<id:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path("sessions/<id:session_id>/session.ics", views.session_ics, name="session_ics"),
    path("teams/<id:team_id>/series/new/", series_views.series_create, name="series_create"),
    path("series/<id:series_id>/", series_views.series_detail, name="series"),
    path("series/<id:series_id>/edit/", series_views.series_edit, name="series_edit"),
    path("series/<id:series_id>/cancel/", series_views.series_cancel, name="series_cancel"),
    path("series/<id:series_id>/skips/", series_views.series_skip_add, name="series_skip_add"),
    path(
        "series/<id:series_id>/skips/<id:skip_id>/delete/",
        series_views.series_skip_remove,
        name="series_skip_remove",
    ),
    path("series/<id:series_id>/series.ics", series_views.series_ics, name="series_ics"),
    path(OCCURRENCE, series_views.occurrence_detail, name="occurrence"),
    path(OCCURRENCE + "rsvp/", series_views.occurrence_rsvp, name="occurrence_rsvp"),
    path(OCCURRENCE + "move/", series_views.occurrence_move, name="occurrence_move"),
    path(OCCURRENCE + "cancel/", series_views.occurrence_cancel, name="occurrence_cancel"),
    path(
        OCCURRENCE + "facilitator/",
        series_views.occurrence_facilitator,
        name="occurrence_facilitator",
    ),
    path("calendar/", feed_views.calendar_settings, name="calendar_settings"),
    path("calendar/feeds/", feed_views.calendar_feed_action, name="calendar_feed_action"),
    path("calendar/feeds/<str:token>.ics", feed_views.feed, name="feed"),
    path("me/history/", feed_views.history, name="my_history"),
    path("people/<id:person_id>/history/", feed_views.history, name="history"),
]
