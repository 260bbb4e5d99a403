"""Duty reference data an administrator adjusts (kinds, the province's rounding rule,
holiday rules and one-off days); turns themselves are kept on the duty pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DutyKind, DutyPolicy, DutyTurn, HolidayDate, HolidayRule


@admin.register(DutyKind)
class DutyKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "province", "shift_hours", "crew_size", "min_rest_hours"]
    list_filter = ["province"]
    list_editable = ["shift_hours", "crew_size", "min_rest_hours"]


@admin.register(DutyPolicy)
class DutyPolicyAdmin(admin.ModelAdmin):
    list_display = ["province", "rounding"]


@admin.register(HolidayRule)
class HolidayRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "calendar", "month", "day", "offset", "days", "province"]
    list_filter = ["calendar", "province"]


@admin.register(HolidayDate)
class HolidayDateAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_day_off", "province"]
    list_filter = ["is_day_off", "province"]
    date_hierarchy = "date"


@admin.register(DutyTurn)
class DutyTurnAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "unit", "state", "man_days"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["unit", "officer", "plan"]
