import datetime as dt

import pytest

from exporters.wareki import format_wareki
from models.errors import GijirokuError


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2024, 11, 22), "令和6年11月22日（金）"),
        (dt.date(2019, 4, 30), "平成31年4月30日（火）"),
        (dt.date(2019, 5, 1), "令和元年5月1日（水）"),
        (dt.date(2019, 12, 31), "令和元年12月31日（火）"),
        (dt.date(2020, 1, 1), "令和2年1月1日（水）"),
        (dt.date(1989, 1, 7), "昭和64年1月7日（土）"),
        (dt.date(1989, 1, 8), "平成元年1月8日（日）"),
        (dt.date(1926, 12, 24), "大正15年12月24日（金）"),
        (dt.date(1926, 12, 25), "昭和元年12月25日（土）"),
        (dt.date(1912, 7, 29), "明治45年7月29日（月）"),
        (dt.date(1912, 7, 30), "大正元年7月30日（火）"),
        (dt.date(1873, 1, 1), "明治6年1月1日（水）"),
    ],
)
def test_era_boundaries(date: dt.date, expected: str) -> None:
    assert format_wareki(date) == expected


def test_dates_before_the_gregorian_calendar_are_refused() -> None:
    with pytest.raises(GijirokuError) as info:
        format_wareki(dt.date(1872, 12, 31))
    assert info.value.code == "date_out_of_range"
