import django_filters
from django import forms
from django.db.models import Q

from .models import AgencyType, Level, Unit, UnitKind, today

YES_NO = [("1", "Có"), ("0", "Không")]
STATUS = [("active", "Đang hoạt động"), ("dissolved", "Đã giải thể")]


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tìm kiếm", method="filter_q")
    kind = django_filters.ModelChoiceFilter(
        label="Loại đơn vị", queryset=UnitKind.objects.all(), empty_label="Tất cả"
    )
    level = django_filters.ChoiceFilter(label="Cấp", choices=Level.choices, empty_label="Tất cả")
    agency_type = django_filters.ModelChoiceFilter(
        label="Loại hình cơ quan", queryset=AgencyType.objects.all(), empty_label="Tất cả"
    )
    parent = django_filters.CharFilter(label="Mã đơn vị cấp trên", method="filter_parent")
    has_board = django_filters.ChoiceFilter(
        label="Có Ban CHQS", choices=YES_NO, method="filter_has_board", empty_label="Tất cả"
    )
    status = django_filters.ChoiceFilter(
        label="Tình trạng", choices=STATUS, method="filter_status", empty_label="Tất cả"
    )

    class Meta:
        model = Unit
        fields = ["q", "kind", "level", "agency_type", "parent", "has_board", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_parent(self, queryset, name, value):
        on = today()
        return queryset.filter(
            Q(parent_links__valid_to__isnull=True) | Q(parent_links__valid_to__gt=on),
            parent_links__parent__code__iexact=value.strip(),
            parent_links__valid_from__lte=on,
        )

    def filter_has_board(self, queryset, name, value):
        active = Q(board__isnull=False) & Q(board__status="active")
        return queryset.filter(active) if value == "1" else queryset.exclude(active)

    def filter_status(self, queryset, name, value):
        if value == "active":
            return queryset.active_on()
        return queryset.exclude(pk__in=Unit.objects.active_on().values("pk"))
