"""The API's error shape (service/errors.py): both languages as fields, and what a bug looks like
from outside (an error id, the same id in the logged traceback, the security headers)."""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.security_headers import CONTENT_SECURITY_POLICY, HEADERS


def _assert_bilingual(body: dict[str, str], code: str) -> None:
    assert body["error"] == code
    assert body["message_ja"] and body["message_en"]
    assert body["detail"] == f"{body['message_ja']}（{body['message_en']}）"  # kept for API clients


def test_errors_carry_japanese_and_english_as_fields(client: TestClient, auth) -> None:
    headers = auth("staff_a")
    r = client.get("/api/meetings/424242", headers=headers)
    assert r.status_code == 404
    _assert_bilingual(r.json(), "not_found")
    assert r.json()["message_ja"] == "会議が見つかりません。" and r.json()["message_en"] == "The meeting was not found."
    _assert_bilingual(client.get("/api/meetings?per_page=x", headers=headers).json(), "invalid_request")
    _assert_bilingual(client.get("/api/no/such/thing").json(), "not_found")
    _assert_bilingual(client.get("/api/meetings").json(), "unauthenticated")


def test_unexpected_error_shows_an_id_logs_it_and_keeps_the_security_headers(
    app: FastAPI, client: TestClient, caplog
) -> None:
    """A bug answers 500 in the API's shape with an error id and no internals; the traceback is
    logged with the same id. The response comes from Starlette's outermost error middleware,
    which the SecurityHeaders middleware does not wrap, so the handler adds the headers itself."""

    def boom() -> None:
        raise RuntimeError("internal detail /srv/secret")

    app.add_api_route("/api/test-boom", boom)
    with TestClient(app, raise_server_exceptions=False) as raw, caplog.at_level(logging.ERROR):
        r = raw.get("/api/test-boom")
    assert r.status_code == 500
    body = r.json()
    _assert_bilingual(body, "internal_error")
    assert "secret" not in r.text and "RuntimeError" not in r.text
    error_id = re.search(r"エラーID: ([0-9a-f]{8})", body["message_ja"]).group(1)
    assert f"error id: {error_id}" in body["message_en"]
    logged = [rec for rec in caplog.records if error_id in rec.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None and logged[0].levelno == logging.ERROR
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for name, value in HEADERS.items():
        assert r.headers[name] == value
