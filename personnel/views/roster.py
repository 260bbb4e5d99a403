"""The roster of the user's subtree, its Excel export and its bulk actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from chqs import versions
from chqs.audit import ExportStatus, export_record
from units.models import today

from .. import exports, services
from ..filters import roster_for, summarize
from ..forms import BulkForm
from ..history import mask
from ..models import OPEN_STATUSES, ServiceStatus
from ..roster_export import XLSX_CONTENT_TYPE, export_name, roster_rows, write_roster
from ..rules import TERM_ENDING_DAYS, is_over_age
from ..scope import people
from .common import sees_private

PAGE_SIZE = 50
STATUS_LABELS = dict(ServiceStatus.choices)


class RosterPaginator(Paginator):
    """Pages of people in a fixed number of queries that stay cheap at 50.000 people:
    the count runs on the filtered people before sorting (a sort key may group by person,
    and COUNT(*) over that grouped join is slow); the page's ids come from a narrow
    sorted query, then one query fetches those rows with their agency and one prefetches
    their service records (deep pages and grouped sorts never drag wide rows along).

    Given a `key` (what identifies the list: scope, filter, sort), the count and each
    page's ids — the two scans of the people table — are kept in the process's cache
    until the people or their records change (chqs.versions: every filter and sort key
    reads data that bumps the figures' version); the rows themselves are always read."""

    def __init__(self, object_list, per_page, *, unsorted, key=None):
        super().__init__(object_list, per_page)
        self.unsorted = unsorted
        self.key = key
        self.known = versions.current([versions.FIGURES]) if key is not None else None

    def _cached(self, what: tuple, compute):
        if self.key is None:
            return compute()
        return versions.cached((*what, *self.key), [versions.FIGURES], compute, known=self.known)

    @cached_property
    def count(self) -> int:
        return self._cached(("roster-count",), self.unsorted.count)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self._cached(
            ("roster-ids", bottom, top),
            lambda: list(self.object_list.values_list("pk", flat=True)[bottom:top]),
        )
        rows = {person.pk: person for person in self.unsorted.filter(pk__in=ids)} if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def _filtered(request: HttpRequest):
    """The filter set, the filtered people and the same sorted, always inside the
    user's scope. A unit code outside the scope is a 404, as it would be in a URL."""
    roster_filter, filtered, people_qs, sort = roster_for(request.scope, request.GET)
    if roster_filter.unit_out_of_scope:
        raise Http404("Không tìm thấy đơn vị trong phạm vi của đồng chí.")
    return roster_filter, filtered, people_qs, sort


def _sort_links(unsorted, sort: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the link (a second click reverses) and its arrow."""
    links = {}
    for key in ("ten", "ngay_sinh", "co_quan", "ngay_vao"):
        query = unsorted.copy()
        query["sap_xep"] = f"-{key}" if sort == key else key
        arrow = "▲" if sort == key else "▼" if sort == f"-{key}" else ""
        links[key] = {"url": f"?{query.urlencode()}", "arrow": arrow}
    return links


def _dmy(day) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""


def _decorate(person, *, private: bool, day) -> None:
    """What a row shows, computed from what the roster query already fetched."""
    service = summarize(person).current
    person.service = service
    # Plain strings, so the row's template does no per-cell filter or URL lookup.
    person.url = reverse("personnel:person", args=[person.pk])
    born = person.birth_date
    person.born_shown = (
        "" if born is None else f"{born.year:04d}" if person.birth_year_only else _dmy(born)
    )
    person.cccd_shown = person.cccd if private else mask(person.cccd)
    person.phone_shown = person.phone if private else mask(person.phone)
    if service is not None:
        person.joined_shown = _dmy(person.first_joined_on)
        person.term_end_shown = _dmy(service.term_end)
        person.status_label = service.get_status_display()
        person.term_soon = (
            service.status == ServiceStatus.SERVING
            and 0 <= (service.term_end - day).days <= TERM_ENDING_DAYS
        )
        person.over_age = is_over_age(person, day=day, volunteer=service.volunteer)
    else:
        final = person.last_status
        person.status_label = (
            STATUS_LABELS[final] if final and final not in OPEN_STATUSES else "Chưa tham gia"
        )
        person.term_soon = person.over_age = False


@login_required
@require_safe
def roster(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    roster_filter, filtered, people_qs, sort = _filtered(request)
    # The list is the same for everyone with this scope (their unit's subtree today) and
    # this filter and sort, whoever asks: that is its key in the cache.
    listed = sorted((k, v) for k, values in request.GET.lists() if k != "page" for v in values)
    key = (*scope.key, tuple(listed))
    paginator = RosterPaginator(people_qs, PAGE_SIZE, unsorted=filtered, key=key)
    page = paginator.get_page(request.GET.get("page"))
    private, day = sees_private(scope), today()
    for person in page:
        _decorate(person, private=private, day=day)
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sap_xep", None)
    can_change = scope.can("change_people")
    bulk_form = None
    if can_change:
        bulk_form = BulkForm(
            people=people(scope),
            formations=roster_filter.form.fields["dv_tu_ve"].queryset,
            listed=roster_filter.listed_formations,
        )
    soon, old = request.GET.copy(), request.GET.copy()
    for shortcut, key in ((soon, "sap_het_han"), (old, "qua_tuoi")):
        shortcut.pop("page", None)
        shortcut[key] = "1"
    context = {
        "filter": roster_filter,
        "page": page,
        "sorts": _sort_links(unsorted, sort),
        "query": query.urlencode(),
        "soon_query": soon.urlencode(),
        "over_age_query": old.urlencode(),
        "by_agency": _by_agency(request, roster_filter, filtered),
        "can_change": can_change,
        "can_see_exports": scope.can("manage_users"),
        "bulk_form": bulk_form,
        "unit_code": request.GET.get("don_vi", ""),
        "one_agency": roster_filter.agency,  # the agency column would repeat it
        "term_days": TERM_ENDING_DAYS,
    }
    return render(request, "personnel/roster.html", context)


def _by_agency(request: HttpRequest, roster_filter, filtered) -> list[dict] | None:
    """For the lists a province or region watches (term ending soon, past the age limit)
    across agencies: how many people each agency has in the list, with a link to its own
    list. One grouped query; None when the list is one agency's or no such list."""
    if roster_filter.agency is not None or not (
        request.GET.get("sap_het_han") or request.GET.get("qua_tuoi")
    ):
        return None
    counts = (
        filtered.prefetch_related(None)
        .order_by()
        .values("agency__code", "agency__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "agency__name")
    )
    rows = []
    for row in counts:
        query = request.GET.copy()
        query.pop("page", None)
        query["don_vi"] = row["agency__code"]
        rows.append(
            {"name": row["agency__name"], "count": row["count"], "query": query.urlencode()}
        )
    return rows


@login_required
@require_safe
def roster_export(request: HttpRequest) -> HttpResponse:
    """The current filtered roster as an .xlsx in the upload layout; every export is
    recorded (chqs.audit: who, when, which filter, how many people). A big one runs as a
    background task: the user is sent to its page, with a progress bar."""
    scope = request.scope
    _, filtered, people_qs, _ = _filtered(request)
    private = sees_private(scope)
    query = request.GET.copy()
    query.pop("page", None)
    filters = dict(query.items())
    if filtered.count() > exports.INLINE_ROWS:
        record = export_record(
            user=request.user, what=exports.WHAT, filters=filters, rows=0,
            masked=not private, status=ExportStatus.QUEUED,
        )  # fmt: skip
        exports.roster_export_job.enqueue(record.pk, query.urlencode())
        return redirect("personnel:export_job", token=record.token)
    content, count = write_roster(roster_rows(people_qs, private=private))
    export_record(
        user=request.user, what=exports.WHAT, filters=filters, rows=count, masked=not private
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_name()}"'
    return response


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target else reverse("personnel:roster")


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Move the selected people to one formation, or end their service with one status
    and reason. All or nothing: one refused row and nothing is written."""
    scope = request.scope
    scope.require("change_people")
    formations = scope.formations().filter(dissolved_on__isnull=True).select_related("agency")
    form = BulkForm(request.POST, people=people(scope), formations=formations)
    back = _back(request)
    context = {"form": form, "back": back, "failures": []}
    if not form.is_valid():
        return render(request, "personnel/bulk_result.html", context)
    data = form.cleaned_data
    selected = list(data["chon"].order_by("sort_key", "pk"))
    with transaction.atomic():
        for person in selected:
            try:
                if data["action"] == BulkForm.TRANSFER:
                    services.service_transfer(
                        person=person,
                        on=data["on"],
                        formation=data["formation"],
                        decision=data["decision"],
                    )
                else:
                    services.service_change_status(
                        person=person,
                        status=data["status"],
                        on=data["on"],
                        reason=data["reason"],
                        decision=data["decision"],
                    )
            except ValidationError as exc:  # each service call is its own savepoint
                context["failures"].append({"person": person, "reasons": exc.messages})
        if context["failures"]:
            transaction.set_rollback(True)
    if context["failures"]:
        context["total"] = len(selected)
        return render(request, "personnel/bulk_result.html", context)
    if data["action"] == BulkForm.TRANSFER:
        text = f"Đã chuyển {len(selected)} người sang “{data['formation'].name}”."
    else:
        status = STATUS_LABELS[data["status"]]
        text = f"Đã ghi nhận “{status}” cho {len(selected)} người (lý do: {data['reason']})."
    messages.success(request, text)
    return redirect(back)
