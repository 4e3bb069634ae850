"""Read-aloud suggestions on turns written for these tests: offered, never applied, and figures
copied verbatim from the material."""

from __future__ import annotations

from models.materials import build_materials
from models.materials.readaloud import suggest

MATERIALS = build_materials(
    [
        """環境委員会　報告資料
1　ごみ処理広域化計画の進捗
（1）新たな焼却施設は令和10年度の稼働を目指し、隣接3町と協議を進めている。
（2）町負担額　約2,100万円（試算）
（3）資源化率　令和5年度実績　18.4%"""
    ]
)


def test_a_turn_reading_a_sentence_gets_the_material_wording() -> None:
    turn = "ご報告します。新たな焼却施設は令和10年度の稼働を目指し、隣接3町と教義を進めている。以上です。"
    [s] = suggest(turn, MATERIALS)
    assert s.kind == "passage"
    assert s.suggestion == "新たな焼却施設は令和10年度の稼働を目指し、隣接3町と協議を進めている。"
    assert turn[s.start : s.start + len(s.original)] == s.original and "教義" in s.original
    assert s.similarity >= 0.85


def test_a_figure_in_the_same_context_gets_the_material_figure_verbatim() -> None:
    turn = "町の負担額は約2000万円と試算しております。"
    [s] = suggest(turn, MATERIALS)
    assert (s.kind, s.original, s.suggestion) == ("figure", "約2000万円", "約2,100万円")
    assert turn[s.start : s.start + len(s.original)] == "約2000万円"


def test_a_figure_off_by_a_power_of_ten_is_still_offered() -> None:
    """Whisper wrote 約2,100万円 as 約2,000,000円 (issue 15): same leading digit, same context."""
    [s] = suggest("町負担額は約2,000,000円と試算しております。", MATERIALS)
    assert (s.original, s.suggestion) == ("約2,000,000円", "約2,100万円")


def test_nothing_is_offered_for_unrelated_speech_or_matching_figures() -> None:
    assert suggest("10年前と比べて資源化率が上がりました。", MATERIALS) == []  # dates are not figures here
    assert suggest("本日の委員会を閉会いたします。", MATERIALS) == []
    assert suggest("町の負担額は約2,100万円です。", MATERIALS) == []  # says the material's figure
    assert suggest("昨年の来場者は2000人でした。", MATERIALS) == []  # no figure of that kind and context
    assert suggest("新たな焼却施設は令和10年度の稼働を目指し、隣接3町と協議を進めている。", MATERIALS) == []
