from django import forms

from units.forms import DATE_WIDGET, BootstrapMixin

from .models import Return


class ReturnForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Return
        fields = [
            "as_of", "place", "issued_on", "symbol", "signing_form", "signer_name",
            "recipients", "situation", "leadership", "shortcomings", "next_tasks", "proposals",
        ]  # fmt: skip
        widgets = {
            "as_of": DATE_WIDGET,
            "issued_on": DATE_WIDGET,
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in ("situation", "leadership", "shortcomings", "next_tasks", "proposals")
            },
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("as_of", "issued_on"):
            self.fields[name].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        self.fields["issued_on"].help_text = "Để trống: ngày phê duyệt."


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Ý kiến (cần sửa gì)",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "Cần ghi ý kiến khi trả lại báo cáo."},
    )
