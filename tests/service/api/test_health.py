"""/healthz reports database, queue and model readiness without loading the model."""

from __future__ import annotations

from fastapi.testclient import TestClient
from svc_helpers import make_settings

from service.app import create_app


def test_healthz_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["database"]["detail"] == "sqlite"
    assert "1 thread" in body["queue"]["detail"]


def test_healthz_reports_missing_model(tmp_path):
    settings = make_settings(tmp_path / "data", model_cache_dir=tmp_path / "empty-cache")  # the real pipeline's files
    with TestClient(create_app(settings)) as c:
        r = c.get("/healthz")
    assert r.status_code == 503
    assert r.json()["model"] == {"ok": False, "detail": "embedded model missing: run `gijiroku prepare-model`"}
    assert r.json()["database"]["ok"] and r.json()["queue"]["ok"]
