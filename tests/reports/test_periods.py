"""Period labels and the TT 58/2020 data windows."""

import datetime as dt

import pytest

from reports.periods import PeriodError, parse_as_of, parse_period

D = dt.date


@pytest.mark.parametrize(
    "label, start, end",
    [
        ("2023", D(2022, 12, 15), D(2023, 12, 14)),
        ("2023-H1", D(2022, 12, 15), D(2023, 6, 14)),
        ("2023-H2", D(2023, 6, 15), D(2023, 12, 14)),
        ("2023-Q1", D(2022, 12, 15), D(2023, 3, 14)),
        ("2023-Q2", D(2023, 3, 15), D(2023, 6, 14)),
        ("2023-Q3", D(2023, 6, 15), D(2023, 9, 14)),
        ("2023-q4", D(2023, 9, 15), D(2023, 12, 14)),
        ("2023-01-01..2023-06-30", D(2023, 1, 1), D(2023, 6, 30)),
    ],
)
def test_windows_follow_tt58_by_default(label, start, end):
    period = parse_period(label)
    assert (period.start, period.end) == (start, end)


def test_a_province_may_choose_calendar_windows_or_another_cutoff_day():
    h1 = parse_period("2024-H1", cutoff_day=0)
    assert (h1.start, h1.end) == (D(2024, 1, 1), D(2024, 6, 30))
    q1 = parse_period("2024-Q1", cutoff_day=0)
    assert q1.end == D(2024, 3, 31)
    q1 = parse_period("2024-Q1", cutoff_day=20)
    assert (q1.start, q1.end) == (D(2023, 12, 20), D(2024, 3, 19))


def test_titles_read_as_in_a_return():
    assert parse_period("2023-H1").title == "6 tháng đầu năm 2023"
    assert parse_period("2023-H2").title == "6 tháng cuối năm 2023"
    assert parse_period("2023-Q3").title == "quý III năm 2023"
    assert parse_period("2023").title == "năm 2023"
    assert parse_period("2023-01-01..2023-02-28").title == (
        "từ ngày 01/01/2023 đến ngày 28/02/2023"
    )


@pytest.mark.parametrize(
    "label",
    ["", "2023-H3", "2023-Q5", "23-H1", "2023-06-31..2023-07-01", "2023-07-01..2023-06-01", "abc"],
)
def test_a_bad_label_is_explained_in_vietnamese(label):
    with pytest.raises(PeriodError, match="không hợp lệ|phải sau"):
        parse_period(label)


def test_as_of_defaults_to_the_last_day_of_the_window():
    period = parse_period("2023-H1")
    assert parse_as_of("", period) == D(2023, 6, 14)
    assert parse_as_of("15/07/2023", period) == D(2023, 7, 15)
    assert parse_as_of("2023-07-15", period) == D(2023, 7, 15)
    with pytest.raises(PeriodError):
        parse_as_of("31/02/2023", period)
