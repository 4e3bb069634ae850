"""Recording-quality diagnostics through the service (issue 12, item 5): measured by the run,
stored on the job, returned by the job and meeting APIs, kept in the minutes JSON and its export,
and split out in the KPI report so edit rates can be read against recording quality."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_pipeline import FakePipeline
from kpi_helpers import jst, seed_meeting
from recording_conditions import add_noise, reverberate, speech, wav_bytes
from sqlalchemy import select
from svc_helpers import upload, wait_job

from models.audio import decode_audio
from models.quality import ADVICE, estimate_quality
from models.types import MeetingInfo, Minutes
from service.db.models import Job


class MeasuringPipeline(FakePipeline):
    """The fake pipeline plus the real quality estimate, as ``models.pipeline.Pipeline`` makes it."""

    def _run(self, audio_path: Path, meeting: MeetingInfo, progress, options) -> Minutes:  # type: ignore[no-untyped-def]
        minutes = super()._run(audio_path, meeting, progress, options)
        minutes.quality = estimate_quality(decode_audio(Path(audio_path)))
        return minutes


@pytest.fixture
def pipeline() -> FakePipeline:
    return MeasuringPipeline()


@pytest.fixture(scope="module")
def far_room() -> bytes:
    """A reverberant (T60 1 s), noisy (12 dB pink noise) recording of the meeting fixture."""
    return wav_bytes(add_noise(reverberate(speech(), 1.0), 12, "pink"))


def test_a_degraded_upload_gets_grade_and_advice_everywhere(app, client, auth, far_room):
    h = auth("staff_a")
    created = upload(client, h, content=far_room).json()
    job = wait_job(client, h, created["job"]["id"])
    assert job["status"] == "done"
    quality = job["recording_quality"]
    assert quality["grade"] == "poor" and quality["grade_label"] == "要改善"
    assert ADVICE["reverb"] in quality["advice"] and ADVICE["noise"] in quality["advice"]
    assert quality["snr_db"] < 20 and quality["reverb_t60_s"] > 0.9

    meeting = client.get(f"/api/meetings/{created['meeting']['id']}", headers=h).json()
    assert meeting["latest_job"]["recording_quality"] == quality
    with app.state.ctx.sessions() as db:  # stored on the job row
        assert db.scalar(select(Job.recording_quality).where(Job.id == job["id"]))["grade"] == "poor"

    transcript = client.get(f"/api/meetings/{created['meeting']['id']}/transcript", headers=h).json()
    stored = {k: v for k, v in quality.items() if k != "grade_label"}
    assert transcript["minutes"]["quality"] == stored
    exported = client.get(f"/api/meetings/{created['meeting']['id']}/export/json", headers=h).json()
    assert exported["quality"] == stored

    # an editor's save keeps it (the editor sends the whole minutes back)
    minutes = transcript["minutes"]
    minutes["turns"][0]["text"] += "（修正）"
    saved = client.put(
        f"/api/meetings/{created['meeting']['id']}/transcript",
        headers=h,
        json={"base_revision": transcript["revision"], "minutes": minutes},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["minutes"]["quality"] == stored


def test_a_clean_upload_is_good_and_a_queued_job_has_none(client, auth):
    h = auth("staff_a")
    created = upload(client, h, content=wav_bytes(speech())).json()
    assert created["job"]["recording_quality"] is None  # not measured before the run
    job = wait_job(client, h, created["job"]["id"])
    assert job["recording_quality"]["grade"] == "good" and job["recording_quality"]["advice"] == []


def test_a_save_with_an_invalid_quality_is_refused(client, auth, meeting_id):
    h = auth("staff_a")
    transcript = client.get(f"/api/meetings/{meeting_id}/transcript", headers=h).json()
    minutes = {**transcript["minutes"], "quality": {"grade": "excellent", "clipping_ratio": 2}}
    r = client.put(
        f"/api/meetings/{meeting_id}/transcript",
        headers=h,
        json={"base_revision": transcript["revision"], "minutes": minutes},
    )
    assert r.status_code == 422 and r.json()["error"] == "invalid_minutes"


def test_report_rows_split_meetings_and_edit_rates_by_grade(app, client, auth):
    edited = ("本日は晴天なり。", "本日は晴天です。")  # edit rate 2/7 = 28.6 %
    seed_meeting(app, "総務課", jst(2024, 5, 10, 10), quality_grade="poor", revisions=edited)
    seed_meeting(app, "総務課", jst(2024, 5, 11, 10), quality_grade="good", revisions=("開会します。", "開会します。"))
    seed_meeting(app, "総務課", jst(2024, 5, 12, 10), quality_grade="fair")  # no edit saved: no rate
    seed_meeting(app, "総務課", jst(2024, 5, 13, 10))  # measured before issue 12: in no grade
    report = client.get("/api/reports?fiscal_year=2024", headers=auth("evaluator")).json()
    row = report["yearly"]["rows"][0]
    assert row["department"] == "総務課" and row["meetings"] == 4
    assert row["quality_meetings"] == {"good": 1, "fair": 1, "poor": 1}
    assert row["quality_edit_rates"]["good"] == 0.0
    assert row["quality_edit_rates"]["poor"] == pytest.approx(2 / 7)
    assert row["quality_edit_rates"]["fair"] is None
    assert report["yearly"]["cells"][0][-6:] == [1, 1, 1, 0.0, None, 28.6]

    csv = client.get("/api/reports/download?format=csv&fiscal_year=2024", headers=auth("evaluator"))
    header, first = csv.content.decode("utf-8-sig").splitlines()[:2]
    assert header.split(",")[-6:] == [
        "録音品質 良好（件）",
        "録音品質 普通（件）",
        "録音品質 要改善（件）",
        "修正率 録音品質良好（%）",
        "修正率 録音品質普通（%）",
        "修正率 録音品質要改善（%）",
    ]
    assert first.endswith("1,1,1,0.0,—,28.6")
