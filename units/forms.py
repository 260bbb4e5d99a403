import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from .models import Board, Formation, Unit, today

DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "class": "form-control"}
)


def date_field(label: str, *, required: bool = True, initial=None) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        initial=initial,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy."},
    )


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)


class ParentChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Lựa chọn không hợp lệ: đơn vị cấp trên không tồn tại, đã giải thể, "
        "nằm ngoài phạm vi quản lý hoặc trực thuộc chính đơn vị này."
    }

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.code})"


class UnitForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "level", "agency_type", "staff_count"]
        fields += ["address", "superior_body"]
        error_messages = {
            "code": {"unique": "Mã đơn vị này đã có; chọn mã khác."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One source for the line above the issuer: the parent's name when there is one
        # (an agency's documents carry its own name there), the field only for a top unit.
        unit = self.instance
        if unit.pk is None or unit.is_agency or unit.parent_on() is not None:
            del self.fields["superior_body"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and not kind.is_agency and data.get("agency_type"):
            self.add_error("agency_type", "Chỉ cơ quan, tổ chức mới có loại hình cơ quan.")
        if kind and not data.get("level") and kind.default_level:
            data["level"] = kind.default_level
        return data


class UnitCreateForm(UnitForm):
    parent = ParentChoiceField(label="Đơn vị cấp trên", queryset=Unit.objects.none())
    valid_from = date_field("Trực thuộc từ ngày", initial=today)
    decision = forms.CharField(label="Căn cứ (quyết định)", required=False, max_length=255)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["decision"].widget.attrs["class"] = "form-control"


class UnitMoveForm(BootstrapMixin, forms.Form):
    new_parent = ParentChoiceField(label="Đơn vị cấp trên mới", queryset=Unit.objects.none())
    on = date_field("Từ ngày", initial=today)
    decision = forms.CharField(label="Căn cứ (quyết định)", required=False, max_length=255)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents


class UnitDissolveForm(BootstrapMixin, forms.Form):
    on = date_field("Giải thể từ ngày", initial=today)
    reason = forms.CharField(label="Căn cứ, lý do", max_length=255)


class BoardForm(BootstrapMixin, forms.ModelForm):
    decision_date = date_field("Ngày quyết định", required=False)

    class Meta:
        model = Board
        fields = ["status", "decision_number", "decision_date", "decision_signer", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean_decision_date(self):
        value = self.cleaned_data.get("decision_date")
        if value and value > today():
            raise ValidationError("Ngày quyết định không thể ở tương lai.")
        return value


class FormationForm(BootstrapMixin, forms.ModelForm):
    dissolved_on = date_field("Ngày giải thể", required=False)

    class Meta:
        model = Formation
        fields = ["code", "name", "level", "force_kind", "parent", "dissolved_on"]

    def __init__(self, *args, agency: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.instance.agency = agency
        parents = Formation.objects.filter(agency=agency)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean_code(self):
        code = self.cleaned_data["code"]
        clash = Formation.objects.filter(agency=self.agency, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("Mã này đã dùng cho một đơn vị tự vệ khác của cơ quan.")
        return code

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node = parent
        while node is not None:
            if self.instance.pk and node.pk == self.instance.pk:
                raise ValidationError("Không thể đặt đơn vị tự vệ dưới chính nó.")
            node = node.parent
        return parent


def parse_date_param(value: str | None) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value or "", fmt).date()
        except ValueError:
            continue
    return None
