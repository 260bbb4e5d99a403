from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        from units.extensions import register_home_panel

        from .dashboard import dashboard_panel

        register_home_panel(dashboard_panel)
