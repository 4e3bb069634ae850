"""KPI reports (issue 6): JSON, CSV/XLSX downloads, and month closing (締め) for admins.

Gated by ``read_reports`` (evaluator, admin: every department; staff: their own; clerk: 403);
the department scope is decided in ``service.kpi.report.report_scope`` only.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from service.audit import record
from service.auth.roles import Permission
from service.config import Settings
from service.db.models import User
from service.deps import Admin, PathId, SessionDep, SettingsDep, client_ip, require
from service.kpi.closures import close_month, list_closures, reopen_month
from service.kpi.display import COLUMNS
from service.kpi.files import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, report_xlsx, table_csv
from service.kpi.report import Report, Table, build_report, default_fiscal_year, report_scope, row_json
from service.schemas import ClosureIn, ClosureOut

router = APIRouter(prefix="/api/reports", tags=["reports"])

Reader = Annotated[User, Depends(require(Permission.read_reports))]
FiscalYear = Annotated[
    int | None, Query(ge=2000, le=2100, description="月別表の年度（開始年、例: 2024 = 令和6年度）。省略時は今年度")
]
FromYear = Annotated[
    int | None,
    Query(ge=2000, le=2100, description="年度別表の最初の年度（省略時はデータのある最初の年度、最大5年前まで）"),
]
DepartmentFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="所属で絞り込む（評価担当・管理者）")]


def load_report(
    db: Session,
    settings: Settings,
    user: User,
    fiscal_year: int | None,
    from_year: int | None,
    department_id: int | None,
) -> Report:
    scope = report_scope(db, user, department_id)
    return build_report(db, settings, scope, fiscal_year or default_fiscal_year(), from_year)


def _table_json(table: Table) -> dict[str, Any]:
    return {"title": table.title, "rows": [row_json(r) for r in table.rows], "cells": table.cells}


@router.get("")
def get_report(
    user: Reader,
    db: SessionDep,
    settings: SettingsDep,
    fiscal_year: FiscalYear = None,
    from_year: FromYear = None,
    department_id: DepartmentFilter = None,
) -> dict[str, Any]:
    """Department × fiscal-year and department × month KPIs. ``rows`` hold exact figures (rates
    0–1, null when there are no responses); ``cells`` the rounded ones the page displays."""
    report = load_report(db, settings, user, fiscal_year, from_year, department_id)
    return {
        "fiscal_year": report.fiscal_year,
        "fiscal_year_label": report.label,
        "fiscal_years": report.fiscal_years,
        "departments": [{"id": d.id, "name": d.name} for d in report.scope.departments],
        "targets": {
            "satisfaction": report.targets.satisfaction,
            "continued_use": report.targets.continued_use,
            "hours_saved_per_month": report.targets.hours_saved_per_month,
        },
        "columns": list(COLUMNS),
        "yearly": _table_json(report.yearly),
        "monthly": _table_json(report.monthly),
    }


def download_response(report: Report, fmt: str, table: str) -> Response:
    stem = f"kpi_{report.label}"
    if fmt == "xlsx":
        body, media, name, ascii_name = (
            report_xlsx(report),
            XLSX_MEDIA_TYPE,
            f"{stem}.xlsx",
            f"kpi-{report.fiscal_year}.xlsx",
        )
    else:
        chosen, suffix = (report.monthly, "月別") if table == "monthly" else (report.yearly, "年度別")
        body, media = table_csv(chosen), CSV_MEDIA_TYPE
        name, ascii_name = f"{stem}_{suffix}.csv", f"kpi-{report.fiscal_year}-{table}.csv"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@router.get(
    "/download", response_class=Response, responses={200: {"content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}}}
)
def download_report(
    user: Reader,
    db: SessionDep,
    settings: SettingsDep,
    request: Request,
    format: Literal["csv", "xlsx"] = Query(
        default="csv", description="csv（表1つ）/ xlsx（年度別・月別・目標値のシート）"
    ),
    table: Literal["yearly", "monthly"] = Query(default="yearly", description="CSV の表: yearly=年度別 / monthly=月別"),
    fiscal_year: FiscalYear = None,
    from_year: FromYear = None,
    department_id: DepartmentFilter = None,
) -> Response:
    """Exactly the figures the report page displays (same rounding, "—" for no data)."""
    report = load_report(db, settings, user, fiscal_year, from_year, department_id)
    record(
        db,
        user,
        "report_downloaded",
        target_type="report",
        ip=client_ip(request),
        format=format,
        fiscal_year=report.fiscal_year,
        department_id=department_id,
    )
    db.commit()
    return download_response(report, format, table)


# --- month closing ---------------------------------------------------------------------------


@router.get("/closures", response_model=list[ClosureOut])
def get_closures(_: Reader, db: SessionDep) -> list[ClosureOut]:
    """Closed months (department-months and whole months), newest first."""
    return [ClosureOut.from_row(r) for r in list_closures(db)]


@router.post("/closures", response_model=ClosureOut, status_code=201)
def post_closure(body: ClosureIn, user: Admin, db: SessionDep, request: Request) -> ClosureOut:
    """Close a month for one department or all; afterwards survey and editing-time changes for
    meetings processed in it answer 409."""
    row = close_month(db, user, body.year, body.month, body.department_id, client_ip(request))
    db.commit()
    db.refresh(row)
    return ClosureOut.from_row(row)


@router.delete("/closures/{closure_id}", status_code=204)
def delete_closure(closure_id: PathId, user: Admin, db: SessionDep, request: Request) -> Response:
    """Reopen a closed month."""
    reopen_month(db, user, closure_id, client_ip(request))
    db.commit()
    return Response(status_code=204)
