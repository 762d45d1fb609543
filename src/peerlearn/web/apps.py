from django.apps import AppConfig, apps
from django.core import checks
from django.db.models.signals import post_migrate


class WebConfig(AppConfig):
    name = "peerlearn.web"
    label = "web"
    verbose_name = "Web interface"

    def ready(self) -> None:
        from peerlearn.web.content_triggers import install_after_migrate
        from peerlearn.web.page_cache import check_middleware

        checks.register(check_middleware)

        # After every migrate (and test-database flush): see content_triggers' docstring.
        # post_migrate is sent once per app with models, and this app has none, so listen
        # for one that has: by then every app's migrations have run.
        post_migrate.connect(
            install_after_migrate,
            sender=apps.get_app_config("people"),
            dispatch_uid="peerlearn.web.content_triggers",
        )
