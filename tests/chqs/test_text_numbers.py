from decimal import Decimal

from chqs.text import format_int, format_percent, format_rate, rate


def test_seed_002_rates_in_vietnamese_form():
    assert format_rate(81, 89) == "91,01%"
    assert format_rate(116, 121) == "95,87%"
    assert format_rate(519, 842) == "61,64%"


def test_rate_is_half_up_and_drops_trailing_zeros():
    assert rate(1, 8) == Decimal("12.50")  # 12,5 exactly
    assert format_rate(1, 8) == "12,5%"
    assert format_rate(1, 2) == "50%"
    assert format_rate(2, 3) == "66,67%"
    assert format_rate(1, 400) == "0,25%"
    assert format_percent(Decimal("0.005")) == "0,01%"  # half-up, not banker's
    assert format_rate(0, 0) == "—"


def test_integers_group_with_dots():
    assert format_int(1122) == "1.122"
    assert format_int(8832) == "8.832"
    assert format_int(1500000) == "1.500.000"
    assert format_int(47) == "47"


def test_fractional_figures_keep_their_decimals_in_vietnamese_form():
    from chqs.text import format_number

    assert format_number(6502.5) == "6.502,5"
    assert format_number(Decimal("8832.00")) == "8.832"
    assert format_number(Decimal("0.125")) == "0,13"
    assert format_number(1122) == "1.122"


def test_the_vn_int_filter_never_truncates_a_fraction():
    from django.template import Context, Template

    page = Template("{% load vn %}{{ a|vn_int }} {{ b|vn_int }}")
    assert page.render(Context({"a": 6502.5, "b": 1122})) == "6.502,5 1.122"
