from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgencyType,
    Board,
    BoardPositionKind,
    ForceKind,
    Formation,
    Unit,
    UnitKind,
    UnitLink,
    User,
)

# The admin is for administrators only (is_staff); everyone else works in the app's pages.
admin.site.site_header = "Quản trị CHQS"
admin.site.register([UnitKind, AgencyType, ForceKind, BoardPositionKind])


class UnitLinkInline(admin.TabularInline):
    model = UnitLink
    fk_name = "unit"
    extra = 0


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "level", "dissolved_on"]
    list_filter = ["kind", "level"]
    search_fields = ["code", "name", "search_text"]
    inlines = [UnitLinkInline]


admin.site.register([Board, Formation], SimpleHistoryAdmin)


@admin.register(User)
class ChqsUserAdmin(UserAdmin):
    fieldsets = [*UserAdmin.fieldsets, ("CHQS", {"fields": ["role", "unit"]})]
    list_display = ["username", "last_name", "first_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
