"""Writes on people and their service. Each function is one transaction and states
its contract; a refused rule raises ValidationError with the Vietnamese reasons."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from units.models import Formation, Unit

from . import rules
from .models import (
    OPEN_STATUSES,
    Person,
    Service,
    ServiceExtension,
    ServicePosition,
    ServiceStatus,
    StatusReason,
    add_years,
)


def _raise(verdict: rules.Verdict) -> None:
    if verdict.errors:
        raise ValidationError(verdict.errors)


def _force_kind_for(formation: Formation | None, force_kind):
    if formation is not None:
        return formation.force_kind
    if force_kind is None:
        raise ValidationError("Cần thành phần lực lượng khi chưa xếp vào đơn vị tự vệ.")
    return force_kind


@transaction.atomic
def service_open(
    *,
    person: Person,
    joined_on: dt.date,
    position: ServicePosition,
    formation: Formation | None = None,
    force_kind=None,
    term_end: dt.date | None = None,
    volunteer: bool = False,
    decision: str = "",
) -> tuple[Service, list[str]]:
    """Open a service for a person with no open service. The formation, if given, must
    belong to the person's agency; without one, the kind of force is required (a clerk's
    list often names no squad). Returns the service and the warnings."""
    if Service.objects.select_for_update().filter(person=person, ended_on__isnull=True).exists():
        raise ValidationError(f"{person} đang có một quá trình tham gia tự vệ chưa kết thúc.")
    if formation is not None and formation.agency_id != person.agency_id:
        raise ValidationError("Đơn vị tự vệ không thuộc cơ quan của người này.")
    verdict = rules.check_joining(
        person=person, joined_on=joined_on, volunteer=volunteer, position=position
    )
    if term_end is None:
        # Four years (Điều 9), cut short at the age limit: never past it.
        term_end = add_years(joined_on, 4)
        last_day = rules.last_day_of_age(person, volunteer)
        if verdict.ok and joined_on < last_day < term_end:
            term_end = last_day
            verdict.warnings.append(
                f"Thời hạn rút ngắn đến {last_day:%d/%m/%Y} (hết độ tuổi tham gia)."
            )
    verdict.extend(
        rules.check_term_end(
            person=person, joined_on=joined_on, term_end=term_end, volunteer=volunteer
        )
    )
    _raise(verdict)
    service = Service.objects.create(
        person=person,
        agency_id=person.agency_id,
        formation=formation,
        position=position,
        force_kind=_force_kind_for(formation, force_kind),
        joined_on=joined_on,
        term_end=term_end,
        volunteer=volunteer,
        status=ServiceStatus.SERVING,
        status_on=joined_on,
        decision=decision,
    )
    return service, verdict.warnings


def _open_service(person: Person) -> Service:
    service = Service.objects.select_for_update().filter(person=person, ended_on=None).first()
    if service is None:
        raise ValidationError(f"{person} không có quá trình tham gia tự vệ đang mở.")
    return service


@transaction.atomic
def service_change_status(
    *,
    person: Person,
    status: str,
    on: dt.date,
    reason: StatusReason | None,
    decision: str = "",
) -> Service:
    """Postpone, resume, exempt, release, remove or complete. Every status except
    serving needs a legal reason of that status; final ones close the record on `on`."""
    service = _open_service(person)
    if status not in ServiceStatus.values or status == ServiceStatus.TRANSFERRED:
        raise ValidationError("Tình trạng không hợp lệ.")
    if status != ServiceStatus.SERVING:
        if reason is None:
            raise ValidationError("Cần chọn lý do theo quy định.")
        if reason.status != status:
            raise ValidationError(f"Lý do “{reason}” không thuộc tình trạng đã chọn.")
    if on < service.joined_on:
        raise ValidationError("Ngày thay đổi không thể trước ngày vào tự vệ.")
    service.status = status
    service.status_on = on
    service.status_reason = reason
    service.decision = decision or service.decision
    if status not in OPEN_STATUSES:
        service.ended_on = on if on > service.joined_on else service.joined_on + dt.timedelta(1)
    service.save()
    return service


@transaction.atomic
def service_transfer(
    *,
    person: Person,
    on: dt.date,
    formation: Formation | None = None,
    agency: Unit | None = None,
    position: ServicePosition | None = None,
    decision: str = "",
) -> Service:
    """Move a member to another formation (or agency): the open record closes on `on`
    with status "chuyển đơn vị", the next opens the same day. Nothing is overwritten."""
    current = _open_service(person)
    if on <= current.joined_on:
        raise ValidationError("Ngày chuyển phải sau ngày bắt đầu của quá trình hiện tại.")
    target_agency = agency or (formation.agency if formation else person.agency)
    if formation is not None and formation.agency_id != target_agency.pk:
        raise ValidationError("Đơn vị tự vệ không thuộc cơ quan được chọn.")
    if (
        formation == current.formation
        and target_agency.pk == current.agency_id
        and position in (None, current.position)
    ):
        raise ValidationError("Không có gì thay đổi so với quá trình hiện tại.")
    transferred = StatusReason.objects.filter(status=ServiceStatus.TRANSFERRED).first()
    current.status = ServiceStatus.TRANSFERRED
    current.status_on = on
    current.status_reason = transferred
    current.ended_on = on
    current.save()
    if target_agency.pk != person.agency_id:
        person.agency = target_agency
        person.save(update_fields=["agency"])
    return Service.objects.create(
        person=person,
        agency=target_agency,
        formation=formation,
        position=position or current.position,
        force_kind=formation.force_kind if formation else current.force_kind,
        joined_on=on,
        term_end=current.term_end if current.term_end > on else on + dt.timedelta(1),
        volunteer=current.volunteer,
        status=ServiceStatus.SERVING,
        status_on=on,
        decision=decision,
    )


@transaction.atomic
def service_extend(
    *, person: Person, new_end: dt.date, decision: str, decided_on: dt.date
) -> tuple[ServiceExtension, list[str]]:
    """Extend the open term (Điều 9.2) by decision of the agency head; never past the
    age limit. Returns the extension and the warnings."""
    service = _open_service(person)
    if not decision.strip():
        raise ValidationError("Cần số quyết định gia hạn.")
    if new_end <= service.term_end:
        raise ValidationError(f"Hạn mới phải sau hạn hiện tại ({service.term_end:%d/%m/%Y}).")
    verdict = rules.check_term_end(
        person=person,
        joined_on=service.joined_on,
        term_end=new_end,
        volunteer=service.volunteer,
    )
    _raise(verdict)
    extension = ServiceExtension.objects.create(
        service=service,
        decision=decision,
        decided_on=decided_on,
        previous_end=service.term_end,
        new_end=new_end,
    )
    service.term_end = new_end
    service.save(update_fields=["term_end"])
    return extension, verdict.warnings
