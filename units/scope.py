"""The one place that decides what a user may see and change.

Every view starts from `request.scope`: list views from `scope.units()` (already
restricted to the user's subtree), detail views from `scope.get_unit(code)`, which
answers 404 for anything outside it — never 403, so nothing leaks about another
unit's existence. A write the role may not do is a 403 (`scope.require(...)`).
"""

import datetime as dt
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import SimpleLazyObject

from .models import Formation, Role, Unit, UnitQuerySet, today

# What each role may do inside its subtree.
CAPABILITIES: dict[str, set[str]] = {
    Role.ADMIN: {"view", "change_structure", "change_people", "approve", "manage_users"},
    Role.STAFF: {"view", "change_structure", "change_people"},
    Role.CLERK: {"view", "change_people"},
    Role.COMMANDER: {"view", "approve"},
}

CAPABILITY_LABELS = {
    "change_structure": "thay đổi tổ chức (đơn vị, Ban CHQS, đơn vị tự vệ)",
    "change_people": "thay đổi danh sách nhân sự",
    "approve": "phê duyệt báo cáo",
    "manage_users": "quản lý tài khoản",
}


class Scope:
    def __init__(self, user, on: dt.date | None = None):
        self.user = user
        self.on = on or today()

    @property
    def role(self) -> str | None:
        return getattr(self.user, "role", None) if self.user.is_authenticated else None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN or bool(getattr(self.user, "is_superuser", False))

    def can(self, capability: str) -> bool:
        if not self.user.is_authenticated:
            return False
        if self.is_admin:
            return True
        return capability in CAPABILITIES.get(self.role, set())

    def require(self, capability: str) -> None:
        """403 when the role may not do this at all (the object is already in scope)."""
        if not self.can(capability):
            raise PermissionDenied(
                f"Vai trò của đồng chí không được {CAPABILITY_LABELS.get(capability, capability)}."
            )

    @cached_property
    def root(self) -> Unit | None:
        return getattr(self.user, "unit", None)

    @property
    def key(self) -> tuple:
        """What `units()` depends on, as part of a cache key (chqs.versions): everyone
        with the same unit (every admin) sees the same units on the same day."""
        return ("all" if self.is_admin else getattr(self.root, "pk", None), self.on.isoformat())

    def units(self) -> UnitQuerySet:
        """All units this user may see: their unit's subtree today (admins: all)."""
        if not self.user.is_authenticated:
            return Unit.objects.none()
        if self.is_admin:
            return Unit.objects.all()
        if self.root is None:
            return Unit.objects.none()
        return Unit.objects.subtree(self.root, on=self.on)

    @cached_property
    def unit_ids(self) -> set[int]:
        return set(self.units().values_list("id", flat=True))

    def contains(self, unit: Unit | None) -> bool:
        return unit is not None and (self.is_admin or unit.pk in self.unit_ids)

    def get_unit(self, code: str) -> Unit:
        try:
            return self.units().select_related("kind", "agency_type").get(code=code)
        except Unit.DoesNotExist:
            raise Http404("Không tìm thấy đơn vị trong phạm vi của đồng chí.") from None

    def formations(self) -> QuerySet[Formation]:
        return Formation.objects.filter(agency__in=self.units())

    def get_formation(self, unit: Unit, pk: int) -> Formation:
        try:
            return self.formations().get(agency=unit, pk=pk)
        except Formation.DoesNotExist:
            raise Http404("Không tìm thấy đơn vị tự vệ.") from None


class ScopeMiddleware:
    """Attaches `request.scope`, built lazily after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: Scope(request.user))
        return self.get_response(request)
