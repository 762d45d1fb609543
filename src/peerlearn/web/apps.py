from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "peerlearn.web"
    label = "web"
    verbose_name = "Web interface"
