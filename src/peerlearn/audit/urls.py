from django.urls import path

from peerlearn.audit import views

app_name = "audit"

urlpatterns = [
    path("manage/audit/", views.audit_log, name="audit_log"),
    path("manage/skipped/", views.skipped_items, name="skipped_items"),
]
