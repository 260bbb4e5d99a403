"""Forms of the training pages: Vietnamese labels and errors, dates as dd/mm/yyyy.
Choices of units come from the view, out of the user's scope."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from personnel.forms import AgencyChoiceField
from units.forms import BootstrapMixin, date_field
from units.models import Unit, today

from .models import Audience, Course, TrainingPlan
from .services import course_dates_check


class PlanForm(BootstrapMixin, forms.ModelForm):
    organiser = AgencyChoiceField(label="Đơn vị tổ chức", queryset=Unit.objects.none())

    class Meta:
        model = TrainingPlan
        fields = ["year", "organiser", "title", "decision", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        self.fields["year"].initial = today().year
        self.fields["year"].error_messages["min_value"] = "Năm không hợp lệ."

    def validate_unique(self):
        try:
            super().validate_unique()
        except ValidationError:
            self.add_error("year", "Đơn vị này đã có kế hoạch huấn luyện cho năm này.")


class CourseForm(BootstrapMixin, forms.ModelForm):
    starts_on = date_field("Từ ngày")
    ends_on = date_field("Đến ngày")
    sessions = forms.CharField(
        label="Các đợt (nếu học nhiều đợt)", required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Mỗi dòng một đợt: “dd/mm/yyyy - dd/mm/yyyy”.",
    )  # fmt: skip

    class Meta:
        model = Course
        fields = ["code", "name", "audience", "starts_on", "ends_on", "days", "place"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = Audience.objects.all()
        self.fields["audience"].empty_label = None
        self.fields["code"].error_messages["unique"] = "Mã lớp này đã có."
        self.fields["days"].error_messages["min_value"] = "Số ngày tối thiểu là 0,5."
        self.fields["days"].localize = True
        self.fields["days"].widget.is_localized = True
        if self.instance.pk:
            self.fields["sessions"].initial = "\n".join(
                f"{s.starts_on:%d/%m/%Y} - {s.ends_on:%d/%m/%Y}"
                for s in self.instance.sessions.all()
            )

    def clean_sessions(self):
        sessions = []
        for number, line in enumerate(self.cleaned_data["sessions"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("–", "-").split(" - ")]
            try:
                start, end = (date_field("").clean(p) for p in parts)
            except (ValueError, ValidationError):
                raise ValidationError(
                    f"Dòng {number}: ghi “dd/mm/yyyy - dd/mm/yyyy” (có dấu cách hai bên gạch)."
                ) from None
            if end < start:
                raise ValidationError(f"Dòng {number}: ngày kết thúc trước ngày bắt đầu.")
            sessions.append((start, end))
        return sorted(sessions)

    def clean(self):
        data = super().clean()
        start, end, days = data.get("starts_on"), data.get("ends_on"), data.get("days")
        if start and end and days:
            try:
                course_dates_check(starts_on=start, ends_on=end, days=Decimal(days))
            except ValidationError as exc:
                self.add_error(None, exc)
        for s, e in data.get("sessions") or []:
            if start and end and (s < start or e > end):
                self.add_error("sessions", "Các đợt phải nằm trong khoảng từ ngày – đến ngày.")
                break
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", max_length=255)
