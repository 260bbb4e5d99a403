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
