"""What the import/export management commands share: look-ups and the printed preview."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from . import registry
from .engine import OUTCOME_LABELS, Preview

# import_data exit codes (also in its --help).
EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


def get_kind(code: str) -> registry.Kind:
    try:
        return registry.get_kind(code)
    except registry.UnknownKind as exc:
        raise CommandError(str(exc), returncode=EXIT_UNREADABLE) from None


def get_user(username: str | None):
    if not username:
        return None
    try:
        return get_user_model().objects.select_related("unit").get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(
            f"Không có người dùng “{username}”.", returncode=EXIT_UNREADABLE
        ) from None


def get_scope(user, capability: str):
    """The user's scope (everything when no user), refusing a role without `capability`."""
    scope = registry.scope_for(user)
    if not scope.can(capability):
        raise CommandError(
            f"Vai trò của người dùng “{user.username}” không được thực hiện việc này.",
            returncode=EXIT_UNREADABLE,
        )
    return scope


def preview_lines(result: Preview, *, filename: str, verbosity: int = 1) -> list[str]:
    """The preview as printed by import_data (the upload page shows the same facts).

    Rejected rows are all listed; changed and warned rows up to 200 (all with -v 2).
    """
    listed = 200 if verbosity < 2 else len(result.rows)
    lines = [
        f"Tệp: {filename} · trang tính “{result.sheet}” · dòng tiêu đề: {result.header_row}",
    ]
    if result.ignored_headers:
        lines.append("Cột không dùng: " + ", ".join(result.ignored_headers))
    lines.append(result.summary())
    lines.extend(result.notes)
    if result.rejected_rows:
        lines.append("")
        lines.append("Dòng bị từ chối:")
        for row in result.rejected_rows:
            label = f" ({row.label})" if row.label else ""
            for error in row.errors:
                lines.append(f"  Dòng {row.number}{label}, {error}")
    changed = result.changed_rows
    if verbosity >= 1 and changed:
        lines.append("")
        lines.append("Đã thay đổi:" if result.applied else "Sẽ thay đổi:")
        for row in changed[:listed]:
            detail = f": {'; '.join(row.changes)}" if row.changes else ""
            outcome = OUTCOME_LABELS[row.final_outcome]
            lines.append(f"  Dòng {row.number} · {outcome} · {row.label}{detail}")
        if len(changed) > listed:
            lines.append(f"  … và {len(changed) - listed} dòng nữa (-v 2: liệt kê hết).")
    warned = [row for row in result.rows if row.warnings and not row.errors]
    if verbosity >= 1 and warned:
        lines.append("")
        lines.append("Lưu ý:")
        for row in warned[:listed]:
            for warning in row.warnings:
                lines.append(f"  Dòng {row.number} ({row.label}): {warning}")
        if len(warned) > listed:
            lines.append(f"  … và {len(warned) - listed} dòng nữa (-v 2: liệt kê hết).")
    return lines
