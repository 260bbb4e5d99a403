"""Vietnamese number and date forms for templates: {% load vn %}."""

from django import template

from chqs import text
from chqs.pdf import official_date

register = template.Library()


@register.filter
def vn_int(value) -> str:
    """{{ 1122|vn_int }} → 1.122; a fractional value keeps its decimals (6.502,5), it is
    never truncated."""
    if value in (None, ""):
        return "—"
    if isinstance(value, int):
        return text.format_int(value)
    return text.format_number(value)


@register.simple_tag
def vn_rate(numerator, denominator) -> str:
    """{% vn_rate 519 842 %} → 61,64%"""
    return text.format_rate(numerator or 0, denominator or 0)


@register.filter
def vn_percent(value) -> str:
    """{{ Decimal('95.87')|vn_percent }} → 95,87%"""
    if value is None:
        return "—"
    return text.format_percent(value)


@register.simple_tag
def vn_place_date(place, on) -> str:
    """{% vn_place_date "Cần Thơ" date %} → Cần Thơ, ngày 15 tháng 7 năm 2023"""
    return official_date(place, on)
