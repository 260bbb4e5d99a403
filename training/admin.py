from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Audience, Course, Nomination, Quota, TrainingPlan


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "required_days", "is_cadre", "min_year", "max_year"]
    filter_horizontal = ["positions", "force_kinds"]


@admin.register(TrainingPlan)
class TrainingPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "organiser"]
    raw_id_fields = ["organiser"]


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "audience", "organiser", "starts_on", "days"]
    raw_id_fields = ["plan", "organiser"]


@admin.register(Quota)
class QuotaAdmin(SimpleHistoryAdmin):
    list_display = ["course", "agency", "quantity"]
    raw_id_fields = ["course", "agency"]


@admin.register(Nomination)
class NominationAdmin(SimpleHistoryAdmin):
    list_display = ["course", "person", "agency", "state", "attendance", "result"]
    raw_id_fields = ["course", "person", "agency", "replaces", "nominated_by"]
