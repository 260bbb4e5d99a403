"""Template filters of the duty pages."""

from decimal import Decimal

from django import template
from django.utils import timezone

from chqs.text import format_int

register = template.Library()


@register.filter
def vn_days(value) -> str:
    """Man-days the Vietnamese way: 8832 → "8.832", 1.5 → "1,5", 0.333 → "0,333"."""
    if value in (None, ""):
        return "—"
    number = Decimal(value).normalize()
    whole = int(number)
    rest = abs(number - whole)
    text = format_int(whole)
    if number < 0 and whole == 0:
        text = "-0"
    if rest:
        text += "," + f"{rest:f}".split(".")[1].rstrip("0")
    return text


@register.filter
def local_hm(moment) -> str:
    """ "07:30 04/03" in Vietnam's time."""
    return timezone.localtime(moment).strftime("%H:%M %d/%m") if moment else ""
