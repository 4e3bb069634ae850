"""The export route serves every format ``exporters`` knows, with the media type ``exporters``
gives it, and documents exactly those in OpenAPI."""

from __future__ import annotations

from kpi_helpers import jst, seed_meeting

from exporters import FORMATS, media_type


def test_each_format_downloads_with_the_exporters_media_type(app, client, auth):
    meeting = seed_meeting(app, "総務課", jst(2025, 3, 3, 10))
    h = auth("staff_a")
    for fmt in FORMATS:
        r = client.get(f"/api/meetings/{meeting}/export/{fmt}", headers=h)
        assert r.status_code == 200, (fmt, r.text)
        assert r.headers["content-type"] == media_type(fmt)
    assert client.get(f"/api/meetings/{meeting}/export/pdf", headers=h).status_code == 422


def test_openapi_lists_the_exporters_formats(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/meetings/{meeting_id}/export/{fmt}"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {media_type(fmt) for fmt in FORMATS}
    fmt = next(p for p in operation["parameters"] if p["name"] == "fmt")
    assert fmt["schema"]["pattern"] == "^(" + "|".join(FORMATS) + ")$"
