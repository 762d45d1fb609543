from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "peerlearn.api"
    label = "api"
    verbose_name = "REST API"
