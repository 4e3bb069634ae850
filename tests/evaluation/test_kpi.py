"""KPI definitions (evaluation/kpi.py); every expected value is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.kpi import (
    ALL_DEPARTMENTS,
    ContinuedUse,
    MeetingFigures,
    Period,
    Satisfaction,
    SurveyFigures,
    display_cells,
    edit_rate,
    fiscal_months,
    fiscal_year,
    fiscal_year_label,
    format_cell,
    local_date,
    minutes_saved,
    month_label,
    report_rows,
    round_half_up,
    summarize,
    turns_text,
)

S, C = Satisfaction, ContinuedUse


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


def test_minutes_saved_keeps_negative_values():
    assert minutes_saved(60, 1800, 10) == 20  # 60 − (30 + 10)
    assert minutes_saved(30, 1800, 10) == -10  # 30 − (30 + 10): kept, not clipped to 0


def test_edit_rate_is_cer_of_draft_against_final():
    # final 「本日は晴天です」 = 7 chars after normalisation; draft differs in 2 (なり → です)
    assert edit_rate("本日は、晴天なり。", "本日は晴天です") == pytest.approx(2 / 7)
    assert edit_rate("同じ文です。", "同じ文です") == 0.0  # punctuation is not an edit
    assert edit_rate("下書き", "") is None  # nothing to compare against


def test_turns_text_prefers_clean_text():
    minutes = {"turns": [{"text": "えー本日は", "clean_text": "本日は"}, {"text": "開会します", "clean_text": ""}]}
    assert turns_text(minutes) == "本日は開会します"
    assert turns_text({}) == ""


def _meetings() -> list[MeetingFigures]:
    return [
        # 総務課, FY2024 April: two responses, saved 90 min and −30 min
        MeetingFigures(
            "総務課",
            dt.date(2024, 4, 10),
            audio_seconds=3600,
            processing_seconds=600,
            edit_rate=0.1,
            surveys=(
                SurveyFigures(S.very_satisfied, C.yes, estimated_minutes=120, editing_seconds=1800),  # 120 − 30 = 90
                SurveyFigures(S.neutral, C.unsure, estimated_minutes=60, editing_seconds=3600, review_minutes=30),  # −30
            ),
        ),
        # 総務課, FY2024 last day (3/31): one response, saved 60 min
        MeetingFigures(
            "総務課",
            dt.date(2025, 3, 31),
            audio_seconds=1800,
            processing_seconds=300,
            edit_rate=None,
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
    assert display_cells(row) == ["総務課", "令和6年度", 2, 1.5, 0.3, 3, 66.7, 66.7, 2.0, 1.0, 1, 10.0, 1]


def test_summarize_month_and_next_fiscal_year():
    ga = [m for m in _meetings() if m.department == "総務課"]
    march = summarize("総務課", Period(2024, 3), ga)
    assert (march.meetings, march.responses, march.satisfaction_rate, march.continued_use_rate) == (1, 1, 1.0, 1.0)
    assert march.hours_saved == pytest.approx(1.0)  # 90 − (10 + 20) = 60 min
    april_next = summarize("総務課", Period(2025, 4), ga)
    assert (april_next.meetings, april_next.responses, april_next.satisfaction_rate, april_next.continued_use_rate) == (1, 1, 0.0, 0.0)
    assert april_next.hours_saved == pytest.approx(0.5)  # 30 min, no editing logged


def test_zero_respondents_give_none_not_zero():
    row = summarize("議会事務局", Period(2024), [m for m in _meetings() if m.department == "議会事務局"])
    assert (row.meetings, row.responses) == (1, 0)
    assert row.satisfaction_rate is None and row.continued_use_rate is None
    assert row.hours_saved is None and row.hours_saved_per_month is None
    assert row.edit_rate == pytest.approx(0.3)
    cells = display_cells(row)
    assert cells == ["議会事務局", "令和6年度", 1, 1.5, 0.3, 0, None, None, None, None, 0, 30.0, 1]
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


def test_rounding_and_formatting():
    assert round_half_up(0.25, 1) == 0.3  # round() would give 0.2
    assert round_half_up(200 / 3, 1) == 66.7
    assert round_half_up(-0.25, 1) == -0.3
    assert format_cell(None) == "—"
    assert format_cell(82.5) == "82.5"
    assert format_cell(2.0) == "2.0"
    assert format_cell(3) == "3"
