"""Scoped access to people, built on the one scope mechanism (units.scope): a person
is visible when their current agency lies in the user's subtree."""

from django.http import Http404

from units.scope import Scope

from .models import BoardAppointment, Person, Service


def people(scope: Scope):
    return Person.objects.filter(agency__in=scope.units())


def get_person(scope: Scope, pk: int) -> Person:
    try:
        return people(scope).select_related("agency", "ethnicity").get(pk=pk)
    except (Person.DoesNotExist, ValueError):
        raise Http404("Không tìm thấy người này trong phạm vi của đồng chí.") from None


def services(scope: Scope):
    return Service.objects.filter(agency__in=scope.units())


def appointments(scope: Scope):
    return BoardAppointment.objects.filter(board__unit__in=scope.units())


def get_appointment(scope: Scope, pk: int) -> BoardAppointment:
    try:
        return appointments(scope).select_related("board__unit", "person", "position").get(pk=pk)
    except BoardAppointment.DoesNotExist:
        raise Http404("Không tìm thấy quyết định bổ nhiệm.") from None


def sees_private(scope: Scope) -> bool:
    """Personal data (CCCD, phone, address) in full: for who keeps the records of the
    people in their scope (admin, staff officers, clerks: `change_people`); commanders
    read them masked (README, "Dữ liệu cá nhân")."""
    return scope.can("change_people")
