from django.urls import path

from .views import edit, exports, pages, planner

app_name = "duty"
urlpatterns = [
    path("", pages.turn_list, name="turns"),
    path("thong-ke/", pages.tallies, name="tallies"),
    path("luot/<int:pk>/", pages.turn_detail, name="turn"),
    path("luot/<int:pk>/sua/", edit.turn_edit, name="turn_edit"),
    path("luot/<int:pk>/kiem-tra/", edit.turn_check, name="turn_check"),
    path("luot/<int:pk>/thuc-truc/<int:member>/", edit.attendance, name="attendance"),
    path("nguoi/<int:pk>/", pages.person_ledger, name="ledger"),
    path("nguoi/<int:pk>/vang-mat/", edit.unavailable_add, name="unavailable_add"),
    path("don-vi/<str:code>/", pages.month, name="month"),
    path("don-vi/<str:code>/lap-lich/", planner.planner, name="planner"),
    path("don-vi/<str:code>/ban-hanh/", edit.publish, name="publish"),
    path("don-vi/<str:code>/pdf/", exports.month_pdf, name="month_pdf"),
    path("don-vi/<str:code>/excel/", exports.month_xlsx, name="month_xlsx"),
]
