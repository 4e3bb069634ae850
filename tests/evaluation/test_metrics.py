"""Each metric on hand-made cases whose answer is worked out in the test."""

import pytest

from evaluation.metrics import (
    Rate,
    cer,
    char_errors,
    cp_char_errors,
    der,
    jer,
    lost_segments,
    missed_speech,
    texts_by_speaker,
    wer,
)
from models.types import SpeakerSegment, Turn, Word


def test_rate_pools_errors_and_totals():
    assert (Rate(1, 10) + Rate(3, 30)).value == pytest.approx(4 / 40)
    assert Rate(0, 0).value == 0.0


def test_cer_counts_edits_after_normalisation():
    # ref 今日は晴れ (5 chars, 。 dropped); hyp 今日は雨: 晴→雨 substituted, れ deleted = 2 edits.
    assert char_errors("今日は晴れ。", "今日は雨") == Rate(2, 5)
    assert cer("今日は晴れ。", "今日は雨") == pytest.approx(0.4)


def test_cer_ignores_punctuation_spaces_and_width():
    assert cer("本日は、晴天です。", "本日は 晴天です") == 0.0


def test_numeral_variant_forgives_kanji_vs_arabic():
    # 令和六年度 vs 令和6年度: one substitution out of 5 characters, none once unified.
    assert cer("令和六年度", "令和6年度") == pytest.approx(1 / 5)
    assert cer("令和六年度", "令和6年度", numerals=True) == 0.0
    # 三億五千万円 (6 chars) vs 3億5000万円 (8 chars) is many edits verbatim, none unified.
    assert cer("三億五千万円", "3億5000万円", numerals=True) == 0.0


def test_wer_on_words():
    # the cat sat / the cat sit on: sat→sit substituted, on inserted = 2 of 3 words.
    assert wer("The cat sat.", "the cat sit on") == pytest.approx(2 / 3)


def test_texts_by_speaker_concatenates_in_time_order():
    utterances = [("A", 5.0, "う"), ("B", 1.0, "か"), ("A", 0.0, "あい")]
    assert texts_by_speaker(utterances) == {"A": "あいう", "B": "か"}


def test_cp_cer_is_label_permutation_invariant():
    result = cp_char_errors({"A": "あいう", "B": "かきく"}, {"X": "かきく", "Y": "あいう"})
    assert result.rate == Rate(0, 6)
    assert result.mapping == {"A": "Y", "B": "X"}


def test_cp_cer_counts_text_given_to_the_wrong_speaker():
    reference = {"A": "あいう", "B": "かきく"}
    # All text attributed to one speaker: plain CER is 0, but A↔X leaves 3 insertions (かきく)
    # and B unmatched deletes its 3 characters: 6 errors over 6 reference characters.
    hypothesis = {"X": "あいうかきく"}
    assert cer("あいうかきく", "あいうかきく") == 0.0
    assert cp_char_errors(reference, hypothesis).rate == Rate(6, 6)


def test_cp_cer_picks_the_cheapest_speaker_mapping():
    # A↔X: あいう vs あいうかき = 2 insertions; B↔Y: かきく vs く = 2 deletions → 4.
    # The other mapping costs 3 (A↔Y) + 4 (B↔X) = 7, so cpCER = 4/6.
    result = cp_char_errors({"A": "あいう", "B": "かきく"}, {"X": "あいうかき", "Y": "く"})
    assert result.rate == Rate(4, 6)
    assert result.mapping == {"A": "X", "B": "Y"}


def test_cp_cer_counts_extra_hypothesis_speakers_as_insertions():
    result = cp_char_errors({"A": "あいう"}, {"X": "あいう", "Y": "えお"})
    assert result.rate == Rate(2, 3)


def test_cp_cer_numeral_variant():
    result = cp_char_errors({"A": "令和六年"}, {"X": "令和6年"}, numerals=True)
    assert result.rate == Rate(0, 4)  # both sides become 令和6年 (4 characters): 0 errors


REF = [SpeakerSegment(0, 10, "A"), SpeakerSegment(10, 20, "B")]
HYP_LATE_CHANGE = [SpeakerSegment(0, 12, "x"), SpeakerSegment(12, 20, "y")]


def test_der_perfect_up_to_labels():
    assert der(REF, [SpeakerSegment(0, 10, "s1"), SpeakerSegment(10, 20, "s0")]).value == 0.0


def test_der_counts_confusion_seconds():
    # The speaker change is found 2 s late: 2 s of B given to A's label, over 20 s of speech.
    assert der(REF, HYP_LATE_CHANGE) == Rate(2, 20)


def test_der_collar_is_pyannotes_total_width():
    # pyannote's collar 0.5 forgives 0.25 s each side of 0, 10 and 20: 0.25 + 0.5 + 0.25 = 1 s of
    # speech (19 s left) and 0.25 s of the 2 s confusion (10.00-10.25).
    assert der(REF, HYP_LATE_CHANGE, collar=0.5) == Rate(pytest.approx(1.75), pytest.approx(19))


def test_der_without_hypothesis_is_all_missed():
    assert der(REF, []) == Rate(20, 20)


def test_jer_averages_one_minus_iou_over_reference_speakers():
    # A↔x: union 0-12, 2 s false alarm → 2/12. B↔y: union 10-20, 2 s missed → 2/10.
    result = jer(REF, HYP_LATE_CHANGE)
    assert result.total == 2
    assert result.errors == pytest.approx(2 / 12 + 2 / 10)


def test_missed_speech_ignores_speaker_labels():
    reference = [SpeakerSegment(0, 10, "A"), SpeakerSegment(12, 20, "B")]
    # Covered 2-15: missed 0-2 and 15-20 = 7 s; the 10-12 gap was silence anyway.
    assert missed_speech(reference, [SpeakerSegment(2, 15, "x")]) == pytest.approx(7)


SPANS = [(0.0, 2.0, "あいうえお"), (2.0, 4.0, "かきくけこ")]


def _turn(start, end, text, words=()):
    return Turn("x", start, end, text, text, [Word(s, e, w, 0.9) for s, e, w in words])


def test_lost_segment_when_no_hypothesis_text_falls_in_its_span():
    turn = _turn(0, 2, "あいうえお", [(0.0, 1.0, "あい"), (1.0, 2.0, "うえお")])
    assert lost_segments(SPANS, [turn]) == [1]


def test_lost_threshold_is_twenty_percent_of_reference_characters():
    # One character of five timed inside the second span = 20 %: not lost.
    kept = _turn(2, 4, "か", [(2.5, 3.5, "か")])
    assert lost_segments(SPANS, [kept]) == [0]


def test_lost_segments_spread_text_of_turns_without_words():
    # No word timings: 5 characters spread over 0-2 s all land in the first span.
    assert lost_segments(SPANS, [_turn(0, 2, "あいうえお")]) == [1]
