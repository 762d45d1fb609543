from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    # Not "sessions": that label belongs to django.contrib.sessions.
    name = "peerlearn.schedule"
    label = "schedule"
    verbose_name = "Sessions and schedule"
