from django.urls import path
from django.views.generic import TemplateView

app_name = "imports"
# Placeholder until the import framework lands (replaced by chqs/imports/views.py).
urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="index"),
]
