from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "peerlearn.planning"
    label = "planning"
    verbose_name = "Planning: rotation, pairing, quarter plans"
