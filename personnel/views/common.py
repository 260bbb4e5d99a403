from django.core.exceptions import ValidationError

from ..scope import sees_private

__all__ = ["form_error", "sees_private"]


def form_error(form, exc: ValidationError) -> None:
    """A refusal of personnel.services shown as the form's own error, never a traceback."""
    for message in exc.messages:
        form.add_error(None, message)
