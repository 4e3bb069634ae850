"""Report periods (service/kpi/periods.py): fiscal years April–March, 和暦 labels, Japan time."""

from __future__ import annotations

import datetime as dt

from service.kpi.periods import Period, fiscal_months, fiscal_year, fiscal_year_label, local_date, month_label


def test_fiscal_year_boundary_is_april_first():
    assert fiscal_year(dt.date(2025, 3, 31)) == 2024
    assert fiscal_year(dt.date(2025, 4, 1)) == 2025
    assert fiscal_year(dt.date(2024, 12, 31)) == 2024


def test_fiscal_year_labels_in_wareki():
    assert fiscal_year_label(2024) == "令和6年度"
    assert fiscal_year_label(2025) == "令和7年度"
    assert fiscal_year_label(2019) == "令和元年度"  # the era changed on 2019-05-01, inside FY2019
    assert fiscal_year_label(2018) == "平成30年度"


def test_month_labels_in_wareki():
    assert month_label(2025, 3) == "令和7年3月"
    assert month_label(2019, 4) == "平成31年4月"
    assert month_label(2019, 5) == "令和元年5月"
    assert Period(2024, 3).label == "令和7年3月"  # March of FY2024 is in calendar 2025
    assert Period(2024).label == "令和6年度"
    assert Period.of_month(2025, 3) == Period(2024, 3)
    assert Period.of_month(2025, 4) == Period(2025, 4)


def test_fiscal_months_run_april_to_march():
    assert fiscal_months(2024) == [(2024, m) for m in range(4, 13)] + [(2025, 1), (2025, 2), (2025, 3)]
    assert [p.month for p in Period(2024).months()] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


def test_local_date_is_japan_time():
    # 2025-03-31 15:00 UTC is 2025-04-01 00:00 JST: already the new fiscal year
    assert local_date(dt.datetime(2025, 3, 31, 15, 0, tzinfo=dt.UTC)) == dt.date(2025, 4, 1)
    assert local_date(dt.datetime(2025, 3, 31, 14, 59, 59, tzinfo=dt.UTC)) == dt.date(2025, 3, 31)
    assert local_date(dt.datetime(2025, 3, 31, 14, 59, 59)) == dt.date(2025, 3, 31)  # naive = UTC
