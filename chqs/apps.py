from django.apps import AppConfig


class ChqsConfig(AppConfig):
    name = "chqs"
    verbose_name = "Hạ tầng CHQS"
