from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        from units.extensions import register_demo_step, register_home_panel

        from .dashboard import dashboard_panel
        from .demo import build_reporting_rule

        register_home_panel(dashboard_panel)
        register_demo_step(build_reporting_rule)
