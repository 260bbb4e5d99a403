"""The roster: its filters, its sort keys and the query behind every page and export.

Every filter on service is an `Exists` subquery, never a join: a person has many
service records, so a join would need `.distinct()` and make COUNT(*) slow at 50.000
people. One open service per person (the `one_open_service` constraint) is prefetched.
"""

import django_filters
from django import forms
from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet

from chqs import versions
from units.models import ForceKind, Formation, Unit

from .models import Gender, Person, Service, ServiceStatus, add_years
from .rules import TERM_ENDING_DAYS, over_age
from .scope import people

YES_NO = [("1", "Có"), ("0", "Không")]
NOT_SERVING = "none"
FINAL_STATUSES = [
    ServiceStatus.EXEMPT,
    ServiceStatus.RELEASED,
    ServiceStatus.REMOVED,
    ServiceStatus.COMPLETED,
]
STATUS_CHOICES = [
    (ServiceStatus.SERVING.value, ServiceStatus.SERVING.label),
    (ServiceStatus.POSTPONED.value, ServiceStatus.POSTPONED.label),
    *[(s.value, s.label) for s in FINAL_STATUSES],
    (NOT_SERVING, "Chưa tham gia tự vệ"),
]
# (lowest age, highest age) inclusive, on today's date; "khac" is everything else.
AGE_BANDS = {"18-30": (18, 30), "31-40": (31, 40), "41-45": (41, 45), "46-50": (46, 50)}
AGE_CHOICES = [(key, f"{lo}–{hi}") for key, (lo, hi) in AGE_BANDS.items()]
AGE_CHOICES.append(("khac", "Ngoài 18–50"))

# Whitelisted sort keys → order_by; the person's id breaks ties so pages do not overlap.
# Names sort the Vietnamese way (Person.sort_key: given name, middle names, family name;
# "Dũng" before "Đông"), also as the tie-break of the other sorts.
SORTS = {
    "ten": ("sort_key", "id"),
    "-ten": ("-sort_key", "-id"),
    "ngay_sinh": ("birth_date", "sort_key", "id"),
    "-ngay_sinh": ("-birth_date", "sort_key", "id"),
    "co_quan": ("agency__search_text", "sort_key", "id"),
    "-co_quan": ("-agency__search_text", "sort_key", "id"),
    "ngay_vao": ("first_joined_on", "sort_key", "id"),
    "-ngay_vao": ("-first_joined_on", "sort_key", "id"),
}
DEFAULT_SORT = "ten"


def _open_service(**conditions) -> Exists:
    return Exists(
        Service.objects.filter(person=OuterRef("pk"), ended_on__isnull=True, **conditions)
    )


def stretch_start() -> Min:
    """When the person joined for the stretch they are in now, as an aggregate over one
    LEFT JOIN (a per-person subquery costs 50.000 index probes; this is one hash join).

    A transfer closes a record the day the next opens, so the stretch is the open record
    and the transferred records no final discharge (miễn, thôi, đưa ra, hoàn thành)
    followed. NULL without an open service. `summarize` computes the same in Python.
    Group by person: use it in ORDER BY only and count the rows without it."""
    discharged_later = Service.objects.filter(
        person=OuterRef("services__person"),
        joined_on__gte=OuterRef("services__ended_on"),
        ended_on__isnull=False,
    ).exclude(status=ServiceStatus.TRANSFERRED)
    in_stretch = Q(services__ended_on__isnull=True) | (
        Q(services__status=ServiceStatus.TRANSFERRED) & ~Exists(discharged_later)
    )
    return Min("services__joined_on", filter=in_stretch)


def _is_last_status(status: str) -> Exists:
    """The person's latest record has `status` (no record joined after it). An EXISTS,
    so the database may run it as one semi-join rather than a probe per person."""
    later = Service.objects.filter(person=OuterRef("person")).filter(
        Q(joined_on__gt=OuterRef("joined_on"))
        | Q(joined_on=OuterRef("joined_on"), id__gt=OuterRef("id"))
    )
    return Exists(
        Service.objects.filter(person=OuterRef("pk"), status=status).exclude(Exists(later))
    )


def roster_queryset(people: QuerySet[Person]) -> QuerySet[Person]:
    """The people with what every roster row shows, in a fixed number of queries: the
    agency joined, the service records (formation, position, kind of force) prefetched
    in one query per page; `summarize()` reads them. No per-row subquery in the SELECT:
    SQLite would compute it for every matching row before sorting."""
    records = Service.objects.select_related(
        "formation", "position", "force_kind", "status_reason"
    ).order_by("joined_on", "id")
    return people.select_related("agency", "ethnicity").prefetch_related(
        Prefetch("services", records, to_attr="service_records")
    )


def summarize(person: Person) -> Person:
    """Set `current` (the open service or None; also as the list `open_services`),
    `first_joined_on` (as `stretch_start`) and `last_status` from the prefetched
    `service_records`, oldest first."""
    records = person.service_records
    person.current = next((s for s in records if s.ended_on is None), None)
    person.open_services = [person.current] if person.current else []  # earlier name
    person.last_status = records[-1].status if records else None
    discharges = [
        s.joined_on
        for s in records
        if s.ended_on is not None and s.status != ServiceStatus.TRANSFERRED
    ]
    stretch = [
        s.joined_on
        for s in records
        if s.ended_on is None
        or (
            s.status == ServiceStatus.TRANSFERRED
            and not any(joined >= s.ended_on for joined in discharges)
        )
    ]
    person.first_joined_on = min(stretch) if person.current and stretch else None
    return person


def apply_sort(qs: QuerySet[Person], key: str | None) -> tuple[QuerySet[Person], str]:
    key = key if key in SORTS else DEFAULT_SORT
    if "ngay_vao" in key:
        qs = qs.alias(first_joined_on=stretch_start())  # in ORDER BY only
    return qs.order_by(*SORTS[key]), key


def unit_label(name: str, code: str, dissolved_on) -> str:
    return f"{name} ({code}){' (đã giải thể)' if dissolved_on else ''}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj.name, obj.code, obj.dissolved_on)


class FormationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Formation) -> str:
        return f"{obj.name} – {obj.agency.short_name or obj.agency.name}"


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class FormationFilter(django_filters.ModelChoiceFilter):
    field_class = FormationChoiceField


class RosterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Họ tên hoặc số CCCD", method="filter_q")
    don_vi = UnitFilter(
        label="Đơn vị (cả cấp dưới)",
        queryset=Unit.objects.none(),
        to_field_name="code",
        method="filter_unit",
        empty_label="Tất cả trong phạm vi",
    )
    dv_tu_ve = FormationFilter(
        label="Đơn vị tự vệ",
        queryset=Formation.objects.none(),
        method="filter_formation",
        empty_label="Tất cả",
    )
    thanh_phan = django_filters.ModelChoiceFilter(
        label="Thành phần",
        queryset=ForceKind.objects.all(),
        method="filter_force_kind",
        empty_label="Tất cả",
    )
    tinh_trang = django_filters.ChoiceFilter(
        label="Tình trạng", choices=STATUS_CHOICES, method="filter_status", empty_label="Tất cả"
    )
    gioi_tinh = django_filters.ChoiceFilter(
        label="Giới tính", field_name="gender", choices=Gender.choices, empty_label="Tất cả"
    )
    tuoi = django_filters.ChoiceFilter(
        label="Độ tuổi", choices=AGE_CHOICES, method="filter_age", empty_label="Tất cả"
    )
    dang_vien = django_filters.ChoiceFilter(
        label="Đảng viên", choices=YES_NO, method="filter_party", empty_label="Tất cả"
    )
    doan_vien = django_filters.ChoiceFilter(
        label="Đoàn viên", choices=YES_NO, method="filter_youth", empty_label="Tất cả"
    )
    du_bi = django_filters.ChoiceFilter(
        label="Quân nhân dự bị", choices=YES_NO, method="filter_reservist", empty_label="Tất cả"
    )
    sap_het_han = django_filters.ChoiceFilter(
        label="Thời hạn",
        choices=[("1", f"Sắp hết thời hạn ({TERM_ENDING_DAYS} ngày)")],
        method="filter_term_ending",
        empty_label="Tất cả",
    )
    qua_tuoi = django_filters.ChoiceFilter(
        label="Quá tuổi",
        choices=[("1", "Đang tham gia nhưng đã quá tuổi")],
        method="filter_over_age",
        empty_label="Tất cả",
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, scope, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.scope = scope
        self.today = scope.on
        units = scope.units().select_related("kind").order_by("kind__order", "name")
        unit_field = self.form.fields["don_vi"]
        unit_field.queryset = units
        # Any formation in scope is a valid choice, but only one agency's formations are
        # listed: a province has thousands, and each <option> costs rendering time.
        formations = (
            scope.formations()
            .filter(dissolved_on__isnull=True)
            .select_related("agency")
            .order_by("agency__name", "code")
        )
        field = self.form.fields["dv_tu_ve"]
        field.queryset = formations
        code = (self.data or {}).get("don_vi")
        requested = (self.data or {}).get("dv_tu_ve", "")
        # What is listed depends on the command tree only: the same for everyone with
        # this scope, kept in the process's cache until a unit or formation changes.
        units_listed, self.agency, self.listed_formations = versions.cached(
            ("roster-choices", *scope.key, code, requested),
            [versions.UNITS],
            lambda: self._listed(units, formations, code, requested),
        )
        unit_field.widget.choices = [("", unit_field.empty_label), *units_listed]
        empty = "Tất cả" if self.agency else "Tất cả (chọn cơ quan)"
        field.widget.choices = [("", empty)] + [
            (f.pk, field.label_from_instance(f)) for f in self.listed_formations
        ]
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )

    def _listed(self, units, formations, code, requested) -> tuple[list, Unit | None, list]:
        """The unit choices, the one agency the list is about (the unit asked for, or
        the user's own) and the formations listed for it."""
        # Listed from plain values: a province has hundreds of units, and a model
        # instance for each costs more than the query.
        choices = [
            (unit_code, unit_label(name, unit_code, dissolved_on))
            for unit_code, name, dissolved_on in units.values_list("code", "name", "dissolved_on")
        ]
        unit = units.filter(code=code).first() if code else self.scope.root
        agency = unit if unit is not None and unit.kind.is_agency else None
        shown = Q(agency=agency) if agency else Q(pk__in=[])
        if requested.isdigit():
            shown |= Q(pk=int(requested))
        return choices, agency, list(formations.filter(shown))

    @property
    def unit_out_of_scope(self) -> bool:
        """A unit code that names nothing in scope: the view answers 404, as for a URL."""
        return "don_vi" in self.form.errors

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_unit(self, queryset, name, value):
        return queryset.filter(agency__in=Unit.objects.subtree(value, on=self.today))

    def filter_formation(self, queryset, name, value):
        # A platoon's roster includes its squads: walk the agency's small formation tree.
        children: dict[int | None, list[int]] = {}
        for pk, parent in Formation.objects.filter(agency_id=value.agency_id).values_list(
            "pk", "parent_id"
        ):
            children.setdefault(parent, []).append(pk)
        wanted, todo = set(), [value.pk]
        while todo:
            pk = todo.pop()
            if pk not in wanted:
                wanted.add(pk)
                todo.extend(children.get(pk, []))
        return queryset.filter(_open_service(formation_id__in=wanted))

    def filter_force_kind(self, queryset, name, value):
        return queryset.filter(_open_service(force_kind=value))

    def filter_status(self, queryset, name, value):
        if value == NOT_SERVING:
            return queryset.exclude(_open_service())
        if value in (ServiceStatus.SERVING, ServiceStatus.POSTPONED):
            return queryset.filter(_open_service(status=value))
        # A final status closed the record: it is the person's state if nothing opened since.
        return queryset.exclude(_open_service()).filter(_is_last_status(value))

    def filter_age(self, queryset, name, value):
        def born_between(lo: int, hi: int) -> Q:
            # Age a on `today` ⇔ born after today − (a+1) years and on or before today − a.
            return Q(
                birth_date__gt=add_years(self.today, -(hi + 1)),
                birth_date__lte=add_years(self.today, -lo),
            )

        if value in AGE_BANDS:
            return queryset.filter(born_between(*AGE_BANDS[value]))
        return queryset.exclude(born_between(18, 50))

    def filter_party(self, queryset, name, value):
        return queryset.filter(party_joined_on__isnull=value != "1")

    def filter_youth(self, queryset, name, value):
        return queryset.filter(youth_union_joined_on__isnull=value != "1")

    def filter_reservist(self, queryset, name, value):
        return queryset.filter(is_reservist=value == "1")

    def filter_term_ending(self, queryset, name, value):
        ending = Service.objects.term_ending_within(TERM_ENDING_DAYS, self.today)
        return queryset.filter(Exists(ending.filter(person=OuterRef("pk"))))

    def filter_over_age(self, queryset, name, value):
        past = over_age(Service.objects.open(), self.today)
        return queryset.filter(Exists(past.filter(person=OuterRef("pk"))))


def roster_for(scope, data) -> tuple["RosterFilter", QuerySet[Person], QuerySet[Person], str]:
    """The roster of `scope` filtered by `data` (a query string's QueryDict): the filter
    set (check `unit_out_of_scope`), the filtered people, the same sorted, the sort key.
    For the page, its export and the export task alike."""
    roster_filter = RosterFilter(data or None, queryset=roster_queryset(people(scope)), scope=scope)
    filtered = roster_filter.qs
    people_qs, sort = apply_sort(filtered, (data or {}).get("sap_xep"))
    return roster_filter, filtered, people_qs, sort
