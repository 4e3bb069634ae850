"""会議資料 on a meeting (issue 15): attach several files, see their terms, limits and bad files
answered in both languages, other departments kept out, and the job's run getting them; the terms
are found once per file and stored with it."""

from __future__ import annotations

import io

import docx
import pytest

AGENDA = "産業振興委員会　資料\n1　島本町と千早赤阪村の連携事業\n2　補助金　約2,100万円（試算）\n".encode()


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _attach(client, h, meeting_id: int, *files: tuple[str, bytes]):
    return client.post(
        f"/api/meetings/{meeting_id}/materials",
        headers=h,
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
    )


def test_several_files_are_attached_and_their_terms_listed(client, auth, meeting_id) -> None:
    h = auth("staff_a")
    r = _attach(client, h, meeting_id, ("agenda.txt", AGENDA), ("report.docx", _docx("ミナモト工業団地の拡張")))
    assert r.status_code == 201, r.text
    body = r.json()
    assert [f["filename"] for f in body["files"]] == ["agenda.txt", "report.docx"]
    terms = {t["surface"]: t for t in body["terms"]}
    assert {"島本町", "千早赤阪村", "ミナモト工業団地"} <= set(terms)
    assert terms["千早赤阪村"]["reading"] == "チハヤアカサカムラ" and terms["千早赤阪村"]["kind"] == "place"
    assert body["figures"] == ["約2,100万円"]
    assert client.get(f"/api/meetings/{meeting_id}/materials", headers=auth("clerk_a")).json() == body


def test_a_bad_file_keeps_none_of_the_upload_and_says_why(client, auth, meeting_id) -> None:
    h = auth("staff_a")
    r = _attach(client, h, meeting_id, ("agenda.txt", AGENDA), ("scan.png", b"\x89PNG\r\n"))
    assert r.status_code == 422
    body = r.json()
    assert "scan.png" in body["message_ja"] and "対応していません" in body["message_ja"]
    assert "unsupported file type" in body["message_en"]
    assert client.get(f"/api/meetings/{meeting_id}/materials", headers=h).json()["files"] == []


def test_limits_on_size_and_count(client, auth, meeting_id, settings) -> None:
    h = auth("staff_a")
    big = b"a" * (settings.max_materials_mb * 1024 * 1024 + 10)
    r = _attach(client, h, meeting_id, ("big.txt", big))
    assert r.status_code == 413 and "MB" in r.json()["message_ja"]
    files = [(f"{i}.txt", AGENDA) for i in range(settings.max_materials_per_meeting + 1)]
    r = _attach(client, h, meeting_id, *files)
    assert r.status_code == 422 and r.json()["error"] == "too_many_materials"
    assert _attach(client, h, meeting_id).status_code == 422


def test_other_departments_cannot_see_attach_or_delete(client, auth, meeting_id) -> None:
    h = auth("staff_a")
    material = _attach(client, h, meeting_id, ("agenda.txt", AGENDA)).json()["files"][0]
    other = auth("staff_b")
    assert client.get(f"/api/meetings/{meeting_id}/materials", headers=other).status_code == 404
    assert _attach(client, other, meeting_id, ("x.txt", AGENDA)).status_code == 404
    assert client.delete(f"/api/meetings/{meeting_id}/materials/{material['id']}", headers=other).status_code == 404
    assert client.delete(f"/api/meetings/{meeting_id}/materials/{material['id']}", headers=h).status_code == 204
    assert client.get(f"/api/meetings/{meeting_id}/materials", headers=h).json()["terms"] == []


def test_a_job_of_the_meeting_runs_with_its_materials(client, auth, app, meeting_id) -> None:
    """What a later job (a retry after attaching) is given: the runner reads them from the database."""
    from service.db.models import Job
    from service.jobs.runner import _run_options

    _attach(client, auth("staff_a"), meeting_id, ("agenda.txt", AGENDA))
    with app.state.ctx.sessions() as db:
        job = db.query(Job).filter(Job.meeting_id == meeting_id).one()
        materials = _run_options(db, job, app.state.ctx.settings).materials
    assert materials is not None and "千早赤阪村" in {t.surface for t in materials.terms}


def test_a_meeting_without_materials_runs_without(pipeline, meeting_id) -> None:
    assert pipeline.received[-1].materials is None


def test_materials_sent_with_the_recording_reach_its_first_job(client, auth, pipeline) -> None:
    from svc_helpers import make_wav, wait_job

    h = auth("staff_a")
    files = [
        ("materials", ("agenda.txt", AGENDA, "text/plain")),
        ("materials", ("report.docx", _docx("ミナモト工業団地の拡張"), "application/octet-stream")),
        ("file", ("会議.wav", make_wav(), "audio/wav")),
    ]
    r = client.post("/api/meetings", headers=h, data={"title": "資料つき"}, files=files)
    assert r.status_code == 201, r.text
    wait_job(client, h, r.json()["job"]["id"])
    materials = pipeline.received[-1].materials
    assert materials is not None and {"千早赤阪村", "ミナモト工業団地"} <= {t.surface for t in materials.terms}
    listed = client.get(f"/api/meetings/{r.json()['meeting']['id']}/materials", headers=h).json()
    assert [f["filename"] for f in listed["files"]] == ["agenda.txt", "report.docx"]


def test_a_bad_material_with_the_recording_refuses_the_whole_upload(client, auth) -> None:
    from svc_helpers import make_wav

    h = auth("staff_a")
    files = [("materials", ("scan.png", b"\x89PNG", "image/png")), ("file", ("会議.wav", make_wav(), "audio/wav"))]
    r = client.post("/api/meetings", headers=h, data={"title": "資料つき"}, files=files)
    assert r.status_code == 422 and "scan.png" in r.json()["message_ja"]
    assert client.get("/api/meetings", headers=h).json()["total"] == 0


def test_replacements_and_suggestions_survive_a_save(client, auth, meeting_id) -> None:
    """The editor saves turns with what is left of them, so a later session can still undo/accept."""
    h = auth("staff_a")
    minutes = client.get(f"/api/meetings/{meeting_id}/transcript", headers=h).json()["minutes"]
    turn = minutes["turns"][0]
    turn["replacements"] = [{"original": "委員回", "replacement": "委員会", "start": 3, "similarity": 1.0}]
    turn["suggestions"] = [
        {"kind": "figure", "original": "約2000万円", "suggestion": "約2,100万円", "start": 0, "similarity": 0.5}
    ]
    r = client.put(f"/api/meetings/{meeting_id}/transcript", headers=h, json={"base_revision": 1, "minutes": minutes})
    assert r.status_code in (200, 201), r.text
    saved = client.get(f"/api/meetings/{meeting_id}/transcript", headers=h).json()["minutes"]["turns"][0]
    assert saved["replacements"] == turn["replacements"] and saved["suggestions"] == turn["suggestions"]
    turn["suggestions"][0]["kind"] = "guess"
    r = client.put(f"/api/meetings/{meeting_id}/transcript", headers=h, json={"base_revision": 2, "minutes": minutes})
    assert r.status_code == 422


@pytest.fixture
def term_finds(monkeypatch) -> list[str]:
    """The texts the term extractor was run on (``service.materials.file_terms``), in order."""
    import service.materials

    calls: list[str] = []
    real = service.materials.file_terms

    def counting(text: str):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(service.materials, "file_terms", counting)
    return calls


def test_terms_are_found_once_when_attached_not_on_each_view_or_job(client, auth, app, meeting_id, term_finds) -> None:
    from service.db.models import Job
    from service.jobs.runner import _run_options

    h = auth("staff_a")
    attached = _attach(client, h, meeting_id, ("agenda.txt", AGENDA), ("report.docx", _docx("ミナモト工業団地の拡張")))
    assert attached.status_code == 201 and len(term_finds) == 2
    for _ in range(2):
        assert client.get(f"/api/meetings/{meeting_id}/materials", headers=h).json() == attached.json()
    with app.state.ctx.sessions() as db:
        job = db.query(Job).filter(Job.meeting_id == meeting_id).one()
        materials = _run_options(db, job, app.state.ctx.settings).materials
    assert materials is not None and {"千早赤阪村", "ミナモト工業団地"} <= {t.surface for t in materials.terms}
    assert len(term_finds) == 2


@pytest.mark.parametrize("stored", [None, {"version": 0, "terms": []}], ids=["before-0009", "older-extractor"])
def test_a_material_without_current_terms_gets_them_on_first_use_and_keeps_them(
    client, auth, app, meeting_id, term_finds, stored
) -> None:
    from service.db.models import MeetingMaterial

    h = auth("staff_a")
    expected = _attach(client, h, meeting_id, ("agenda.txt", AGENDA)).json()
    with app.state.ctx.sessions() as db:
        db.query(MeetingMaterial).update({MeetingMaterial.terms: stored})
        db.commit()
    term_finds.clear()
    for _ in range(2):
        assert client.get(f"/api/meetings/{meeting_id}/materials", headers=h).json() == expected
    assert len(term_finds) == 1
    with app.state.ctx.sessions() as db:
        assert db.query(MeetingMaterial).one().terms["terms"]
