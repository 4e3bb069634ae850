"""Audio retention: old recordings are deleted (audited), meetings and transcripts stay."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from svc_helpers import stored_files, upload, wait_job

from service.cli import main as cli_main
from service.db.models import AuditLog, Meeting
from service.retention import sweep


def test_sweep_deletes_only_expired_audio(client, auth, app, settings):
    h = auth("clerk_a")
    old = upload(client, h, title="古い会議").json()
    new = upload(client, h, title="新しい会議").json()
    for created in (old, new):
        wait_job(client, h, created["job"]["id"])
    with app.state.ctx.sessions() as db:
        db.execute(
            update(Meeting)
            .where(Meeting.id == old["meeting"]["id"])
            .values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=settings.audio_retention_days + 1))
        )
        db.commit()
        assert sweep(db, settings) == 1
        assert sweep(db, settings) == 0  # idempotent
        audit = db.scalars(select(AuditLog).where(AuditLog.action == "audio_deleted")).all()
    assert [(a.target_id, a.username, a.detail["reason"]) for a in audit] == [
        (old["meeting"]["id"], "system", "retention")
    ]
    assert len(stored_files(settings)) == 1
    assert client.get(f"/api/meetings/{old['meeting']['id']}/audio", headers=h).status_code == 404
    assert client.get(f"/api/meetings/{old['meeting']['id']}/transcript", headers=h).status_code == 200
    assert client.get(f"/api/meetings/{new['meeting']['id']}/audio", headers=h).status_code == 200


def test_cli_sweep(client, auth, app, settings, monkeypatch, capsys):
    h = auth("clerk_a")
    created = upload(client, h).json()
    wait_job(client, h, created["job"]["id"])
    monkeypatch.setenv("GIJIROKU_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GIJIROKU_AUDIO_RETENTION_DAYS", "0")
    from service.config import get_settings

    get_settings.cache_clear()
    try:
        assert cli_main(["retention", "sweep"]) == 0
    finally:
        get_settings.cache_clear()
    assert "deleted audio of 1 meeting(s)" in capsys.readouterr().out
    assert stored_files(settings) == []
