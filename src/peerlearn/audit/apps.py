from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peerlearn.audit"
    label = "audit"
    verbose_name = "Audit log and job failures"
