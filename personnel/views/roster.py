"""The roster of the user's subtree, its Excel export and its bulk actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from chqs import versions
from chqs.audit import ExportStatus, export_record
from units.models import today

from .. import exports, services
from ..filters import DEFAULT_SORT, SORTS, roster_for, roster_queryset, summarize
from ..forms import BulkForm
from ..history import mask
from ..models import OPEN_STATUSES, Person, ServiceStatus
from ..roster_export import XLSX_CONTENT_TYPE, export_name, roster_rows, write_roster
from ..rules import TERM_ENDING_DAYS, is_over_age
from ..scope import people
from ..templatetags.roster import rows_html
from .common import sees_private

PAGE_SIZE = 50
STATUS_LABELS = dict(ServiceStatus.choices)


class RosterPaginator(Paginator):
    """Pages of people in a fixed number of queries that stay cheap at 50.000 people:
    the count runs on the filtered people before sorting (a sort key may group by person,
    and COUNT(*) over that grouped join is slow); the page's ids come from a narrow
    sorted query; the rows are fetched for those ids only (`roster_page_rows`).

    `source()` gives (the filtered people, the same sorted); it is called only when the
    count or a page's ids must be read. Given a `key` (what identifies the list: scope,
    filter, sort), both are kept in the process's cache until the people or their records
    change (chqs.versions: every filter and sort key reads data that bumps the figures'
    version). A page's items are the people's ids."""

    def __init__(self, source, per_page, *, key=None, known=None):
        super().__init__([], per_page)
        self.source = source
        self.key = key
        self.known = known

    def _cached(self, what: tuple, compute):
        if self.key is None:
            return compute()
        return versions.cached((*what, *self.key), [versions.FIGURES], compute, known=self.known)

    @cached_property
    def count(self) -> int:
        return self._cached(("roster-count",), lambda: self.source()[0].count())

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self._cached(
            ("roster-ids", bottom, top),
            lambda: list(self.source()[1].values_list("pk", flat=True)[bottom:top]),
        )
        return self._get_page(ids, number, self)


class _Roster:
    """The filter set and its querysets, built on first use: a page whose list, count
    and form all come from the cache never builds them."""

    def __init__(self, request: HttpRequest):
        self.request = request

    @cached_property
    def built(self):
        return _filtered(self.request)

    def querysets(self):
        _, filtered, people_qs, _ = self.built
        return filtered, people_qs


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


def _shell(roster: _Roster, *, can_change: bool) -> dict:
    """What the page shows around its rows that depends on the command tree, the filter
    and the user's role only: the filter form and the bulk-action form as HTML, the
    agency the list is about (None: several). Kept in the process's cache (`roster`)."""
    request = roster.request
    roster_filter = roster.built[0]
    filter_html = render_to_string(
        "personnel/_roster_filter.html",
        {"filter": roster_filter, "sort": request.GET.get("sap_xep", "")},
    )
    bulk_html = ""
    if can_change:
        bulk_form = BulkForm(
            people=people(request.scope),
            formations=roster_filter.form.fields["dv_tu_ve"].queryset,
            listed=roster_filter.listed_formations,
        )
        bulk_html = render_to_string("personnel/_roster_bulk.html", {"bulk_form": bulk_form})
    return {"filter_html": filter_html, "bulk_html": bulk_html, "agency": roster_filter.agency}


def roster_page_rows(scope, ids: list[int], *, start: int, private: bool, can_change: bool,
                     one_agency: bool, day, known: dict | None) -> str:  # fmt: skip
    """The HTML of the page's rows, for the people `ids` in that order (numbered from
    `start`). On PostgreSQL it is kept in the process's cache under the rows' own
    versions (`row_stamps`: any write to a person's row changes it, whoever makes it)
    and the data versions (service records, units, positions… bump those): a corrected
    phone number shows on the next page, and an unchanged page costs one narrow query."""

    def compute() -> str:
        rows = roster_queryset(people(scope)).filter(pk__in=ids)
        found = {person.pk: person for person in rows}
        listed = [found[pk] for pk in ids if pk in found]
        for person in listed:
            _decorate(person, private=private, day=day)
        return rows_html(listed, start=start, can_change=can_change, one_agency=one_agency)

    if not ids or known is None or None in known.values():
        return compute()
    stamps = versions.row_stamps(Person, ids)
    if stamps is None:
        return compute()
    key = ("roster-rows", *scope.key, tuple(ids), tuple(stamps.get(pk) for pk in ids),
           start, private, can_change, one_agency, day.isoformat())  # fmt: skip
    return versions.cached(key, known, compute, known=known)


@login_required
@require_safe
def roster(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    known = versions.current(versions.NAMES)
    lazy = _Roster(request)
    # The list is the same for everyone with this scope (their unit's subtree today) and
    # this filter and sort, whoever asks: that is its key in the cache.
    listed = sorted((k, v) for k, values in request.GET.lists() if k != "page" for v in values)
    key = (*scope.key, tuple(listed))
    can_change = scope.can("change_people")
    shell = versions.cached(
        ("roster-shell", *key, scope.role, scope.is_admin, can_change),
        versions.NAMES,
        lambda: None if lazy.built[0].unit_out_of_scope else _shell(lazy, can_change=can_change),
        known=known,
    )
    if shell is None:  # a unit code outside the scope, as in a URL
        raise Http404("Không tìm thấy đơn vị trong phạm vi của đồng chí.")
    paginator = RosterPaginator(lazy.querysets, PAGE_SIZE, key=key, known=known)
    page = paginator.get_page(request.GET.get("page"))
    private, day = sees_private(scope), today()
    one_agency = shell["agency"]
    rows = roster_page_rows(
        scope, list(page.object_list), start=page.start_index(), private=private,
        can_change=can_change, one_agency=one_agency is not None, day=day, known=known,
    )  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sap_xep", None)
    soon, old = request.GET.copy(), request.GET.copy()
    for shortcut, name in ((soon, "sap_het_han"), (old, "qua_tuoi")):
        shortcut.pop("page", None)
        shortcut[name] = "1"
    context = {
        "filter_html": shell["filter_html"],
        "bulk_html": shell["bulk_html"],
        "page": page,
        "rows_html": rows,
        "sorts": _sort_links(
            unsorted, sort if (sort := request.GET.get("sap_xep")) in SORTS else DEFAULT_SORT
        ),  # fmt: skip
        "query": query.urlencode(),
        "soon_query": soon.urlencode(),
        "over_age_query": old.urlencode(),
        "by_agency": _by_agency(request, one_agency, lazy),
        "can_change": can_change,
        "can_see_exports": scope.can("manage_users"),
        "unit_code": request.GET.get("don_vi", ""),
        "one_agency": one_agency,  # the agency column would repeat it
        "term_days": TERM_ENDING_DAYS,
    }
    return render(request, "personnel/roster.html", context)


def _by_agency(request: HttpRequest, agency, roster: _Roster) -> list[dict] | None:
    """For the lists a province or region watches (term ending soon, past the age limit)
    across agencies: how many people each agency has in the list, with a link to its own
    list. One grouped query; None when the list is one agency's or no such list."""
    if agency is not None or not (request.GET.get("sap_het_han") or request.GET.get("qua_tuoi")):
        return None
    filtered = roster.querysets()[0]
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
    content, count = _workbook(scope, people_qs, private=private)
    export_record(
        user=request.user, what=exports.WHAT, filters=filters, rows=count, masked=not private
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_name()}"'
    return response


def _workbook(scope, people_qs, *, private: bool) -> tuple[bytes, int]:
    """The roster's workbook and its number of people. On PostgreSQL the file is kept
    in the process's cache under the listed people's ids and row versions (one narrow
    query: `row_stamps`) and the data versions: the same list downloaded again costs
    that query, not the ~0,3 s of writing 500 rows; any change to a listed person, or a
    person joining or leaving the list, writes it anew. Each download is still
    recorded in the export log by the caller."""

    def build() -> tuple[bytes, int]:
        return write_roster(roster_rows(people_qs, private=private))

    known = versions.current(versions.NAMES)
    if None in known.values():
        return build()
    stamps = versions.stamped(people_qs.prefetch_related(None))
    if stamps is None:
        return build()
    key = ("roster-xlsx", *scope.key, private, today().isoformat(), tuple(stamps))
    return versions.cached(key, versions.NAMES, build, known=known)


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
