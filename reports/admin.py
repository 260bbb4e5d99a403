from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ReportingRule, Return


@admin.register(ReportingRule)
class ReportingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "cutoff_day", "place", "days_quarter", "days_half", "days_year"]
    autocomplete_fields = ["unit"]


@admin.register(Return)
class ReturnAdmin(SimpleHistoryAdmin):
    """Read-only here: returns change only through their workflow (reports.services)."""

    list_display = ["unit", "period_label", "version", "state", "number", "number_year"]
    list_filter = ["state", "period_kind"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
