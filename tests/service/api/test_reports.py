"""KPI reports: exact figures across departments, months and the 3/31 → 4/1 fiscal-year boundary,
department isolation, and CSV/XLSX files that hold exactly the displayed figures.

Seeded data (times in JST; each survey's minutes saved = estimate − (editing + review)):

総務課 (A)
  a1  2024-04-10 10:00  audio 3600 s, processing 600 s, revisions 「本日は晴天なり」→「本日は晴天です」
      (edit rate 2/7 = 28.571 %)
      staff_a  大変満足 / はい        estimate 120, editing 1200+600 s = 30 min  → +90
      admin    どちらともいえない / わからない  estimate 60, editing 3600 s = 60, review 30 → −30
  a2  2025-03-31 23:30  audio 1800 s, processing 300 s, one revision (no edit rate)
      staff_a  満足 / はい            estimate 90, editing 600 s = 10, review 20  → +60
  a3  2025-04-01 00:30  audio 7200 s, processing 1200 s, 3 revisions, last == draft (edit rate 0)
      staff_a  不満 / いいえ          estimate 30                              → +30
議会事務局 (B)
  b1  2024-06-05 12:00  audio 5400 s, processing 900 s, nobody answered (zero respondents)
  b2  still queued: not processed, never counted
"""

from __future__ import annotations

import csv
import io

import pytest
from kpi_helpers import answer, jst, seed_meeting
from openpyxl import load_workbook

D = "—"
COLUMNS = [
    "所属",
    "期間",
    "処理件数",
    "音声時間（時間）",
    "処理時間（時間）",
    "回答数",
    "満足度（%）",
    "継続利用意向（%）",
    "削減時間 合計（時間）",
    "削減時間 月平均（時間）",
    "削減時間がマイナスの回答",
    "修正率（%）",
    "修正率の対象会議",
    "録音品質 良好（件）",
    "録音品質 普通（件）",
    "録音品質 要改善（件）",
    "修正率 録音品質良好（%）",
    "修正率 録音品質普通（%）",
    "修正率 録音品質要改善（%）",
]
# the seeded meetings were never measured (no recording quality): no grade counts, no rates
NO_QUALITY = [0, 0, 0, None, None, None]

# 令和6年度 (FY2024) by department. 総務課: 2 meetings (4/10, 3/31; 4/1 is FY2025), 1.5 h audio,
# 900 s = 0.25 h → 0.3 processing, 3 responses, 2/3 satisfied and はい → 66.7 %, (90 − 30 + 60) / 60
# = 2.0 h saved over 2 months with responses → 1.0 h/month, 1 negative, edit rate 28.6 % (a1 only).
A_FY2024 = ["総務課", "令和6年度", 2, 1.5, 0.3, 3, 66.7, 66.7, 2.0, 1.0, 1, 28.6, 1, *NO_QUALITY]
# zero respondents
B_FY2024 = ["議会事務局", "令和6年度", 1, 1.5, 0.3, 0, None, None, None, None, 0, None, 0, *NO_QUALITY]
# 全体: 3 meetings, 3.0 h audio, 1800 s = 0.5 h processing, same surveys as 総務課
ALL_FY2024 = ["全体", "令和6年度", 3, 3.0, 0.5, 3, 66.7, 66.7, 2.0, 1.0, 1, 28.6, 1, *NO_QUALITY]
# 令和7年度: a3 only; 0 of 1 satisfied is a real 0 %, not "—"; 1200 s = 0.333 h → 0.3
A_FY2025 = ["総務課", "令和7年度", 1, 2.0, 0.3, 1, 0.0, 0.0, 0.5, 0.5, 0, 0.0, 1, *NO_QUALITY]
B_FY2025 = ["議会事務局", "令和7年度", 0, 0.0, 0.0, 0, None, None, None, None, 0, None, 0, *NO_QUALITY]
ALL_FY2025 = ["全体", "令和7年度", 1, 2.0, 0.3, 1, 0.0, 0.0, 0.5, 0.5, 0, 0.0, 1, *NO_QUALITY]

# 令和6年度 by month (department-months with processed meetings, then 全体 per month)
# 600 s = 0.167 h; (90 − 30) / 60
A_APR = ["総務課", "令和6年4月", 1, 1.0, 0.2, 2, 50.0, 50.0, 1.0, 1.0, 1, 28.6, 1, *NO_QUALITY]
A_MAR = ["総務課", "令和7年3月", 1, 0.5, 0.1, 1, 100.0, 100.0, 1.0, 1.0, 0, None, 0, *NO_QUALITY]  # 300 s = 0.083 h
B_JUN = ["議会事務局", "令和6年6月", 1, 1.5, 0.3, 0, None, None, None, None, 0, None, 0, *NO_QUALITY]
MONTHLY_2024 = [A_APR, A_MAR, B_JUN, ["全体", *A_APR[1:]], ["全体", *B_JUN[1:]], ["全体", *A_MAR[1:]]]


@pytest.fixture
def seeded(app, client, auth):
    a1 = seed_meeting(
        app,
        "総務課",
        jst(2024, 4, 10, 10),
        duration=3600,
        processing_seconds=600,
        revisions=("本日は晴天なり。", "本日は晴天です。"),
    )
    a2 = seed_meeting(app, "総務課", jst(2025, 3, 31, 23, 30), duration=1800, processing_seconds=300)
    a3 = seed_meeting(
        app,
        "総務課",
        jst(2025, 4, 1, 0, 30),
        duration=7200,
        processing_seconds=1200,
        revisions=("開会します。", "開会しました。", "開会します。"),
    )
    seed_meeting(app, "議会事務局", jst(2024, 6, 5, 12), duration=5400, processing_seconds=900)
    seed_meeting(app, "議会事務局", None)
    sa, ca = auth("staff_a"), auth("admin")  # only users who may edit answer (issue 10, row 5)
    answer(client, sa, a1, "very_satisfied", "yes", estimated=120, editing=(1200, 600))
    answer(client, ca, a1, "neutral", "unsure", estimated=60, review=30, editing=(3600,))
    answer(client, sa, a2, "satisfied", "yes", estimated=90, review=20, editing=(600,))
    answer(client, sa, a3, "dissatisfied", "no", estimated=30)


def _cells(table):
    return table["cells"]


def test_fiscal_years_and_months_across_the_boundary(client, auth, seeded):
    report = client.get("/api/reports?fiscal_year=2025&from_year=2024", headers=auth("evaluator")).json()
    assert report["fiscal_year_label"] == "令和7年度" and report["fiscal_years"] == [2024, 2025]
    assert report["columns"] == COLUMNS
    assert _cells(report["yearly"]) == [A_FY2024, A_FY2025, B_FY2024, B_FY2025, ALL_FY2024, ALL_FY2025]
    assert _cells(report["monthly"]) == [["総務課", "令和7年4月", *A_FY2025[2:]], ["全体", "令和7年4月", *A_FY2025[2:]]]

    report = client.get("/api/reports?fiscal_year=2024", headers=auth("evaluator")).json()
    assert _cells(report["yearly"]) == [A_FY2024, B_FY2024, ALL_FY2024]  # earliest data is FY2024
    assert _cells(report["monthly"]) == MONTHLY_2024


def test_json_rows_carry_exact_figures(client, auth, seeded):
    report = client.get("/api/reports?fiscal_year=2024", headers=auth("admin")).json()
    a, b, total = report["yearly"]["rows"]
    assert a["satisfaction_rate"] == pytest.approx(2 / 3) and a["continued_use_rate"] == pytest.approx(2 / 3)
    assert a["hours_saved"] == pytest.approx(2.0) and a["hours_saved_per_month"] == pytest.approx(1.0)
    assert a["processing_hours"] == pytest.approx(0.25) and a["edit_rate"] == pytest.approx(2 / 7)
    assert (a["responses"], a["satisfied"], a["continuing"], a["months_with_responses"]) == (3, 2, 2, 2)
    assert b["responses"] == 0 and b["satisfaction_rate"] is None and b["continued_use_rate"] is None
    assert b["hours_saved"] is None
    assert total["is_total"] is True and total["department"] == "全体"
    assert report["targets"] == {"satisfaction": 0.70, "continued_use": 0.76, "hours_saved_per_month": 82.5}


def test_staff_see_only_their_department(client, auth, seeded):
    a = client.get("/api/reports?fiscal_year=2024", headers=auth("staff_a")).json()
    assert [d["name"] for d in a["departments"]] == ["総務課"]
    assert _cells(a["yearly"]) == [A_FY2024]  # no 全体 row: it would reveal the other departments
    assert _cells(a["monthly"]) == [A_APR, A_MAR]
    b = client.get("/api/reports?fiscal_year=2024", headers=auth("staff_b")).json()
    assert _cells(b["yearly"]) == [B_FY2024] and _cells(b["monthly"]) == [B_JUN]
    # asking for another department is refused, in JSON and in downloads
    assert client.get("/api/reports?department_id=2", headers=auth("staff_a")).status_code == 403
    assert client.get("/api/reports/download?department_id=2", headers=auth("staff_a")).status_code == 403
    assert client.get("/api/reports?department_id=1", headers=auth("staff_a")).status_code == 200


def test_clerks_cannot_read_reports(client, auth, seeded):
    for url in ("/api/reports", "/api/reports/download?format=xlsx", "/api/reports/closures"):
        r = client.get(url, headers=auth("clerk_a"))
        assert r.status_code == 403 and r.json()["error"] == "forbidden"
    assert client.get("/api/reports").status_code == 401


def test_evaluator_can_narrow_to_one_department(client, auth, seeded):
    r = client.get("/api/reports?fiscal_year=2024&department_id=2", headers=auth("evaluator")).json()
    assert _cells(r["yearly"]) == [B_FY2024] and _cells(r["monthly"]) == [B_JUN]
    assert client.get("/api/reports?department_id=99", headers=auth("evaluator")).status_code == 404


def _text(cell):
    return D if cell is None else f"{cell:.1f}" if isinstance(cell, float) else str(cell)


def test_csv_holds_exactly_the_displayed_figures(client, auth, seeded):
    h = auth("evaluator")
    r = client.get("/api/reports/download?format=csv&table=yearly&fiscal_year=2024", headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        "filename*=UTF-8''kpi_%E4%BB%A4%E5%92%8C6%E5%B9%B4%E5%BA%A6_%E5%B9%B4%E5%BA%A6%E5%88%A5.csv"
        in r.headers["content-disposition"]
    )
    assert r.content.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS
    assert rows[1:] == [[_text(c) for c in row] for row in (A_FY2024, B_FY2024, ALL_FY2024)]
    assert rows[2][6:10] == [D, D, D, D]  # zero respondents: "—", never 0 %
    assert rows[1][6] == "66.7"

    r = client.get("/api/reports/download?format=csv&table=monthly&fiscal_year=2024", headers=h)
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[1:] == [[_text(c) for c in row] for row in MONTHLY_2024]


def test_xlsx_holds_exactly_the_displayed_figures(client, auth, seeded):
    r = client.get("/api/reports/download?format=xlsx&fiscal_year=2024", headers=auth("evaluator"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["年度別", "月別", "目標値"]
    yearly = [list(row) for row in wb["年度別"].iter_rows(values_only=True)]
    assert yearly[0][0] == "所属別・年度別"
    assert yearly[1] == COLUMNS
    expected = [[D if c is None else c for c in row] for row in (A_FY2024, B_FY2024, ALL_FY2024)]
    assert yearly[2:] == expected
    monthly = [list(row) for row in wb["月別"].iter_rows(values_only=True)]
    assert monthly[0][0] == "所属別・月別（令和6年度）"
    assert monthly[2:] == [[D if c is None else c for c in row] for row in MONTHLY_2024]
    targets = [list(row) for row in wb["目標値"].iter_rows(values_only=True)]
    assert targets == [
        ["指標", "目標"],
        ["満足度（%）", 70.0],
        ["継続利用意向（%）", 76.0],
        ["削減時間 月平均（時間）", 82.5],
    ]


def test_targets_come_from_settings(tmp_path):
    from fastapi.testclient import TestClient
    from svc_helpers import bearer, make_settings, seed_users

    from service.app import create_app

    app = create_app(make_settings(tmp_path / "d", target_satisfaction=0.8, target_hours_saved_per_month=40))
    with TestClient(app) as c:
        seed_users(app)
        got = c.get("/api/reports", headers=bearer(c, "evaluator")).json()["targets"]
    assert got == {"satisfaction": 0.8, "continued_use": 0.76, "hours_saved_per_month": 40.0}


def test_edits_after_the_draft_change_the_edit_rate(client, auth, app):
    """The edit rate follows the last saved revision: saving through the API updates it."""
    mid = seed_meeting(app, "総務課", jst(2024, 5, 1, 9), revisions=("会議を開きます",))
    h = auth("staff_a")
    minutes = client.get(f"/api/meetings/{mid}/transcript", headers=h).json()["minutes"]
    minutes["turns"][0]["clean_text"] = "会議を開会します"  # 7 → 8 chars: 開き → 開会 (1 sub) + し (1 ins)
    r = client.put(f"/api/meetings/{mid}/transcript", headers=h, json={"base_revision": 1, "minutes": minutes})
    assert r.status_code == 200, r.text
    rows = client.get("/api/reports?fiscal_year=2024", headers=h).json()["yearly"]["rows"]
    assert rows[0]["edit_rate"] == pytest.approx(2 / 8)  # 2 edits over the final's 8 characters
    assert rows[0]["edit_rate_meetings"] == 1


def test_department_names_cannot_inject_formulas_or_break_the_xlsx(app, client, auth):
    admin = auth("admin")
    assert client.post("/api/departments", headers=admin, json={"name": '=HYPERLINK("x")'}).status_code == 201
    assert client.post("/api/departments", headers=admin, json={"name": "制御\x01文字"}).status_code == 422  # issue 10
    from service.db.models import Department

    with app.state.ctx.sessions() as db:  # a name stored before requests were checked still exports
        db.add(Department(name="制御\x01文字"))
        db.commit()
    seed_meeting(app, '=HYPERLINK("x")', jst(2024, 5, 1, 9))
    r = client.get("/api/reports/download?format=csv&fiscal_year=2024", headers=admin)
    names = [row[0] for row in csv.reader(io.StringIO(r.content.decode("utf-8-sig")))]
    assert names == ["所属", "総務課", "議会事務局", '\'=HYPERLINK("x")', "制御\x01文字", "全体"]
    r = client.get("/api/reports/download?format=xlsx&fiscal_year=2024", headers=admin)
    ws = load_workbook(io.BytesIO(r.content))["年度別"]
    assert [ws.cell(row=n, column=1).value for n in range(3, 8)] == [
        "総務課",
        "議会事務局",
        '\'=HYPERLINK("x")',
        "制御文字",
        "全体",
    ]
    assert ws.cell(row=5, column=1).data_type == "s"
