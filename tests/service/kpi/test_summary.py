"""KPI rows (service/kpi/summary.py); every expected value is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pytest

from service.kpi.answers import ContinuedUse, Satisfaction
from service.kpi.display import display_cells, format_cell
from service.kpi.figures import MeetingFigures, SurveyFigures
from service.kpi.periods import Period
from service.kpi.summary import ALL_DEPARTMENTS, report_rows, summarize

S, C = Satisfaction, ContinuedUse


def _meetings() -> list[MeetingFigures]:
    return [
        # 総務課, FY2024 April: two responses, saved 90 min and −30 min
        MeetingFigures(
            "総務課",
            dt.date(2024, 4, 10),
            audio_seconds=3600,
            processing_seconds=600,
            edit_rate=0.1,
            quality_grade="poor",
            surveys=(
                SurveyFigures(S.very_satisfied, C.yes, estimated_minutes=120, editing_seconds=1800),  # 120 − 30 = 90
                SurveyFigures(
                    S.neutral, C.unsure, estimated_minutes=60, editing_seconds=3600, review_minutes=30
                ),  # −30
            ),
        ),
        # 総務課, FY2024 last day (3/31): one response, saved 60 min
        MeetingFigures(
            "総務課",
            dt.date(2025, 3, 31),
            audio_seconds=1800,
            processing_seconds=300,
            edit_rate=None,
            quality_grade="good",
            surveys=(SurveyFigures(S.satisfied, C.yes, estimated_minutes=90, editing_seconds=600, review_minutes=20),),
        ),
        # 総務課, FY2025 first day (4/1): not in FY2024
        MeetingFigures(
            "総務課",
            dt.date(2025, 4, 1),
            audio_seconds=7200,
            surveys=(SurveyFigures(S.dissatisfied, C.no, estimated_minutes=30),),
        ),
        # 議会事務局, FY2024: processed but nobody answered
        MeetingFigures("議会事務局", dt.date(2024, 6, 5), audio_seconds=5400, processing_seconds=900, edit_rate=0.3),
    ]


def test_summarize_fiscal_year():
    row = summarize("総務課", Period(2024), [m for m in _meetings() if m.department == "総務課"])
    assert row.meetings == 2  # 4/10 and 3/31; 4/1 belongs to FY2025
    assert row.audio_hours == 1.5  # (3600 + 1800) / 3600
    assert row.processing_hours == 0.25  # (600 + 300) / 3600
    assert row.responses == 3
    assert row.satisfied == 2 and row.satisfaction_rate == pytest.approx(2 / 3)  # 大変満足 + 満足
    assert row.continuing == 2 and row.continued_use_rate == pytest.approx(2 / 3)  # はい ×2, わからない ×1
    assert row.hours_saved == pytest.approx(2.0)  # (90 − 30 + 60) / 60
    assert row.months_with_responses == 2  # April and March
    assert row.hours_saved_per_month == pytest.approx(1.0)
    assert row.negative_responses == 1
    assert row.edit_rate == pytest.approx(0.1) and row.edit_rate_meetings == 1
    # what the page shows: 0.25 h rounds half up to 0.3
    # one good and one poor recording; only the poor one has an edit rate (issue 12, item 5)
    assert row.quality_meetings == (1, 0, 1) and row.quality_edit_rates == (None, None, pytest.approx(0.1))
    assert display_cells(row)[:13] == ["総務課", "令和6年度", 2, 1.5, 0.3, 3, 66.7, 66.7, 2.0, 1.0, 1, 10.0, 1]
    assert display_cells(row)[13:] == [1, 0, 1, None, None, 10.0]


def test_summarize_month_and_next_fiscal_year():
    ga = [m for m in _meetings() if m.department == "総務課"]
    march = summarize("総務課", Period(2024, 3), ga)
    assert (march.meetings, march.responses, march.satisfaction_rate, march.continued_use_rate) == (1, 1, 1.0, 1.0)
    assert march.hours_saved == pytest.approx(1.0)  # 90 − (10 + 20) = 60 min
    april_next = summarize("総務課", Period(2025, 4), ga)
    assert (april_next.meetings, april_next.responses, april_next.satisfaction_rate, april_next.continued_use_rate) == (
        1,
        1,
        0.0,
        0.0,
    )
    assert april_next.hours_saved == pytest.approx(0.5)  # 30 min, no editing logged


def test_zero_respondents_give_none_not_zero():
    row = summarize("議会事務局", Period(2024), [m for m in _meetings() if m.department == "議会事務局"])
    assert (row.meetings, row.responses) == (1, 0)
    assert row.satisfaction_rate is None and row.continued_use_rate is None
    assert row.hours_saved is None and row.hours_saved_per_month is None
    assert row.edit_rate == pytest.approx(0.3)
    cells = display_cells(row)
    assert cells[:13] == ["議会事務局", "令和6年度", 1, 1.5, 0.3, 0, None, None, None, None, 0, 30.0, 1]
    assert cells[13:] == [0, 0, 0, None, None, None]  # not measured: in no recording-quality grade
    assert [format_cell(c) for c in cells[6:10]] == ["—", "—", "—", "—"]


def test_report_rows_with_total_and_empty_months_skipped():
    rows = report_rows(["総務課", "議会事務局"], Period(2024).months(), _meetings(), total=True, skip_empty=True)
    assert [(r.department, r.period.label) for r in rows] == [
        ("総務課", "令和6年4月"),
        ("総務課", "令和7年3月"),
        ("議会事務局", "令和6年6月"),
        (ALL_DEPARTMENTS, "令和6年4月"),
        (ALL_DEPARTMENTS, "令和6年6月"),
        (ALL_DEPARTMENTS, "令和7年3月"),
    ]
    total = report_rows(["総務課", "議会事務局"], [Period(2024)], _meetings(), total=True)[-1]
    assert total.department == ALL_DEPARTMENTS
    assert (total.meetings, total.responses, total.satisfied) == (3, 3, 2)
    assert total.audio_hours == 3.0  # (3600 + 1800 + 5400) / 3600
    assert total.edit_rate == pytest.approx(0.2)  # mean of 0.1 and 0.3


def test_report_rows_keep_empty_departments_when_asked():
    rows = report_rows(["総務課", "建設課"], [Period(2024)], _meetings(), total=False)
    assert [(r.department, r.meetings, r.satisfaction_rate) for r in rows][1] == ("建設課", 0, None)
