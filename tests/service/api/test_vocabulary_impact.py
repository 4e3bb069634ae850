"""POST /api/vocabulary/preview and the confirmation a risky 単語登録 entry needs (issue 14 item 7)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

PAST = "自動車の事故が増えています。自動車の安全対策と自動運転について伺います。"


def _save_text(client: TestClient, h: dict[str, str], meeting_id: int, text: str) -> None:
    """Revision 2 of the meeting: its first turn's cleaned text replaced by ``text``."""
    current = client.get(f"/api/meetings/{meeting_id}/transcript", headers=h).json()
    minutes = current["minutes"]
    minutes["turns"][0]["clean_text"] = text
    body = {"base_revision": current["revision"], "minutes": minutes}
    assert client.put(f"/api/meetings/{meeting_id}/transcript", headers=h, json=body).status_code == 200


def test_preview_counts_changes_and_flags_longer_words(
    client: TestClient, auth: Callable[[str], dict[str, str]], meeting_id: int
) -> None:
    h = auth("staff_a")
    _save_text(client, h, meeting_id, PAST)
    r = client.post("/api/vocabulary/preview", headers=h, json={"term": "児童", "variants": ["自動"]})
    assert r.status_code == 200
    impact = r.json()
    assert impact["changes"] == 3 and impact["meetings_changed"] == 1 and impact["meetings_searched"] == 1
    first = impact["examples"][0]
    assert (first["meeting_id"], first["old"], first["new"]) == (meeting_id, "自動", "児童")
    assert first["prefix"] == "" and first["suffix"].startswith("車の事故")
    assert first["title"] == "第1回 総務委員会"
    assert [(w["word"], w["count"]) for w in impact["longer_words"]] == [("自動車", 2), ("自動運転", 1)]
    assert impact["needs_confirmation"] is True
    assert any("「自動車」（2回）" in w for w in impact["warnings"])

    refused = client.post("/api/vocabulary", headers=h, json={"term": "児童", "variants": ["自動"]})
    assert refused.status_code == 409 and refused.json()["error"] == "vocabulary_needs_confirmation"
    assert "自動車" in refused.json()["message_ja"]
    assert client.get("/api/vocabulary", headers=h).json() == []
    body = {"term": "児童", "variants": ["自動"], "confirmed": True}
    assert client.post("/api/vocabulary", headers=h, json=body).status_code == 201


def test_safe_rule_is_added_without_confirmation(
    client: TestClient, auth: Callable[[str], dict[str, str]], meeting_id: int
) -> None:
    h = auth("staff_a")
    _save_text(client, h, meeting_id, "ギガスクール構想の進捗と、ぎがすくーるの端末について。")
    rule = {"term": "GIGAスクール", "variants": ["ギガスクール", "ぎがすくーる"]}
    impact = client.post("/api/vocabulary/preview", headers=h, json=rule).json()
    assert impact["changes"] == 2 and impact["needs_confirmation"] is False and impact["warnings"] == []
    assert client.post("/api/vocabulary", headers=h, json=rule).status_code == 201


def test_one_character_rule_needs_confirmation_even_without_past_text(
    client: TestClient, auth: Callable[[str], dict[str, str]]
) -> None:
    h = auth("staff_a")
    impact = client.post("/api/vocabulary/preview", headers=h, json={"term": "市", "variants": ["し"]}).json()
    assert impact["changes"] == 0 and impact["one_character"] == ["し"] and impact["needs_confirmation"]
    assert client.post("/api/vocabulary", headers=h, json={"term": "市", "variants": ["し"]}).status_code == 409


def test_existing_entries_protect_their_words_and_edits_are_checked(
    client: TestClient, auth: Callable[[str], dict[str, str]], meeting_id: int
) -> None:
    h = auth("staff_a")
    _save_text(client, h, meeting_id, PAST)
    assert client.post("/api/vocabulary", headers=h, json={"term": "自動車"}).status_code == 201
    impact = client.post("/api/vocabulary/preview", headers=h, json={"term": "児童", "variants": ["自動"]}).json()
    assert impact["changes"] == 1 and [w["word"] for w in impact["longer_words"]] == ["自動運転"]

    entry = client.post("/api/vocabulary", headers=h, json={"term": "児童"}).json()
    patch = client.patch(f"/api/vocabulary/{entry['id']}", headers=h, json={"variants": ["自動"]})
    assert patch.status_code == 409
    ok = client.patch(f"/api/vocabulary/{entry['id']}", headers=h, json={"variants": ["自動"], "confirmed": True})
    assert ok.status_code == 200 and ok.json()["variants"] == ["自動"]


def test_preview_reads_only_the_callers_department(
    client: TestClient, auth: Callable[[str], dict[str, str]], meeting_id: int
) -> None:
    _save_text(client, auth("staff_a"), meeting_id, PAST)
    other = client.post("/api/vocabulary/preview", headers=auth("staff_b"), json={"term": "児童", "variants": ["自動"]})
    assert other.status_code == 200 and other.json()["changes"] == 0 and other.json()["meetings_searched"] == 0
    assert (
        client.post(
            "/api/vocabulary/preview?department_id=1", headers=auth("staff_b"), json={"term": "x", "variants": []}
        ).status_code
        == 404
    )
    assert client.post("/api/vocabulary/preview", headers=auth("clerk_a"), json={"term": "x"}).status_code == 403
