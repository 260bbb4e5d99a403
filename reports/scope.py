"""Scoped access to returns, on the one scope mechanism (units.scope): a return is
visible when its unit lies in the user's subtree."""

from django.http import Http404

from units.scope import Scope

from .models import Return


def returns(scope: Scope):
    return Return.objects.filter(unit__in=scope.units())


def get_return(scope: Scope, pk: int) -> Return:
    try:
        return (
            returns(scope)
            .select_related("unit", "created_by", "submitted_by", "decided_by", "supersedes")
            .get(pk=pk)
        )
    except Return.DoesNotExist:
        raise Http404("Không tìm thấy báo cáo trong phạm vi của đồng chí.") from None
