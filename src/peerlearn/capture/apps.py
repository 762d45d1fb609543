from django.apps import AppConfig


class CaptureConfig(AppConfig):
    name = "peerlearn.capture"
    label = "capture"
    verbose_name = "Capture: notes, action items, recordings"
