from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "peerlearn.kb"
    label = "kb"
    verbose_name = "Knowledge base"
