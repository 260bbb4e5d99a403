from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/mau/", views.template, name="template"),
    path("<slug:kind>/xuat/", views.export, name="export"),
    path("<slug:kind>/tai-len/", views.upload, name="upload"),
    path("phien/<uuid:token>/", views.job, name="job"),
    path("phien/<uuid:token>/tien-do/", views.progress, name="progress"),
    path("phien/<uuid:token>/kiem-tra-lai/", views.recheck, name="recheck"),
    path("phien/<uuid:token>/ap-dung/", views.apply, name="apply"),
    path("phien/<uuid:token>/thu-lai/", views.retry, name="retry"),
    path("phien/<uuid:token>/tep-danh-dau-loi/", views.marked_file, name="marked"),
]
