"""Template filters of the roster page."""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def select(bound_field) -> SafeString:
    """A single <select> field rendered in Python, with the attributes and the selected
    option Django's widget would give it. Django renders each <option> through two
    template includes: with every unit of a province listed, that was half the roster
    page's CPU. Any other widget renders as usual."""
    widget = bound_field.field.widget
    if type(widget) is not forms.Select:
        return str(bound_field)
    attrs = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs["id"] = bound_field.auto_id
    attrs = widget.build_attrs(widget.attrs, attrs)
    values = widget.format_value(bound_field.value())
    parts = [format_html('<select name="{}"{}>', bound_field.html_name, flatatt(attrs))]
    chosen = False

    def option(value, label) -> None:
        nonlocal chosen
        value = "" if value is None else str(value)
        selected = not chosen and value in values
        chosen = chosen or selected
        parts.append(
            format_html(
                '<option value="{}"{}>{}</option>',
                value,
                mark_safe(" selected") if selected else "",
                label,
            )
        )

    for value, label in widget.choices:
        if isinstance(label, list | tuple):
            parts.append(format_html('<optgroup label="{}">', value))
            for sub_value, sub_label in label:
                option(sub_value, sub_label)
            parts.append("</optgroup>")
        else:
            option(value, label)
    parts.append("</select>")
    return mark_safe("".join(parts))
