"""What a response and a meeting contribute (service/kpi/figures.py); expected values worked out by hand."""

from __future__ import annotations

import pytest

from service.kpi.figures import edit_rate, minutes_saved, turns_text


def test_minutes_saved_keeps_negative_values():
    assert minutes_saved(60, 1800, 10) == 20  # 60 − (30 + 10)
    assert minutes_saved(30, 1800, 10) == -10  # 30 − (30 + 10): kept, not clipped to 0


def test_edit_rate_is_cer_of_draft_against_final():
    # final 「本日は晴天です」 = 7 chars after normalisation; draft differs in 2 (なり → です)
    assert edit_rate("本日は、晴天なり。", "本日は晴天です") == pytest.approx(2 / 7)
    assert edit_rate("同じ文です。", "同じ文です") == 0.0  # punctuation is not an edit
    assert edit_rate("下書き", "") is None  # nothing to compare against


def test_turns_text_prefers_clean_text():
    minutes = {"turns": [{"text": "えー本日は", "clean_text": "本日は"}, {"text": "開会します", "clean_text": ""}]}
    assert turns_text(minutes) == "本日は開会します"
    assert turns_text({}) == ""
