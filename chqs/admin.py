from django.contrib import admin

from .audit import ExportRecord


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    """Read only: the record of exports is evidence, not data to correct."""

    list_display = ("at", "username", "role", "unit_code", "what", "rows", "masked")
    list_filter = ("masked", "what")
    search_fields = ("username", "unit_code")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
