from django.urls import path

from .views import actions, appointments, audit, exports, person, roster

app_name = "personnel"
urlpatterns = [
    path("", roster.roster, name="roster"),
    path("xuat-excel/", roster.roster_export, name="roster_export"),
    path("thao-tac-hang-loat/", roster.bulk, name="bulk"),
    path("nhat-ky-xuat/", audit.export_log, name="export_log"),
    path("xuat-excel/<uuid:token>/", exports.export_job, name="export_job"),
    path("xuat-excel/<uuid:token>/tien-do/", exports.export_progress, name="export_progress"),
    path("xuat-excel/<uuid:token>/tai-ve/", exports.export_download, name="export_download"),
    path("them/", person.person_create, name="person_create"),
    path("<int:pk>/", person.person_detail, name="person"),
    path("<int:pk>/sua/", person.person_edit, name="person_edit"),
    path("<int:pk>/vao-tu-ve/", actions.join, name="service_open"),
    path("<int:pk>/tinh-trang/", actions.change_status, name="service_status"),
    path("<int:pk>/dieu-chuyen/", actions.transfer, name="service_transfer"),
    path("<int:pk>/gia-han/", actions.extend, name="service_extend"),
    # Ban CHQS of an agency (by its unit code): seats, proposals, history.
    path("ban-chqs/<str:code>/", appointments.board, name="board"),
    path("ban-chqs/<str:code>/de-xuat/", appointments.propose, name="appointment_propose"),
    path(
        "ban-chqs/<str:code>/<int:pk>/xac-nhan/",
        appointments.confirm,
        name="appointment_confirm",
    ),
    path(
        "ban-chqs/<str:code>/<int:pk>/khong-chap-thuan/",
        appointments.reject,
        name="appointment_reject",
    ),
    path("ban-chqs/<str:code>/<int:pk>/thoi-giu/", appointments.end, name="appointment_end"),
]
