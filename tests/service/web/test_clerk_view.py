"""The meeting page for users without the edit permission (issue 14, item 6): once the
transcript is done it links clerks and evaluators to the read-only view of the draft, rendered
visible at first paint; the view itself offers no editing, export or survey; clerks and
evaluators still may not export (the permission table is unchanged, the API still says 403)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from svc_helpers import PASSWORD, upload, wait_job

from exporters import FORMATS
from service.db.models import Department, Role, User

READ_ONLY_LINK = "会議録を見る（閲覧のみ）"


def _login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    r = client.post("/login", data={"username": username, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text


def _link_tag(html: str, text: str) -> str:
    """The opening ``<a ...>`` tag of the link with this text, or ""."""
    m = re.search(r"(<a [^>]*>)" + re.escape(text) + "</a>", html)
    return m.group(1) if m else ""


@pytest.fixture
def done_meeting(client: TestClient, auth) -> int:
    r = upload(client, auth("staff_a"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert wait_job(client, auth("staff_a"), body["job"]["id"])["status"] == "done"
    return int(body["meeting"]["id"])


@pytest.fixture
def evaluator_a(app) -> str:
    """An evaluator who belongs to 総務課 (the seeded one has no department, hence no meetings)."""
    with app.state.ctx.sessions() as db:
        seeded = db.query(User).filter_by(username="evaluator").one()
        dept = db.query(Department).filter_by(name="総務課").one()
        db.add(
            User(username="evaluator_a", password_hash=seeded.password_hash, role=Role.evaluator, department_id=dept.id)
        )
        db.commit()
    return "evaluator_a"


@pytest.mark.parametrize("username", ["clerk_a", "evaluator_a"])
def test_meeting_page_links_viewers_to_the_read_only_draft(
    client: TestClient, done_meeting: int, evaluator_a: str, username: str
) -> None:
    _login(client, username)
    page = client.get(f"/meetings/{done_meeting}").text
    tag = _link_tag(page, READ_ONLY_LINK)
    assert f'href="/meetings/{done_meeting}/edit"' in tag
    assert "hidden" not in tag  # done: visible before any script runs
    assert "会議録を編集" not in page and "/survey" not in page and "/export/" not in page

    view = client.get(f"/meetings/{done_meeting}/edit").text
    assert 'data-can-edit="0"' in view and 'data-can-export="0"' in view
    assert 'id="read-only-note"' in view
    assert 'id="save-button"' not in view and 'id="export-menu"' not in view and "/survey" not in view


def test_read_only_link_waits_for_the_transcript(client: TestClient, auth, pipeline) -> None:
    pipeline.delay = 5.0  # still running while the page is fetched
    r = upload(client, auth("staff_a"))
    meeting_id = r.json()["meeting"]["id"]
    _login(client, "clerk_a")
    tag = _link_tag(client.get(f"/meetings/{meeting_id}").text, READ_ONLY_LINK)
    assert tag and "hidden" in tag  # meeting.js shows it when the job is done
    client.post(f"/api/jobs/{r.json()['job']['id']}/cancel", headers=auth("staff_a"))
    assert pipeline.wait_ended()


def test_staff_get_the_edit_link_and_not_the_read_only_one(client: TestClient, done_meeting: int) -> None:
    _login(client, "staff_a")
    page = client.get(f"/meetings/{done_meeting}").text
    assert "hidden" not in _link_tag(page, "会議録を編集")
    assert READ_ONLY_LINK not in page and 'id="read-only-note"' not in client.get(f"/meetings/{done_meeting}/edit").text


@pytest.mark.parametrize("username", ["clerk_a", "evaluator_a"])
def test_viewers_still_may_not_export(
    client: TestClient, auth, done_meeting: int, evaluator_a: str, username: str
) -> None:
    for fmt in FORMATS:
        assert client.get(f"/api/meetings/{done_meeting}/export/{fmt}", headers=auth(username)).status_code == 403
    assert client.get(f"/api/meetings/{done_meeting}/export/txt", headers=auth("staff_a")).status_code == 200
