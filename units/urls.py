from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .auth import LoginView

unit_patterns = [
    path("", views.unit_list, name="list"),
    path("cay/", views.tree, name="tree"),
    path("them/", views.unit_create, name="create"),
    path("<str:code>/", views.unit_detail, name="detail"),
    path("<str:code>/sua/", views.unit_edit, name="edit"),
    path("<str:code>/chuyen/", views.unit_move, name="move"),
    path("<str:code>/giai-the/", views.unit_dissolve, name="dissolve"),
    path("<str:code>/ban-chqs/", views.board_edit, name="board"),
    path("<str:code>/tu-ve/them/", views.formation_edit, name="formation_create"),
    path("<str:code>/tu-ve/<int:pk>/", views.formation_edit, name="formation_edit"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("don-vi/", include((unit_patterns, "units"))),
]
