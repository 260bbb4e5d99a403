from django.urls import path

from .views import actions, person, roster

app_name = "personnel"
urlpatterns = [
    path("", roster.roster, name="roster"),
    path("xuat-excel/", roster.roster_export, name="roster_export"),
    path("thao-tac-hang-loat/", roster.bulk, name="bulk"),
    path("them/", person.person_create, name="person_create"),
    path("<int:pk>/", person.person_detail, name="person"),
    path("<int:pk>/sua/", person.person_edit, name="person_edit"),
    path("<int:pk>/vao-tu-ve/", actions.join, name="service_open"),
    path("<int:pk>/tinh-trang/", actions.change_status, name="service_status"),
    path("<int:pk>/dieu-chuyen/", actions.transfer, name="service_transfer"),
    path("<int:pk>/gia-han/", actions.extend, name="service_extend"),
]
