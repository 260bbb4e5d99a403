"""Template filters of the roster page."""

import html

from django import forms, template
from django.forms.utils import flatatt
from django.utils.formats import localize
from django.utils.html import escape, format_html
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
        # f-strings over html.escape (what format_html does, minus its per-argument
        # overhead: a province lists a hundred units on every roster page).
        nonlocal chosen
        value = "" if value is None else str(value)
        selected = not chosen and value in values
        chosen = chosen or selected
        shown = label.__html__() if hasattr(label, "__html__") else html.escape(str(label))
        mark = " selected" if selected else ""
        parts.append(f'<option value="{html.escape(value)}"{mark}>{shown}</option>')

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


def _cell(value) -> str:
    return "" if value is None else escape(value)


def rows_html(people, *, start: int, can_change: bool, one_agency: bool) -> SafeString:
    """The roster table's rows (numbered from `start`), written in Python: the same
    markup the row template gave, from the strings the view already computed
    (`_decorate`). As a template, the ~1.600 variable lookups of a page were a third of
    its CPU."""
    rows = []
    for number, p in enumerate(people, start):
        name = escape(p.full_name)
        cells = ["\n    <tr>\n"]
        if can_change:
            cells.append(
                f'      <td><input class="form-check-input" type="checkbox" name="chon" '
                f'value="{p.pk}" aria-label="Chọn {name}"></td>\n'
            )
        else:
            cells.append("      \n")  # the template's line without its cell
        cells.append(f'      <td class="num">{localize(number)}</td>\n')
        cells.append(f'      <td><a href="{escape(p.url)}">{name}</a>\n        ')
        if p.party_joined_on:
            cells.append('<span class="badge text-bg-danger" title="Đảng viên">ĐV</span>')
        cells.append("\n        ")
        if p.is_reservist:
            cells.append('<span class="badge text-bg-secondary" title="Quân nhân dự bị">DB</span>')
        cells.append("\n        ")
        if p.job_title:
            cells.append(f'<div class="small text-muted">{escape(p.job_title)}</div>')
        cells.append("</td>\n")
        cells.append(f'      <td class="text-nowrap">{escape(p.born_shown)}</td>\n')
        cells.append(f"      <td>{escape(p.get_gender_display())}</td>\n")
        cells.append(
            f'      <td class="text-nowrap font-monospace small">{_cell(p.cccd_shown)}</td>\n'
        )
        if not one_agency:
            agency = p.agency.short_name or p.agency.name
            cells.append(f'      <td class="small">{escape(agency)}</td>\n')
        else:
            cells.append("      \n")
        service = p.service
        for related in ("position", "formation", "force_kind"):
            thing = getattr(service, related) if service is not None else None
            cells.append(f"      <td>{escape(thing.name or '') if thing else ''}</td>\n")
        joined = escape(p.joined_shown) if service is not None else ""
        cells.append(f'      <td class="text-nowrap">{joined}</td>\n')
        end = ""
        if service is not None:
            end = escape(p.term_end_shown)
            if p.term_soon:
                end = f'<span class="badge text-bg-warning">{end}</span>'
            if p.over_age:
                end += ' <span class="badge text-bg-danger">Quá tuổi</span>'
        cells.append(f'      <td class="text-nowrap">{end}</td>\n')
        status = escape(p.status_label)
        if service is not None:
            tone = "text-bg-success" if service.status == "serving" else "text-bg-info"
            status = f'<span class="badge {tone}">{status}</span>'
        else:
            status = f'<span class="text-muted small">{status}</span>'
        cells.append(f"      <td>{status}</td>\n    </tr>\n  ")
        rows.append("".join(cells))
    return mark_safe("".join(rows))
