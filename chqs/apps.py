from django.apps import AppConfig


class ChqsConfig(AppConfig):
    name = "chqs"
    verbose_name = "Hạ tầng CHQS"

    def ready(self):
        from . import versions  # noqa: F401  (watches writes on every connection)
