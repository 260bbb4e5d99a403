"""Forms of the personnel pages: Vietnamese labels and errors, dates as dd/mm/yyyy.

Choices are always handed in by the view from the user's scope: a form never lists
agencies or formations the user may not see.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from chqs import versions
from units.forms import BootstrapMixin, date_field
from units.models import BoardPositionKind, ForceKind, Formation, Unit, today

from .filters import FINAL_STATUSES, FormationChoiceField
from .models import (
    CCCD_VALIDATOR,
    Ethnicity,
    Gender,
    Person,
    ServicePosition,
    ServiceStatus,
    StatusReason,
)

HEALTH_CHOICES = [("", "—"), *[(grade, f"Loại {grade}") for grade in range(1, 7)]]
STATUS_LABELS = dict(ServiceStatus.choices)
OUT_OF_SCOPE_FORMATION = (
    "Đơn vị tự vệ không tồn tại, đã giải thể hoặc nằm ngoài phạm vi quản lý của đồng chí."
)


class AgencyChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Lựa chọn không hợp lệ: cơ quan không tồn tại hoặc nằm ngoài phạm vi "
        "quản lý của đồng chí."
    }

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.code})"


def clean_cccd(value: str) -> str:
    """Digits only: clerks type "092 090 000 123" or "092.090.000.123"."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    CCCD_VALIDATOR(digits)
    return digits


def grouped_reasons(reasons) -> list:
    """Reasons as <optgroup>s by status, so the list reads like the law (Điều 11–13)."""
    groups: dict[str, list] = {}
    for reason in reasons:
        groups.setdefault(STATUS_LABELS[reason.status], []).append((reason.pk, reason.name))
    return [("", "— Chọn lý do —"), *groups.items()]


def grouped_formations(formations, home: Unit) -> list:
    """Formations as <optgroup>s by agency, the person's own agency first."""
    groups: dict[Unit, list] = {}
    for formation in formations:
        groups.setdefault(formation.agency, []).append((formation.pk, formation.name))
    ordered = sorted(groups.items(), key=lambda item: (item[0].pk != home.pk, item[0].name))
    return [("", "— Chọn đơn vị tự vệ —"), *((a.name, items) for a, items in ordered)]


class PersonForm(BootstrapMixin, forms.ModelForm):
    agency = AgencyChoiceField(label="Cơ quan, tổ chức", queryset=Unit.objects.none())
    # Longer than the 12 digits stored: clerks type "092 090 000 123"; clean_cccd trims.
    cccd = forms.CharField(
        label="Số CCCD",
        max_length=20,
        help_text="12 chữ số; CMND cũ 9 chữ số vẫn được nhận nhưng cần cập nhật.",
    )
    birth_date = date_field("Ngày sinh")
    party_joined_on = date_field("Ngày vào Đảng", required=False)
    party_official_on = date_field("Ngày chính thức (Đảng)", required=False)
    youth_union_joined_on = date_field("Ngày vào Đoàn", required=False)
    health_grade = forms.TypedChoiceField(
        label="Sức khỏe (loại)", choices=HEALTH_CHOICES, coerce=int, required=False,
        empty_value=None,
    )  # fmt: skip
    # The record's version when the form was opened (its latest history id): a save over
    # a newer version is refused, never silently overwrites (optimistic concurrency).
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "agency", "full_name", "birth_date", "birth_year_only", "gender", "cccd",
            "ethnicity", "religion", "hometown", "residence", "education", "qualification",
            "party_joined_on", "party_official_on", "youth_union_joined_on", "job_title",
            "phone", "is_reservist", "reservist_assigned", "health_grade", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "education": "Ví dụ: 12/12.",
            "birth_year_only": "Hồ sơ chỉ ghi năm sinh: nhập ngày 01/01 của năm đó.",
        }

    def __init__(self, *args, scope, agencies, fixed_agency: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        field = self.fields["agency"]
        field.queryset = agencies
        if self.instance.pk:  # keep the current agency choosable even if since dissolved
            field.queryset = Unit.objects.filter(
                Q(pk__in=agencies.values("pk")) | Q(pk=self.instance.agency_id)
            ).order_by("name")
        if fixed_agency is not None:
            field.queryset = Unit.objects.filter(pk=fixed_agency.pk)
            field.initial = fixed_agency.pk
            field.disabled = True
        if self.instance.pk and self.instance.services.filter(ended_on__isnull=True).exists():
            field.disabled = True
            field.help_text = (
                "Người này đang tham gia tự vệ: chuyển cơ quan bằng thao tác “Điều chuyển”."
            )
        self.fields["gender"].choices = [("", "— Chọn —"), *Gender.choices]
        self.fields["ethnicity"].queryset = Ethnicity.objects.all()
        self.fields["ethnicity"].empty_label = "—"
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("ethnicity", Ethnicity.objects.filter(code=1).first())
        self.current_version = person_version(self.instance) if self.instance.pk else None
        self.fields["version"].initial = self.current_version
        # The two long lists, as (value, label), kept in the process's cache: a model
        # instance per <option> cost more than the rest of the form. The querysets still
        # check what is submitted.
        fixed = fixed_agency.pk if fixed_agency is not None else None
        agency_key = ("person-form-agencies", *scope.key, self.instance.agency_id, fixed)
        _listed_choices(self.fields["agency"], agency_key, versions.UNITS)
        _listed_choices(self.fields["ethnicity"], ("person-form-ethnicities",), versions.FIGURES)

    def clean_cccd(self) -> str:
        cccd = clean_cccd(self.cleaned_data.get("cccd", ""))
        other = (
            Person.objects.filter(cccd=cccd)
            .exclude(pk=self.instance.pk)
            .select_related("agency")
            .first()
        )
        if other is not None:
            if self.scope.contains(other.agency):
                raise ValidationError(
                    format_html(
                        'Số CCCD này đã có trong hệ thống: <a href="{}">{}</a> ({}).',
                        reverse("personnel:person", args=[other.pk]),
                        other.full_name,
                        other.agency.name,
                    )
                )
            # Outside the user's subtree: neither the person nor the agency is named.
            raise ValidationError(
                "Số CCCD này đã có trong hệ thống và đã thuộc một cơ quan khác, ngoài phạm vi "
                "quản lý của đồng chí. Nếu người này chuyển công tác đến, đề nghị cơ quan "
                "quân sự cấp trên thực hiện điều chuyển."
            )
        return cccd

    @property
    def legacy_id_warning(self) -> str | None:
        if len(self.cleaned_data.get("cccd", "")) == 9:
            return "Số CMND cũ 9 chữ số: cần cập nhật số CCCD 12 chữ số."
        return None

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("version") != self.current_version:
            self._refuse_stale_version(data.get("version"))
            return data
        born = data.get("birth_date")
        if born and born > today():
            self.add_error("birth_date", "Ngày sinh không thể ở tương lai.")
        joined, official = data.get("party_joined_on"), data.get("party_official_on")
        if official and not joined:
            self.add_error("party_joined_on", "Có ngày chính thức thì cần ngày vào Đảng.")
        elif joined and official and official < joined:
            self.add_error("party_official_on", "Ngày chính thức phải sau ngày vào Đảng.")
        if data.get("reservist_assigned") and not data.get("is_reservist"):
            self.add_error("reservist_assigned", "Chỉ quân nhân dự bị mới được xếp đơn vị dự bị.")
        return data

    def _refuse_stale_version(self, opened: str | None) -> None:
        """Someone saved the record since this form was opened: nothing is saved; the
        message says who, when and what. The form comes back on the newer version: the
        fields only the other person changed show their new value, the fields this user
        changed keep what was typed (said by name when both changed the same field), so a
        second "Lưu", after reading, saves knowingly and undoes nobody's work."""
        newer = Person.history.filter(id=self.instance.pk).select_related("history_user")
        base = None
        if opened and opened.isdigit():
            newer = newer.filter(history_id__gt=int(opened))
            base = Person.history.filter(id=self.instance.pk, history_id=int(opened)).first()
        latest = newer.order_by("-history_id").first()
        who, when = "người khác", ""
        if latest is not None:
            if latest.history_user is not None:
                who = latest.history_user.get_full_name() or latest.history_user.username
            when = f" lúc {timezone.localtime(latest.history_date):%H:%M ngày %d/%m/%Y}"
        taken, both = self._rebase(base) if base is not None else ([], [])
        message = (
            f"Hồ sơ này vừa được {who} sửa{when}, sau khi đồng chí mở trang này. Thay đổi "
            "của đồng chí CHƯA được lưu."
        )
        if taken:
            message += f" Đã cập nhật theo bản mới: {', '.join(taken)}."
        if both:
            message += (
                f" Cả hai cùng sửa: {', '.join(both)} — đang giữ nội dung đồng chí nhập, hãy "
                "kiểm tra."
            )
        message += " Xem lại rồi bấm “Lưu” lần nữa để ghi."
        self.add_error(None, message)
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = self.current_version

    def _rebase(self, base) -> tuple[list[str], list[str]]:
        """Put the newer value in the fields this user left as they were in `base` (the
        version the form was opened on). Returns the labels of the fields taken from the
        newer version, and of those both users changed."""
        current = Person.objects.get(pk=self.instance.pk)
        data = self.data.copy()
        taken, both = [], []
        for name in self._meta.fields:
            field = self.fields[name]
            attname = Person._meta.get_field(name).attname
            was, now = getattr(base, attname), getattr(current, attname)
            if field.disabled or was == now:
                continue
            typed = self.cleaned_data.get(name, _UNREAD)
            typed = getattr(typed, "pk", typed)
            label = str(field.label)
            if typed is not _UNREAD and (typed or None) == (now or None):
                continue  # both wrote the same
            if typed is _UNREAD or (typed or None) != (was or None):
                both.append(label)
                continue
            key = self.add_prefix(name)
            if isinstance(field.widget, forms.CheckboxInput):
                if now:
                    data[key] = "on"
                else:
                    data.pop(key, None)
            else:
                shown = field.widget.format_value(field.prepare_value(now))
                if isinstance(shown, list):  # a select's chosen values
                    shown = shown[0] if shown else None
                data[key] = "" if shown is None else str(shown)
            taken.append(label)
        self.data = data
        return taken, both


_UNREAD = object()


def _listed_choices(field: forms.ModelChoiceField, key: tuple, version: str) -> None:
    """Give `field`'s <select> its options from the cache (under `version`), as the
    field's own iterator would list them."""
    listed = versions.cached(
        key, [version], lambda: [(obj.pk, field.label_from_instance(obj)) for obj in field.queryset]
    )
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *listed]


def person_version(person: Person) -> str:
    """The version of a person's record: the id of its latest history row ("0" if none)."""
    latest = (
        Person.history.filter(id=person.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return str(latest or 0)


class JoinForm(BootstrapMixin, forms.Form):
    position = forms.ModelChoiceField(
        label="Chức vụ tự vệ", queryset=ServicePosition.objects.all(), empty_label=None
    )
    formation = forms.ModelChoiceField(
        label="Đơn vị tự vệ", queryset=Formation.objects.none(), required=False,
        empty_label="— Chưa xếp vào đơn vị tự vệ —",
        error_messages={"invalid_choice": "Đơn vị tự vệ không thuộc cơ quan của người này."},
    )  # fmt: skip
    force_kind = forms.ModelChoiceField(
        label="Thành phần (khi chưa xếp đơn vị)", queryset=ForceKind.objects.all(),
        required=False, empty_label="— Theo đơn vị tự vệ —",
    )  # fmt: skip
    joined_on = date_field("Ngày vào tự vệ", initial=today)
    term_end = date_field("Hết thời hạn", required=False)
    volunteer = forms.BooleanField(label="Tình nguyện (quá tuổi quy định)", required=False)
    decision = forms.CharField(label="Quyết định", max_length=120, required=False)

    def __init__(self, *args, agency: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formation"].queryset = Formation.objects.filter(
            agency=agency, dissolved_on__isnull=True
        ).order_by("code")
        term_end, decision = self.fields["term_end"], self.fields["decision"]
        term_end.help_text = "Để trống: 4 năm kể từ ngày vào (Luật DQTV Điều 9), không quá độ tuổi."
        decision.help_text = "Số, ngày quyết định kết nạp (nếu có)."

    def clean(self):
        data = super().clean()
        if not data.get("formation") and not data.get("force_kind"):
            self.add_error("force_kind", "Chọn thành phần khi chưa xếp vào đơn vị tự vệ.")
        return data


class StatusForm(BootstrapMixin, forms.Form):
    """One status at a time (chosen on the previous step), so the reasons listed are
    exactly the legal reasons of that status."""

    reason = forms.ModelChoiceField(
        label="Lý do theo quy định",
        queryset=StatusReason.objects.none(),
        empty_label="— Chọn lý do —",
        error_messages={
            "required": "Chọn lý do theo quy định.",
            "invalid_choice": "Lý do này không thuộc tình trạng đã chọn.",
        },
    )
    on = date_field("Ngày thay đổi", initial=today)
    decision = forms.CharField(label="Quyết định", max_length=120, required=False)

    def __init__(self, *args, status: str, **kwargs):
        super().__init__(*args, **kwargs)
        if status == ServiceStatus.SERVING:
            del self.fields["reason"]  # resuming after a postponement needs no reason
        else:
            reasons = StatusReason.objects.filter(status=status)
            self.fields["reason"].queryset = reasons
            self.fields["reason"].label_from_instance = lambda r: (
                f"{r.name} ({r.legal_basis})" if r.legal_basis else r.name
            )


class TransferForm(BootstrapMixin, forms.Form):
    formation = FormationChoiceField(
        label="Chuyển đến đơn vị tự vệ",
        queryset=Formation.objects.none(),
        error_messages={
            "required": "Chọn đơn vị tự vệ cần chuyển đến.",
            "invalid_choice": OUT_OF_SCOPE_FORMATION,
        },
    )
    on = date_field("Từ ngày", initial=today)
    position = forms.ModelChoiceField(
        label="Chức vụ tự vệ mới", queryset=ServicePosition.objects.all(), required=False,
        empty_label="— Giữ nguyên chức vụ —",
    )  # fmt: skip
    decision = forms.CharField(label="Quyết định", max_length=120, required=False)

    def __init__(self, *args, formations, home: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["formation"]
        field.queryset = formations
        field.widget.choices = grouped_formations(formations, home)


class ExtendForm(BootstrapMixin, forms.Form):
    new_end = date_field("Hạn mới")
    decision = forms.CharField(label="Số quyết định gia hạn", max_length=120)
    decided_on = date_field("Ngày quyết định", initial=today)


class BulkForm(BootstrapMixin, forms.Form):
    TRANSFER, DISCHARGE = "dieu_chuyen", "ket_thuc"
    action = forms.ChoiceField(
        label="Thao tác",
        choices=[("", "— Chọn thao tác —"), (TRANSFER, "Chuyển sang đơn vị tự vệ"),
                 (DISCHARGE, "Kết thúc tham gia (cùng một lý do)")],
    )  # fmt: skip
    chon = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        error_messages={
            "required": "Chưa chọn người nào trong danh sách.",
            "invalid_choice": "Có người đã chọn không thuộc phạm vi quản lý của đồng chí.",
            "invalid_pk_value": "Danh sách người đã chọn không hợp lệ.",
        },
    )
    formation = FormationChoiceField(
        label="Đơn vị tự vệ", queryset=Formation.objects.none(), required=False,
        empty_label="— Chọn đơn vị —",
        error_messages={"invalid_choice": OUT_OF_SCOPE_FORMATION},
    )  # fmt: skip
    status = forms.ChoiceField(
        label="Tình trạng", required=False,
        choices=[("", "— Chọn —"), *[(s.value, s.label) for s in FINAL_STATUSES]],
    )  # fmt: skip
    reason = forms.ModelChoiceField(
        label="Lý do", queryset=StatusReason.objects.filter(status__in=FINAL_STATUSES),
        required=False,
    )  # fmt: skip
    on = date_field("Ngày", initial=today)
    decision = forms.CharField(label="Quyết định", max_length=120, required=False)

    def __init__(self, *args, people, formations, listed=None, **kwargs):
        """`formations` are valid choices; `listed`, if given, the ones offered."""
        super().__init__(*args, **kwargs)
        self.fields["chon"].queryset = people
        self.fields["chon"].widget = forms.MultipleHiddenInput()
        field = self.fields["formation"]
        field.queryset = formations
        if listed is not None:
            empty = "— Chọn đơn vị —" if listed else "— Lọc theo một cơ quan để chọn —"
            field.widget.choices = [("", empty)] + [
                (f.pk, field.label_from_instance(f)) for f in listed
            ]
        self.fields["reason"].widget.choices = grouped_reasons(self.fields["reason"].queryset)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.TRANSFER and not data.get("formation"):
            self.add_error("formation", "Chọn đơn vị tự vệ cần chuyển đến.")
        if data.get("action") == self.DISCHARGE:
            status, reason = data.get("status"), data.get("reason")
            if not status:
                self.add_error("status", "Chọn tình trạng.")
            if not reason:
                self.add_error("reason", "Chọn lý do theo quy định.")
            elif status and reason.status != status:
                self.add_error("reason", f"Lý do “{reason}” không thuộc tình trạng đã chọn.")
        return data


class PersonOfAgencyField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Lựa chọn không hợp lệ: người này không có trong danh sách nhân sự "
        "của cơ quan."
    }

    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} ({obj.birth_date:%Y})"


class AppointmentProposeForm(BootstrapMixin, forms.Form):
    """A proposal for a Ban CHQS seat; `people` are the agency's staff list (from scope)."""

    position = forms.ModelChoiceField(
        label="Chức vụ",
        queryset=BoardPositionKind.objects.all(),
        empty_label="— Chọn chức vụ —",
        error_messages={"invalid_choice": "Lựa chọn không hợp lệ: chức vụ không tồn tại."},
    )
    person = PersonOfAgencyField(
        label="Người đảm nhiệm", queryset=Person.objects.none(), empty_label="— Chọn người —"
    )
    starts_on = date_field("Từ ngày", initial=today)
    decision_number = forms.CharField(label="Số quyết định", max_length=60, required=False)
    decision_date = date_field("Ngày quyết định", required=False)
    confirm = forms.BooleanField(
        label="Xác nhận ngay (đã có quyết định)", required=False, initial=False
    )

    def __init__(self, *args, people, may_confirm: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        if not may_confirm:
            del self.fields["confirm"]


class AppointmentEndForm(BootstrapMixin, forms.Form):
    on = date_field("Ngày thôi giữ chức vụ", initial=today)
    reason = forms.CharField(
        label="Lý do",
        max_length=255,
        help_text="Ví dụ: nghỉ hưu, chuyển công tác, theo Quyết định số ...",
    )
