from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BoardAppointment,
    Ethnicity,
    Person,
    Service,
    ServiceExtension,
    ServicePosition,
    StatusReason,
)

# Reference data an administrator may adjust (DOMAIN.md: "as data").
admin.site.register([Ethnicity])


@admin.register(ServicePosition)
class ServicePositionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_leader", "allowed_gender"]
    list_editable = ["order", "allowed_gender"]


@admin.register(StatusReason)
class StatusReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "code", "legal_basis"]
    list_filter = ["status"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["agency", "formation", "position", "force_kind", "joined_on", "term_end"]
    fields += ["status", "status_on", "status_reason", "ended_on"]
    raw_id_fields = ["agency", "formation"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "birth_date", "gender", "cccd", "agency"]
    list_filter = ["gender", "is_reservist"]
    search_fields = ["search_text", "cccd"]
    raw_id_fields = ["agency"]
    list_select_related = ["agency"]
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["person", "agency", "formation", "position", "joined_on", "term_end"]
    list_display += ["status", "ended_on"]
    list_filter = ["status", "force_kind"]
    search_fields = ["person__search_text"]
    raw_id_fields = ["person", "agency", "formation"]
    list_select_related = ["person", "agency", "formation", "position"]


@admin.register(ServiceExtension)
class ServiceExtensionAdmin(SimpleHistoryAdmin):
    list_display = ["service", "decision", "decided_on", "previous_end", "new_end"]
    raw_id_fields = ["service"]


@admin.register(BoardAppointment)
class BoardAppointmentAdmin(SimpleHistoryAdmin):
    list_display = ["person", "position", "board", "starts_on", "ends_on", "state"]
    list_filter = ["state", "position"]
    raw_id_fields = ["person", "board"]


from .duty import admin as duty_admin  # noqa: E402, F401  (duty's reference data)
