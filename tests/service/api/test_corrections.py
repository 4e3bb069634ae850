"""The correction route carries a fix to the other text of a turn (issue 14, item 3); exports say
which text they hold."""

from __future__ import annotations

from urllib.parse import unquote

from service.schemas import MAX_CORRECTION_CHARS

BODY = {
    "field": "clean_text",
    "new_text": "来年度の公民館の開館時間について、ご説明します。",
    "text": "えー、来年度の図書館の開館時間について、あのー、ご説明します。",
    "clean_text": "来年度の図書館の開館時間について、ご説明します。",
    "words": ["えー", "、", "来年度", "の", "図書館", "の", "開館"],
}


def test_a_cleaned_text_fix_comes_back_in_both_texts(client, auth, meeting_id):
    r = client.post(f"/api/meetings/{meeting_id}/transcript/correction", headers=auth("staff_a"), json=BODY)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "text": "えー、来年度の公民館の開館時間について、あのー、ご説明します。",
        "clean_text": BODY["new_text"],
        "clean_edited": False,
        "touched": [4],
    }


def test_the_department_vocabulary_cleans_a_verbatim_fix(client, auth, meeting_id):
    h = auth("staff_a")
    assert (
        client.post("/api/vocabulary", headers=h, json={"term": "公民館", "variants": ["こうみんかん"]}).status_code
        == 201
    )
    body = {**BODY, "field": "text", "new_text": BODY["text"].replace("図書館", "こうみんかん")}
    r = client.post(f"/api/meetings/{meeting_id}/transcript/correction", headers=h, json=body)
    assert r.json()["clean_text"] == "来年度の公民館の開館時間について、ご説明します。"


def test_only_editors_of_the_meeting_may_ask(client, auth, meeting_id):
    url = f"/api/meetings/{meeting_id}/transcript/correction"
    assert client.post(url, headers=auth("clerk_a"), json=BODY).status_code == 403
    assert client.post(url, headers=auth("staff_b"), json=BODY).status_code == 404  # another department
    assert client.post(url, headers=auth("staff_a"), json={**BODY, "field": "words"}).status_code == 422
    too_long = {**BODY, "new_text": "あ" * (MAX_CORRECTION_CHARS + 1)}  # difflib's worst case stays bounded
    assert client.post(url, headers=auth("staff_a"), json=too_long).status_code == 422


def test_export_file_name_says_which_text(client, auth, meeting_id):
    h = auth("staff_a")
    clean = client.get(f"/api/meetings/{meeting_id}/export/txt", headers=h).headers["content-disposition"]
    verbatim = client.get(f"/api/meetings/{meeting_id}/export/txt?clean=false", headers=h).headers[
        "content-disposition"
    ]
    assert "-clean.txt" in clean and unquote(clean).endswith("_ケバ取り.txt")
    assert "-verbatim.txt" in verbatim and unquote(verbatim).endswith("_素起こし.txt")


def test_flags_are_stored_with_the_revision(client, auth, meeting_id):
    url = f"/api/meetings/{meeting_id}/transcript"
    h = auth("staff_a")
    minutes = client.get(url, headers=h).json()["minutes"]
    minutes["turns"][0]["clean_edited"] = True
    minutes["turns"][0]["words"] = [{"start": 0.0, "end": 0.5, "word": "本日", "probability": 0.2, "confirmed": True}]
    assert client.put(url, headers=h, json={"base_revision": 1, "minutes": minutes}).status_code == 200
    turn = client.get(url, headers=h).json()["minutes"]["turns"][0]
    assert turn["clean_edited"] is True and turn["words"][0]["confirmed"] is True
