from django.core.exceptions import ValidationError

from units.scope import Scope


def sees_private(scope: Scope) -> bool:
    """Personal data (CCCD, phone, address) in full: for who keeps the records of the
    people in their scope (admin, staff officers, clerks: `change_people`); commanders
    read them masked (README, "Dữ liệu cá nhân")."""
    return scope.can("change_people")


def form_error(form, exc: ValidationError) -> None:
    """A refusal of personnel.services shown as the form's own error, never a traceback."""
    for message in exc.messages:
        form.add_error(None, message)
