from django.core.exceptions import ValidationError

from units.models import Role
from units.scope import Scope

# Roles that read personal data (CCCD, phone) in full; others see them masked.
PRIVATE_DATA_ROLES = {Role.ADMIN, Role.STAFF, Role.CLERK}


def sees_private(scope: Scope) -> bool:
    return scope.is_admin or scope.role in PRIVATE_DATA_ROLES


def form_error(form, exc: ValidationError) -> None:
    """A refusal of personnel.services shown as the form's own error, never a traceback."""
    for message in exc.messages:
        form.add_error(None, message)
