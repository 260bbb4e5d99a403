from django.apps import AppConfig


class ChqsConfig(AppConfig):
    name = "chqs"
    verbose_name = "Hạ tầng CHQS"

    def ready(self) -> None:
        from . import (
            lookups,  # noqa: F401  (registers `__in_ids`)
            sessions,  # noqa: F401  (a login counts as the session's refresh)
            versions,  # noqa: F401  (watches writes on every connection)
        )
