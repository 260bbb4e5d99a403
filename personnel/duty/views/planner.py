"""The planner page: ask, see the proposal with its explanation, save it as drafts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from chqs.text import name_sort_key
from units.models import today

from ..forms import PlannerForm
from ..planning import Request, counts, plan_save, propose
from ..scope import PLAN
from .common import province_id, subtree_ids


@login_required
def planner(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.scope
    unit = scope.get_unit(code)
    scope.require(PLAN)
    first = today().replace(day=1)
    form = PlannerForm(
        request.POST or None,
        province_id=province_id(unit),
        initial={"starts_on": first, "ends_on": first.replace(day=28)},
    )
    proposal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        req = Request(
            unit=unit,
            kinds=list(data["kinds"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            pattern=data["pattern"],
            dates=data["dates"],
            crew_size=data["crew_size"],
            require_leader=data["require_leader"],
            allowed_gender=data["allowed_gender"],
            place=data["place"],
        )
        proposal = propose(req, subtree_ids(scope, unit))
        if request.POST.get("action") == "save":
            plan_save(req=req, planned=proposal, user=request.user)
            messages.success(
                request,
                f"Đã lưu {len(proposal)} lượt trực dự kiến. Kiểm tra, điều chỉnh rồi ban hành.",
            )
            url = reverse("duty:month", kwargs={"code": unit.code})
            return redirect(f"{url}?thang={req.starts_on:%Y-%m}")
    tally = sorted(
        counts(proposal or []).values(), key=lambda r: (-r["turns"], name_sort_key(r["name"]))
    )
    return render(
        request,
        "duty/planner.html",
        {
            "unit": unit,
            "form": form,
            "proposal": proposal,
            "tally": tally,
            "shortfall": sum(p.shortfall for p in proposal or []),
        },
    )
