"""{{ cell|report_cell }}: a table cell of a return — numbers in the Vietnamese form
(1.122), texts ("95,87%", "Có") as they are, nothing for None."""

from decimal import Decimal

from django import template

from chqs.text import format_int, format_number

register = template.Library()


@register.filter
def report_cell(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Chưa"
    if isinstance(value, int):
        return format_int(value)
    if isinstance(value, float | Decimal):
        return format_number(value)
    return str(value)
