from django.urls import path

from .views import compliance, nominations, plans, quotas, results

app_name = "training"
urlpatterns = [
    path("", plans.index, name="index"),
    path("ke-hoach/them/", plans.plan_create, name="plan_create"),
    path("ke-hoach/<int:pk>/", plans.plan_detail, name="plan"),
    path("ke-hoach/<int:pk>/them-lop/", plans.course_create, name="course_create"),
    path("lop/<int:pk>/", plans.course_detail, name="course"),
    path("lop/<int:pk>/sua/", plans.course_edit, name="course_edit"),
    path("lop/<int:pk>/chi-tieu/", quotas.quotas, name="quotas"),
    path("lop/<int:pk>/chi-tieu/xuat-excel/", quotas.quotas_export, name="quotas_export"),
    path("lop/<int:pk>/cu-nguoi/<str:code>/", nominations.nominate, name="nominate"),
    path(
        "lop/<int:pk>/cu-nguoi/<str:code>/<int:nomination_pk>/thay/",
        nominations.substitute,
        name="substitute",
    ),
    path(
        "lop/<int:pk>/cu-nguoi/<str:code>/<int:nomination_pk>/rut/",
        nominations.withdraw,
        name="withdraw",
    ),
    path("lop/<int:pk>/ket-qua/", results.results, name="results"),
    path("lop/<int:pk>/danh-sach-ky.pdf", results.attendance_pdf, name="attendance_pdf"),
    path("theo-doi/", compliance.compliance, name="compliance"),
    path("theo-doi/xuat-excel/", compliance.compliance_export, name="compliance_export"),
]
