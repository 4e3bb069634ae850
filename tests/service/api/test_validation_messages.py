"""422 answers name the field as the form labels it and say what is wrong (issue 14 item 9), never
the submitted value; meeting metadata edits refuse control and text-direction characters."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient


def _ja(r) -> str:  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.text
    return str(r.json()["message_ja"])


def test_user_form_errors_name_the_field_in_japanese(client: TestClient, auth: Callable[[str], dict[str, str]]) -> None:
    h = auth("admin")
    body = {"username": "山田 太郎", "password": "secret-value-1", "role": "staff", "department_id": 1}
    message = _ja(client.post("/api/users", headers=h, json=body))
    assert (
        message
        == "入力内容に誤りがあります。"
        + "「ユーザー名」に使えない文字が含まれています（半角英数字と _ . @ - だけが使えます）。"
    )
    assert "username" not in message and "secret-value-1" not in message

    message = _ja(client.post("/api/users", headers=h, json={**body, "username": "yamada", "password": ""}))
    assert message == "入力内容に誤りがあります。「パスワード」を入力してください。"
    short = client.post("/api/users", headers=h, json={**body, "username": "yamada", "password": "abc"})
    assert short.json()["message_ja"] == "パスワードは10文字以上にしてください。"  # the policy says how long

    message = _ja(client.post("/api/users", headers=h, json={**body, "username": "y" * 101}))
    assert message == "入力内容に誤りがあります。「ユーザー名」は100文字以内にしてください。"
    message = _ja(client.post("/api/users", headers=h, json={**body, "username": "yamada", "role": "boss"}))
    assert message == "入力内容に誤りがあります。「役割」は選択肢から選んでください。"


def test_query_and_list_errors(client: TestClient, auth: Callable[[str], dict[str, str]]) -> None:
    h = auth("staff_a")
    assert (
        _ja(client.get("/api/meetings?per_page=x", headers=h))
        == "入力内容に誤りがあります。「1ページの件数」は数値で入力してください。"
    )
    body = {"term": "用語", "variants": ["a"] * 51}
    assert (
        _ja(client.post("/api/vocabulary", headers=h, json=body))
        == "入力内容に誤りがあります。「言い換え・読み」は50件までです。"
    )


def test_metadata_edit_refuses_invisible_controls(
    client: TestClient, auth: Callable[[str], dict[str, str]], meeting_id: int
) -> None:
    h = auth("staff_a")
    url = f"/api/meetings/{meeting_id}"
    message = _ja(client.patch(url, headers=h, json={"title": "会議\u202evaw.exe"}))
    assert "「名称」に使用できない文字（U+202E" in message
    assert "U+200B" in _ja(client.patch(url, headers=h, json={"attendees": ["山田\u200b"]}))
    assert (
        _ja(client.patch(url, headers=h, json={"title": "   "}))
        == "入力内容に誤りがあります。「名称」を入力してください。"
    )
    ok = client.patch(url, headers=h, json={"title": " 第2回 総務委員会 ", "place": "第2委員会室"})
    assert ok.status_code == 200 and ok.json()["title"] == "第2回 総務委員会"
