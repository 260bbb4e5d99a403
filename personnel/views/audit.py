"""The record of personal-data exports (chqs.audit), for admins."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from chqs.audit import ExportRecord

PAGE_SIZE = 50


@login_required
@require_safe
def export_log(request: HttpRequest) -> HttpResponse:
    """Who exported which personal data, when, with which filter, how many rows: the
    exports of users of the admin's subtree, and those of the command line."""
    scope = request.scope
    scope.require("manage_users")
    records = ExportRecord.objects.filter(
        Q(user__unit__in=scope.units()) | Q(user__isnull=True)
    ).select_related("user")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "personnel/export_log.html", {"page": page})
