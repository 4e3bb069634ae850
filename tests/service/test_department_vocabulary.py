"""service.department_vocabulary: the department's 単語登録 in the order added, optionally leaving
one entry out (what the impact preview of an edit weighs the changed rule against)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.department_vocabulary import department_vocabulary


def test_entries_in_order_added_and_one_left_out(
    app: FastAPI, client: TestClient, auth: Callable[[str], dict[str, str]]
) -> None:
    h = auth("staff_a")
    added = [
        client.post("/api/vocabulary", headers=h, json={"term": term, "variants": variants}).json()
        for term, variants in [("GIGAスクール", ["ギガスクール"]), ("緑ヶ丘公民館", ["みどりがおか公民館"])]
    ]
    department_id = added[0]["department_id"]
    with app.state.ctx.sessions() as db:
        full = department_vocabulary(db, department_id)
        without_first = department_vocabulary(db, department_id, exclude_id=added[0]["id"])
        other_department = department_vocabulary(db, department_id + 1)
    assert full is not None and full.canonicals() == ["GIGAスクール", "緑ヶ丘公民館"]
    assert without_first is not None and without_first.canonicals() == ["緑ヶ丘公民館"]
    assert without_first.apply("ギガスクールの端末") == "ギガスクールの端末"
    assert other_department is None
