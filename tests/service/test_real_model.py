"""The real embedded model end to end through the HTTP API, on a short Japanese clip."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from svc_helpers import HERE, bearer, make_settings, seed_users, upload, wait_job

from service.app import create_app

CLIP = HERE.parent / "fixtures" / "ja_short.wav"


@pytest.mark.slow
@pytest.mark.ci
def test_upload_transcribes_with_the_embedded_model(tmp_path: Path) -> None:
    if not CLIP.is_file():
        pytest.skip("tests/fixtures/ja_short.wav is missing")
    app = create_app(make_settings(tmp_path / "data"))  # no pipeline_factory: the real Pipeline
    with TestClient(app) as client:
        health = client.get("/healthz").json()
        assert health["model"]["ok"], health
        seed_users(app)
        h = bearer(client, "clerk_a")
        r = upload(client, h, CLIP.read_bytes(), filename="ja_short.wav", title="短い会議")
        assert r.status_code == 201, r.text
        job = wait_job(client, h, r.json()["job"]["id"], timeout=540)
        assert job["status"] == "done", job
        t = client.get(f"/api/meetings/{r.json()['meeting']['id']}/transcript", headers=h).json()
    minutes = t["minutes"]
    assert t["revision"] == 1 and minutes["meeting"]["title"] == "短い会議"
    text = "".join(turn["text"] for turn in minutes["turns"])
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text), text
    reference = "".join(
        line.split("\t")[-1] for line in CLIP.with_suffix(".txt").read_text(encoding="utf-8").splitlines()
    )
    expected = {ch for ch in reference if ch not in "、。"}
    assert len(expected & set(text)) >= len(expected) // 2, (reference, text)  # recognisably the same words
