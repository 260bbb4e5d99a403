"""Demo duty for seed_demo: six months (05/2026–10/2026, published) of turns planned by
the rota planner for every demo agency with members — combat-readiness duty on
weekends and holidays, patrols on the 1st and 15th — plus a few absences and leave, so
calendars, ledgers and tallies are not empty. Deterministic; idempotent (an agency
whose demo plan exists is left as is)."""

import datetime as dt

from django.db.models import Count

from units.models import Unit

from ..models import Service
from .models import AbsenceReason, DutyAssignment, DutyKind, DutyPlan, DutyTurn, TurnState
from .planning import Pattern, Request, plan_save, propose
from .services import turn_recount

START, END = dt.date(2026, 5, 1), dt.date(2026, 10, 31)
MIN_MEMBERS = 6


def build_duty() -> list[tuple[str, int, int, int]]:
    kinds = {k.code: k for k in DutyKind.objects.filter(province__isnull=True)}
    counts = dict(
        Service.objects.filter(ended_on__isnull=True, agency__code__startswith="CT-")
        .values_list("agency_id")
        .annotate(n=Count("id"))
    )
    agencies = Unit.objects.filter(pk__in=[pk for pk, n in counts.items() if n >= MIN_MEMBERS])
    done = set(
        DutyPlan.objects.filter(params__demo=True, unit__in=agencies).values_list(
            "unit_id", flat=True
        )
    )
    created = unchanged = 0
    for agency in agencies.order_by("code"):
        if agency.pk in done:
            unchanged += DutyTurn.objects.filter(plan__unit=agency, plan__params__demo=True).count()
            continue
        ids = [agency.pk]
        requests = [
            Request(
                unit=agency, kinds=[kinds["san-sang-chien-dau"]], starts_on=START, ends_on=END,
                pattern=Pattern.WEEKENDS, crew_size=3, require_leader=True, place="Trụ sở cơ quan",
            ),
            Request(
                unit=agency, kinds=[kinds["tuan-tra-canh-gac"]], starts_on=START, ends_on=END,
                pattern=Pattern.DATES, crew_size=4, place="Khu vực cơ quan",
                dates=[dt.date(2026, m, d) for m in range(5, 11) for d in (1, 15)],
            ),
        ]  # fmt: skip
        for req in requests:
            record = plan_save(req=req, planned=propose(req, ids))
            record.params = {**record.params, "demo": True}
            record.save(update_fields=["params"])
            turns = DutyTurn.objects.filter(plan=record)
            created += turns.update(state=TurnState.PUBLISHED)
        _absences(agency)
    return [("Lượt trực (6 tháng)", created, 0, unchanged)]


def _absences(agency: Unit) -> None:
    """Every 9th crew row of the agency's patrols: absent, for a rotating reason."""
    reasons = [AbsenceReason.AUTHORISED, AbsenceReason.SICK, AbsenceReason.OTHER_DUTY]
    rows = list(
        DutyAssignment.objects.filter(turn__unit=agency, turn__kind__code="tuan-tra-canh-gac")
        .exclude(is_officer=True)
        .order_by("turn__starts_at", "person_id")
        .select_related("turn__unit")
    )
    touched = {}
    for i, row in enumerate(rows[::9]):
        row.absent, row.absence_reason = True, reasons[i % len(reasons)]
        row.save(update_fields=["absent", "absence_reason"])
        touched[row.turn_id] = row.turn
    for turn in touched.values():
        turn_recount(turn=turn)
