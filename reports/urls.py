from django.urls import path

from .views import figures, overview, returns

app_name = "reports"
urlpatterns = [
    path("", figures.index, name="index"),
    # A return (one version) by its id; found only among the viewer's units.
    path("so/<int:pk>/", returns.return_detail, name="return"),
    path("so/<int:pk>/sua/", returns.return_edit, name="return_edit"),
    path("so/<int:pk>/trinh/", returns.return_submit, name="return_submit"),
    path("so/<int:pk>/phe-duyet/", returns.return_approve, name="return_approve"),
    path("so/<int:pk>/tra-lai/", returns.return_send_back, name="return_send_back"),
    path("so/<int:pk>/dinh-chinh/", returns.return_correct, name="return_correct"),
    path("so/<int:pk>/bao-cao.pdf", returns.return_pdf_view, name="return_pdf"),
    path("so/<int:pk>/so-sanh/", returns.return_compare, name="return_compare"),
    path("so/<int:pk>/danh-sach/", returns.annex_start, name="annex_start"),
    path("so/<int:pk>/danh-sach/tien-do/", returns.annex_progress, name="annex_progress"),
    path("so/<int:pk>/danh-sach.pdf", returns.annex_download, name="annex_download"),
    # Figures of a unit (by code) for a period label ("2023-H1"); ?ngay= the as-of date.
    path("<str:code>/<str:period>/", figures.figures, name="figures"),
    path("<str:code>/<str:period>/lap/", returns.return_create, name="return_create"),
    path("<str:code>/<str:period>/tinh-hinh/", overview.status, name="status"),
    path("<str:code>/<str:period>/ho-so/<str:metric>/", figures.records, name="records"),
    path("<str:code>/<str:period>/luot-truc/", figures.duty_records, name="duty_records"),
    path("<str:code>/<str:period>/so-lieu.json", figures.export, {"fmt": "json"}, name="json"),
    path("<str:code>/<str:period>/bao-cao.pdf", figures.export, {"fmt": "pdf"}, name="pdf"),
    path("<str:code>/<str:period>/bao-cao.xlsx", figures.export, {"fmt": "xlsx"}, name="xlsx"),
]
