"""service.body_guard hands the JSON it checked on to the transcript save (ParsedJsonRoute), so a
large save is parsed once; a body it did not accept as JSON is still parsed (and answered) by
FastAPI as before. The guard's refusals themselves: tests/service/api/test_hardening_input.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient


def _count_parses(monkeypatch: pytest.MonkeyPatch, body: bytes) -> list[int]:
    """json.loads calls on exactly ``body`` (the guard's and Starlette's both go through it)."""
    calls: list[int] = []
    loads = json.loads

    def counting(s: Any, *args: Any, **kwargs: Any) -> Any:
        if s == body:
            calls.append(1)
        return loads(s, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    return calls


def test_a_transcript_save_is_parsed_once(
    client: TestClient, auth: Callable[[str], dict[str, str]], meeting_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = auth("staff_a")
    url = f"/api/meetings/{meeting_id}/transcript"
    minutes = client.get(url, headers=h).json()["minutes"]
    minutes["turns"][0]["clean_text"] = "一度だけ読む" * 2000  # a large save
    body = json.dumps({"base_revision": 1, "minutes": minutes, "kind": "manual"}).encode()
    calls = _count_parses(monkeypatch, body)
    r = client.put(url, headers={**h, "Content-Type": "application/json"}, content=body)
    assert r.status_code == 200, r.text
    assert r.json()["minutes"]["turns"][0]["clean_text"] == "一度だけ読む" * 2000
    assert len(calls) == 1


def test_malformed_json_is_still_answered_by_the_route(
    client: TestClient, auth: Callable[[str], dict[str, str]], meeting_id: int
) -> None:
    h = {**auth("staff_a"), "Content-Type": "application/json"}
    r = client.put(f"/api/meetings/{meeting_id}/transcript", headers=h, content=b'{"base_revision": 1,')
    assert r.status_code == 422
    assert client.get(f"/api/meetings/{meeting_id}/transcript/revisions", headers=h).json()[-1]["revision"] == 1
