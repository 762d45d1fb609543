from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class KnowledgeConfig(AppConfig):
    name = "peerlearn.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge map"

    def ready(self) -> None:
        checks.register(check_repository_roots, checks.Tags.security)


def check_repository_roots(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """PEERLEARN_REPOSITORY_ROOTS must be absolute: a relative root would depend on the
    working directory of whichever process (web or worker) checks a path."""
    from pathlib import Path

    from django.conf import settings

    return [
        checks.Error(
            f"PEERLEARN_REPOSITORY_ROOTS: {root!r} is not an absolute path.",
            id="knowledge.E001",
        )
        for root in settings.KNOWLEDGE_REPOSITORY_ROOTS
        if not Path(root).is_absolute()
    ]
