"""HTML pages of issue 6: the KPI dashboard (/reports, printable), month closing forms for
admins, and the per-meeting survey (/meetings/{id}/survey).

They work without JavaScript (plain forms, server-side SVG charts) and call the same functions
as the JSON API, so scoping and the month rules are decided in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from models.errors import GijirokuError
from service.auth.roles import Permission, report_scope_all_departments
from service.db.models import Department
from service.deps import SessionDep, SettingsDep, client_ip
from service.kpi.answers import CONTINUED_USE_LABELS, SATISFACTION_LABELS
from service.kpi.closures import close_month, list_closures, reopen_month
from service.kpi.display import NEGATIVE_COLUMNS, format_cell
from service.kpi.periods import JST, Period
from service.kpi.report import Report, Table, build_report, default_fiscal_year, report_scope
from service.kpi.summary import ALL_DEPARTMENTS
from service.kpi.surveys import may_answer, not_respondent_error, save_survey, survey_status
from service.schemas import ClosureIn, ClosureOut, SurveyAnswers
from service.scope import meeting_for_user
from service.web.deps import PageAuth, PageFormUser, PageId, PageUser, page_permission
from service.web.render import page_router, render
from service.web.report_charts import PALETTE, TOTAL_COLOR, Series, bar_chart, line_chart
from service.web.report_headers import TEXT_COLUMNS, header_rows

router = page_router()
ReportReader = Annotated[PageAuth, Depends(page_permission(Permission.read_reports))]
AdminForm = Annotated[PageAuth, Depends(page_permission(Permission.manage, form=True))]

YEAR = Query(default=None, ge=2000, le=2100)
CLOSURE_NOTICES = {
    "closed": ("ok", "締めました。この月の回答と編集時間は変更できなくなりました。"),
    "reopened": ("ok", "締めを解除しました。"),
}


# --- dashboard -------------------------------------------------------------------------------


def _column(table: Table, name: str) -> int:
    return table.columns.index(name)


def _table_view(table: Table) -> dict[str, Any]:
    """Cells as text plus the CSS classes the template needs (numbers right, negatives red)."""
    rows = []
    for row, cells in zip(table.rows, table.cells, strict=True):
        view = []
        for name, cell in zip(table.columns, cells, strict=True):
            classes = [] if name in TEXT_COLUMNS else ["num"]
            if cell is None:
                classes.append("na")
            elif name in NEGATIVE_COLUMNS and isinstance(cell, float) and cell < 0:
                classes.append("neg")
            elif name == "削減時間がマイナスの回答" and cell:
                classes.append("flag")
            view.append({"text": format_cell(cell), "cls": " ".join(classes)})
        rows.append({"cells": view, "total": row.department == ALL_DEPARTMENTS})
    return {"title": table.title, "header": header_rows(table.columns), "rows": rows}


def headline(report: Report, view: dict[str, Any]) -> dict[str, Any] | None:
    """The selected year's 全体 row (or the only department's row) for the KPI cards."""
    rows = [
        (r, v)
        for r, v in zip(report.yearly.rows, view["rows"], strict=True)
        if r.period.fiscal_year == report.fiscal_year
    ]
    if not rows:
        return None
    row, cells = next(((r, v) for r, v in rows if v["total"]), rows[-1])
    pick = {
        name: cells["cells"][_column(report.yearly, col)]
        for name, col in (
            ("satisfaction", "満足度（%）"),
            ("continued", "継続利用意向（%）"),
            ("hours", "削減時間 月平均（時間）"),
            ("meetings", "処理件数"),
            ("responses", "回答数"),
        )
    }
    return {**pick, "name": row.department}


def dashboard_charts(report: Report) -> list[Any]:
    """Bars per department for the selected year (targets drawn), and monthly hours saved."""
    year_rows = [
        (r, c)
        for r, c in zip(report.yearly.rows, report.yearly.cells, strict=True)
        if r.period.fiscal_year == report.fiscal_year
    ]
    labels = [r.department for r, _ in year_rows]
    t = report.targets
    label = report.label

    def values(column: str) -> list[float | None]:
        i = _column(report.yearly, column)
        return [cast(float | None, c[i]) for _, c in year_rows]  # the displayed (rounded) figures

    charts = [
        bar_chart(
            f"満足度（{label}・所属別）",
            labels,
            values("満足度（%）"),
            unit="%",
            fixed_max=100,
            target=t.satisfaction * 100,
            target_label=f"目標 {t.satisfaction * 100:g}%",
        ),
        bar_chart(
            f"継続利用意向（{label}・所属別）",
            labels,
            values("継続利用意向（%）"),
            unit="%",
            fixed_max=100,
            target=t.continued_use * 100,
            target_label=f"目標 {t.continued_use * 100:g}%",
        ),
        bar_chart(
            f"削減時間 月平均（{label}・所属別）",
            labels,
            values("削減時間 月平均（時間）"),
            unit="h",
            target=t.hours_saved_per_month,
            target_label=f"目標 {t.hours_saved_per_month:g}時間/月",
        ),
        bar_chart(f"修正率（{label}・所属別、下書き→確定）", labels, values("修正率（%）"), unit="%"),
    ]
    months = Period(report.fiscal_year).months()
    hours_col = _column(report.monthly, "削減時間 合計（時間）")
    by_key = {
        (r.department, r.period.month): cast(float | None, c[hours_col])  # a numeric column: float or None
        for r, c in zip(report.monthly.rows, report.monthly.cells, strict=True)
    }
    names = [d.name for d in report.scope.departments] + ([ALL_DEPARTMENTS] if report.scope.total else [])
    series = [
        Series(
            name,
            [by_key.get((name, p.month)) for p in months],
            TOTAL_COLOR if name == ALL_DEPARTMENTS else PALETTE[i % len(PALETTE)],
            bold=name == ALL_DEPARTMENTS,
        )
        for i, name in enumerate(names)
    ]
    series = [s for s in series if any(v is not None for v in s.values)]  # no line, no legend entry
    charts.append(
        line_chart(
            f"削減時間（月別、{label}）",
            [f"{p.month}月" for p in months],
            series,
            unit="h",
            target=t.hours_saved_per_month,
            target_label=f"目標 {t.hours_saved_per_month:g}時間/月",
        )
    )
    return charts


# the report's downloads: label → query parameters besides the year and department on the page
_DOWNLOADS: dict[str, dict[str, str]] = {
    "CSV（年度別）": {"format": "csv", "table": "yearly"},
    "CSV（月別）": {"format": "csv", "table": "monthly"},
    "Excel（.xlsx）": {"format": "xlsx"},
}


def _query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v is not None})


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    auth: ReportReader,
    db: SessionDep,
    settings: SettingsDep,
    fiscal_year: int | None = YEAR,
    department: str = Query(
        default="", alias="department_id", max_length=12, description="blank: all (the form's 全所属)"
    ),
    closure: str | None = Query(default=None, max_length=20),
) -> Response:
    department_id = int(department) if department.isdecimal() and 0 < int(department) < 2**31 else None
    if department.strip() and department_id is None:
        raise GijirokuError("invalid_department", "所属の指定が正しくありません。", "Invalid department.", status=422)
    scope = report_scope(db, auth.user, department_id)
    current = default_fiscal_year()
    year = fiscal_year or current
    report = build_report(db, settings, scope, year)
    all_scope = report_scope_all_departments(auth.user)
    query = _query(fiscal_year=year, department_id=department_id)
    yearly = _table_view(report.yearly)
    return render(
        request,
        "reports/dashboard.html",
        auth,
        active="reports",
        report=report,
        yearly=yearly,
        headline=headline(report, yearly),
        jst=JST,
        monthly=_table_view(report.monthly),
        charts=dashboard_charts(report),
        year_options=[
            (y, Period(y).label) for y in range(min(report.fiscal_years[0], year, current) - 1, max(year, current) + 1)
        ],
        departments=list(db.query(Department).order_by(Department.id)) if all_scope else [],
        department_id=department_id,
        all_scope=all_scope,
        downloads={
            label: "/api/reports/download?" + _query(**kind, fiscal_year=year, department_id=department_id)
            for label, kind in _DOWNLOADS.items()
        },
        query=query,
        closures=[ClosureOut.from_row(r) for r in list_closures(db)] if auth.can(Permission.manage) else [],
        closure_notice=CLOSURE_NOTICES.get(closure or ""),
        generated_at=dt.datetime.now(JST).strftime("%Y/%m/%d %H:%M"),
    )


def _back(fiscal_year: int | None, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/reports?{_query(fiscal_year=fiscal_year, closure=notice)}#closures", status_code=303)


@router.post("/reports/closures", response_class=HTMLResponse)
def close_month_form(
    request: Request,
    auth: AdminForm,
    db: SessionDep,
    month: str = Form(default="", max_length=7, description="YYYY-MM (input type=month)"),
    department_id: str = Form(default="", max_length=12),
    fiscal_year: int | None = Form(default=None, ge=2000, le=2100),
) -> Response:
    """Month closing is the admin's."""
    try:
        year_s, _, month_s = month.partition("-")
        body = ClosureIn(
            year=int(year_s), month=int(month_s), department_id=int(department_id) if department_id else None
        )
    except (ValueError, ValidationError):
        raise GijirokuError(
            "invalid_month", "締める月を選んでください。", "Choose the month to close.", status=422
        ) from None
    close_month(db, auth.user, body.year, body.month, body.department_id, client_ip(request))
    db.commit()
    return _back(fiscal_year, "closed")


@router.post("/reports/closures/{closure_id}/delete", response_class=HTMLResponse)
def reopen_month_form(
    request: Request,
    closure_id: PageId,
    auth: AdminForm,
    db: SessionDep,
    fiscal_year: int | None = Form(default=None, ge=2000, le=2100),
) -> Response:
    reopen_month(db, auth.user, closure_id, client_ip(request))
    db.commit()
    return _back(fiscal_year, "reopened")


# --- survey ----------------------------------------------------------------------------------


def _survey_page(
    request: Request,
    auth: PageAuth,
    db: Any,
    meeting: Any,
    *,
    status_code: int = 200,
    error: str = "",
    saved: bool = False,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    status = survey_status(db, meeting, auth.user)
    s = status.survey
    values = form or (
        {
            "satisfaction": s.satisfaction,
            "continued_use": s.continued_use,
            "estimated_minutes": f"{s.estimated_minutes:g}",
            "review_minutes": f"{s.review_minutes:g}",
            "comment": s.comment,
        }
        if s
        else {"satisfaction": "", "continued_use": "", "estimated_minutes": "", "review_minutes": "0", "comment": ""}
    )
    return render(
        request,
        "reports/survey.html",
        auth,
        status_code=status_code,
        active="meetings",
        meeting=meeting,
        status=status,
        values=values,
        satisfaction_choices=[(k.value, v) for k, v in SATISFACTION_LABELS.items()],
        continued_use_choices=[(k.value, v) for k, v in CONTINUED_USE_LABELS.items()],
        editing_minutes=status.editing_seconds / 60,
        processing_minutes=None
        if status.processing is None or status.processing.seconds is None
        else status.processing.seconds / 60,
        error=error,
        saved=saved,
    )


@router.get("/meetings/{meeting_id}/survey", response_class=HTMLResponse)
def survey_page(request: Request, meeting_id: PageId, auth: PageUser, db: SessionDep, saved: int = 0) -> Response:
    meeting = meeting_for_user(db, auth.user, meeting_id)
    if not may_answer(auth.user):
        raise not_respondent_error()
    return _survey_page(request, auth, db, meeting, saved=bool(saved))


@router.post("/meetings/{meeting_id}/survey", response_class=HTMLResponse)
def survey_submit(
    request: Request,
    meeting_id: PageId,
    auth: PageFormUser,
    db: SessionDep,
    satisfaction: str = Form(default="", max_length=32),
    continued_use: str = Form(default="", max_length=32),
    estimated_minutes: str = Form(default="", max_length=20),
    review_minutes: str = Form(default="0", max_length=20),
    comment: str = Form(default="", max_length=4000),
) -> Response:
    """The form posts here (works without JS); success redirects back (PRG). A refused answer
    re-renders the form with what was typed."""
    meeting = meeting_for_user(db, auth.user, meeting_id)
    if not may_answer(auth.user):
        raise not_respondent_error()
    form = {
        "satisfaction": satisfaction,
        "continued_use": continued_use,
        "estimated_minutes": estimated_minutes,
        "review_minutes": review_minutes,
        "comment": comment,
    }
    try:
        answers = SurveyAnswers.model_validate(form | {"review_minutes": review_minutes or 0})
    except ValidationError:
        return _survey_page(
            request,
            auth,
            db,
            meeting,
            status_code=422,
            form=form,
            error="満足度・継続利用の意向・見込み時間（0分以上）を入力してください。",
        )
    try:
        save_survey(db, meeting, auth.user, answers, client_ip(request))
    except GijirokuError as exc:
        db.rollback()
        return _survey_page(request, auth, db, meeting, status_code=exc.status, form=form, error=exc.ja)
    db.commit()
    return RedirectResponse(f"/meetings/{meeting.id}/survey?saved=1", status_code=303)
