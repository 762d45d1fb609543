from django.apps import AppConfig


class GapsConfig(AppConfig):
    name = "peerlearn.gaps"
    label = "gaps"
    verbose_name = "Gap backlog"
