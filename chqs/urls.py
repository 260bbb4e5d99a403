from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("nhap-du-lieu/", include("chqs.imports.urls")),
    path("nhan-su/", include("personnel.urls")),
    path("truc/", include("personnel.duty.urls")),
    path("huan-luyen/", include("training.urls")),
    path("bao-cao/", include("reports.urls")),
    path("", include("units.urls")),
]
