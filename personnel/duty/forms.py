"""Forms of the duty pages: Vietnamese labels and errors, dates dd/mm/yyyy."""

import datetime as dt

from django import forms
from django.utils import timezone

from .models import AbsenceReason, DutyKind, UnavailabilityReason
from .planning import Pattern

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_PLAN_DAYS = 366


def date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": "Ngày không hợp lệ (dd/mm/yyyy)."},
    )


def time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm"}),
        error_messages={"invalid": "Giờ không hợp lệ (hh:mm)."},
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.birth_date:%Y}) – {obj.agency.short_name or obj.agency}"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.birth_date:%Y}) – {obj.agency.short_name or obj.agency}"


class PlannerForm(forms.Form):
    kinds = forms.ModelMultipleChoiceField(
        label="Loại trực",
        queryset=DutyKind.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Chọn ít nhất một loại trực."},
    )
    starts_on = date_field("Từ ngày")
    ends_on = date_field("Đến ngày")
    pattern = forms.ChoiceField(label="Lặp lại", choices=Pattern.CHOICES, initial=Pattern.DAILY)
    dates = forms.CharField(
        label="Danh sách ngày (khi chọn “theo danh sách ngày”)",
        required=False,
        help_text="Các ngày cách nhau bởi dấu phẩy, ví dụ: 30/04/2025, 01/05/2025",
    )
    crew_size = forms.IntegerField(
        label="Số người mỗi lượt",
        required=False,
        min_value=1,
        max_value=200,
        help_text="Để trống: theo loại trực.",
    )
    require_leader = forms.BooleanField(
        label="Mỗi lượt có một cán bộ chỉ huy (cán bộ đơn vị hoặc thành viên Ban CHQS)",
        required=False,
    )
    allowed_gender = forms.ChoiceField(
        label="Giới tính",
        required=False,
        choices=[("", "Không giới hạn"), ("M", "Chỉ nam"), ("F", "Chỉ nữ")],
    )
    place = forms.CharField(label="Địa điểm", required=False, max_length=255)

    def __init__(self, *args, province_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].queryset = DutyKind.objects.for_province(province_id)

    def clean_dates(self) -> list[dt.date]:
        out = []
        for part in self.cleaned_data["dates"].replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                out.append(dt.datetime.strptime(part, "%d/%m/%Y").date())
            except ValueError:
                raise forms.ValidationError(f"Ngày “{part}” không hợp lệ (dd/mm/yyyy).") from None
        return out

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end:
            if end < start:
                self.add_error("ends_on", "Ngày kết thúc phải sau ngày bắt đầu.")
            elif (end - start).days >= MAX_PLAN_DAYS:
                self.add_error("ends_on", "Mỗi lần lập lịch tối đa một năm.")
        if data.get("pattern") == Pattern.DATES and not data.get("dates"):
            self.add_error("dates", "Nhập các ngày cần trực.")
        return data


class TurnForm(forms.Form):
    kind = forms.ModelChoiceField(label="Loại trực", queryset=DutyKind.objects.none())
    day = date_field("Ngày bắt đầu")
    start_time = time_field("Giờ bắt đầu")
    end_day = date_field("Ngày kết thúc")
    end_time = time_field("Giờ kết thúc")
    place = forms.CharField(label="Địa điểm", required=False, max_length=255)
    officer = PersonChoice(
        label="Chỉ huy lượt trực", queryset=None, required=False, empty_label="— Chưa chọn —"
    )
    crew = PeopleChoice(
        label="Người trực",
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        error_messages={"required": "Chọn ít nhất một người trực."},
    )
    notes = forms.CharField(label="Ghi chú", required=False, max_length=255)

    def __init__(self, *args, people, province_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = DutyKind.objects.for_province(province_id)
        self.fields["officer"].queryset = people
        self.fields["crew"].queryset = people

    def clean(self):
        data = super().clean()
        if all(data.get(k) for k in ("day", "start_time", "end_day", "end_time")):
            data["starts_at"] = timezone.make_aware(
                dt.datetime.combine(data["day"], data["start_time"])
            )
            data["ends_at"] = timezone.make_aware(
                dt.datetime.combine(data["end_day"], data["end_time"])
            )
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", "Thời điểm kết thúc phải sau thời điểm bắt đầu.")
        return data


class AttendanceForm(forms.Form):
    absent = forms.BooleanField(label="Vắng mặt", required=False)
    reason = forms.ChoiceField(
        label="Lý do vắng", required=False, choices=[("", "—"), *AbsenceReason.choices]
    )
    hours = forms.DecimalField(
        label="Số giờ thực trực",
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        help_text="Để trống: cả lượt.",
        localize=True,
    )
    replaced_by = PersonChoice(
        label="Người trực thay", queryset=None, required=False, empty_label="— Không —"
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replaced_by"].queryset = people

    def clean(self):
        data = super().clean()
        if data.get("absent") and not data.get("reason"):
            self.add_error("reason", "Cần chọn lý do vắng.")
        if not data.get("absent") and data.get("replaced_by"):
            self.add_error("replaced_by", "Chỉ chọn người trực thay khi người này vắng.")
        return data


class UnavailabilityForm(forms.Form):
    starts_on = date_field("Từ ngày")
    ends_on = date_field("Đến ngày")
    reason = forms.ChoiceField(label="Lý do", choices=UnavailabilityReason.choices)
    note = forms.CharField(label="Ghi chú", required=False, max_length=255)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "Ngày kết thúc phải sau ngày bắt đầu.")
        return data


class PeriodForm(forms.Form):
    tu = date_field("Từ ngày", required=False)
    den = date_field("Đến ngày", required=False)
