"""The report and survey pages without a browser: access per role, the month rules on the form,
and the negative time-saved flag."""

from __future__ import annotations

import re

import pytest
from kpi_helpers import jst, seed_meeting
from svc_helpers import PASSWORD


def login(client, username: str) -> str:
    r = client.post("/login", data={"username": username, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.cookies.get("gijiroku_csrf")


@pytest.fixture
def meeting(app, client, auth):
    mid = seed_meeting(app, "総務課", jst(2025, 3, 31, 23, 30), processing_seconds=300)
    seed_meeting(app, "議会事務局", jst(2024, 6, 5, 12))  # zero respondents
    return mid


def test_reports_page_per_role(client, auth, meeting):
    assert client.get("/reports", follow_redirects=False).headers["location"] == "/login?next=%2Freports"
    login(client, "clerk_a")
    r = client.get("/reports")
    assert r.status_code == 403 and "権限がありません" in r.text
    login(client, "evaluator")
    r = client.get("/reports?fiscal_year=2024&department_id=")
    assert r.status_code == 200
    assert "令和6年度" in r.text and r.text.count("<svg") == 5
    assert "目標 70%" in r.text and "目標 76%" in r.text and "目標 82.5時間/月" in r.text
    row = re.search(r"<tr><td[^>]*>議会事務局</td>(.*?)</tr>", r.text).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[4:8] == ["0", "—", "—", "—"]  # 回答数 0 → 満足度・継続利用意向・削減時間 "—"
    assert "/api/reports/download?format=xlsx&amp;fiscal_year=2024" in r.text
    assert client.get("/reports?department_id=x").status_code == 422


def test_staff_page_is_own_department_only(client, auth, meeting):
    login(client, "staff_b")
    r = client.get("/reports?fiscal_year=2024")
    assert r.status_code == 200 and "議会事務局" in r.text and "総務課" not in r.text
    assert client.get("/reports?department_id=1").status_code == 403


def test_survey_form_flow(client, auth, meeting):
    csrf = login(client, "staff_a")
    page = client.get(f"/meetings/{meeting}/survey")
    assert page.status_code == 200 and "令和7年3月" in page.text and "回答を送信" in page.text
    url = f"/meetings/{meeting}/survey"
    form = {"satisfaction": "satisfied", "continued_use": "yes", "estimated_minutes": "10", "review_minutes": "20"}
    assert client.post(url, data=form, follow_redirects=False).status_code == 403  # no CSRF token
    bad = client.post(url, data={**form, "estimated_minutes": "", "csrf_token": csrf}, follow_redirects=False)
    assert bad.status_code == 422 and "見込み時間" in bad.text
    r = client.post(url, data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{url}?saved=1"
    page = client.get(f"{url}?saved=1").text
    assert "回答を保存しました" in page
    assert re.search(r'id="minutes-saved" class="saved neg">-10.0分', page)  # 10 − 20: shown red, flagged
    assert "マイナス" in page

    admin_csrf = login(client, "admin")
    r = client.post(
        "/reports/closures",
        data={"month": "2025-03", "department_id": "1", "csrf_token": admin_csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "closure=closed" in r.headers["location"]
    assert "令和7年3月" in client.get("/reports?fiscal_year=2024").text

    csrf = login(client, "staff_a")
    page = client.get(url).text
    assert "締め済みのため、回答を変更できません" in page and "回答を更新" not in page
    r = client.post(url, data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 409 and "令和7年3月分は締め済み" in r.text


def test_other_department_survey_page_is_404(client, auth, meeting):
    login(client, "staff_b")
    r = client.get(f"/meetings/{meeting}/survey")
    assert r.status_code == 404 and "見つかりません" in r.text


def test_closure_form_needs_admin(client, auth, meeting):
    csrf = login(client, "evaluator")
    r = client.post("/reports/closures", data={"month": "2025-03", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 403
