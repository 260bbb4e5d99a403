"""Audit trail of a person: their record, service records, extensions and board seats
(chqs.history does the reading; masking hides CCCD, phone and address from commanders)."""

from chqs.history import Source, history_entries, mask, mask_address

from .models import BoardAppointment, Person, Service, ServiceExtension

__all__ = ["mask", "mask_address", "person_history"]

# Personal data (README "Dữ liệu cá nhân"): shown in full only to who keeps the records.
PRIVATE_FIELDS = frozenset({"cccd", "phone", "residence"})
MASKS = {"residence": mask_address}


def person_history(person: Person, *, private: bool = True, limit: int = 200) -> list[dict]:
    """Changes to the person, their service records, extensions and board seats.
    `private=False` masks the CCCD, phone and address (commanders read them masked)."""
    service_ids = Service.history.filter(person_id=person.pk).values("id")
    sources = [
        Source("Thông tin cá nhân", Person, Person.history.filter(id=person.pk)),
        Source(
            "Tự vệ",
            Service,
            Service.history.filter(person_id=person.pk),
            skip={"person"},
            describe=lambda row: f"Tự vệ (từ {row.joined_on:%d/%m/%Y})",
        ),
        Source(
            "Gia hạn",
            ServiceExtension,
            ServiceExtension.history.filter(service_id__in=service_ids),
            skip={"service"},
        ),
        Source(
            "Ban CHQS",
            BoardAppointment,
            BoardAppointment.history.filter(person_id=person.pk),
            skip={"person"},
        ),
    ]
    hidden = frozenset() if private else PRIVATE_FIELDS
    return history_entries(sources, hidden=hidden, masks=MASKS, limit=limit)
