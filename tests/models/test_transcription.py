import numpy as np

from models.transcription import (
    Clip,
    TranscriptionOptions,
    _is_hallucination,
    pack_clips,
    plan_clips,
    trimmed_features,
)
from models.types import SpeakerSegment


def test_same_speaker_segments_close_together_share_a_clip() -> None:
    segs = [SpeakerSegment(1.0, 3.0, "A"), SpeakerSegment(3.5, 5.0, "A"), SpeakerSegment(6.5, 8.0, "B")]
    clips = plan_clips(segs, 10.0, TranscriptionOptions(merge_gap_s=1.0, pad_s=0.2))
    assert [c.speaker for c in clips] == ["A", "B"]
    assert clips[0] == Clip(0.8, 5.2, "A")
    assert clips[1] == Clip(6.3, 8.2, "B")


def test_padding_stops_at_the_midpoint_to_the_neighbour() -> None:
    segs = [SpeakerSegment(1.0, 3.0, "A"), SpeakerSegment(3.2, 5.0, "B")]
    clips = plan_clips(segs, 10.0, TranscriptionOptions(pad_s=0.5))
    assert clips[0].end == clips[1].start == 3.1


def test_long_turns_are_cut_into_clips_no_longer_than_the_limit() -> None:
    segs = [SpeakerSegment(0.0, 70.0, "A")]
    clips = plan_clips(segs, 70.0, TranscriptionOptions(max_clip_s=28.0, pad_s=0.0))
    assert len(clips) == 3
    assert all(c.end - c.start <= 28.0 for c in clips)
    assert clips[0].start == 0.0 and clips[-1].end == 70.0


def test_overlapping_speech_shares_one_clip_that_hears_both_turns_whole() -> None:
    # batched decoding needs disjoint clips (issue 16); properties in test_clip_planning.py
    segs = [SpeakerSegment(0.0, 5.0, "A"), SpeakerSegment(4.5, 8.0, "B")]
    assert plan_clips(segs, 8.0, TranscriptionOptions(pad_s=0.2)) == [Clip(0.0, 8.0, None)]


def test_hallucination_guard() -> None:
    opts = TranscriptionOptions()
    ok = dict(no_speech_prob=0.1, avg_logprob=-0.3, compression_ratio=1.2, options=opts)
    assert not _is_hallucination("ただいまから会議を開会いたします。", "ja", **ok)
    assert not _is_hallucination("ICT支援員を1名増やします。", "ja", **ok)
    assert _is_hallucination("Thank you for watching.", "ja", **ok)
    assert _is_hallucination("ご視聴ありがとうございました", "ja", **ok)
    assert _is_hallucination("", "ja", **ok)
    assert not _is_hallucination("Thank you very much.", "en", **ok)
    assert _is_hallucination("はい", "ja", no_speech_prob=0.9, avg_logprob=-1.5, compression_ratio=1.0, options=opts)
    assert _is_hallucination(
        "はいはいはいはい" * 10, "ja", no_speech_prob=0.1, avg_logprob=-0.2, compression_ratio=5.0, options=opts
    )


def test_speech_no_word_touches_is_found_for_a_second_decoding() -> None:
    from models.transcription import ClipWords, uncovered_segments
    from models.types import Word

    segs = [
        SpeakerSegment(0.0, 3.0, "A"),
        SpeakerSegment(3.5, 4.6, "B"),
        SpeakerSegment(5.0, 5.3, "A"),
        SpeakerSegment(6.0, 8.0, "A"),
    ]
    words = [
        ClipWords(
            Clip(0.0, 3.2, "A"),
            [Word(0.1, 0.6, "ただいま", 0.9), Word(0.6, 1.0, "から", 0.9), Word(1.2, 2.0, "会議", 0.9)],
        ),
        ClipWords(Clip(5.8, 8.0, "A"), [Word(5.9, 6.2, "以上", 0.9), Word(6.3, 7.0, "です", 0.9)]),
    ]
    # B's 1.1 s turn came back empty; A's 0.3 s blip is too short to retry; A's pauses of 0.2 and
    # 1.0 s between and after words are pauses, not skipped speech
    assert uncovered_segments(segs, words) == [SpeakerSegment(3.5, 4.6, "B")]


def test_a_long_stretch_without_words_inside_a_turn_is_decoded_again() -> None:
    """Whisper stopped early in a 10 s turn of reverberant audio and skipped its second half."""
    from models.transcription import ClipWords, uncovered_segments
    from models.types import Word

    def spoken(start: float, end: float) -> list[Word]:  # words of 0.4 s, one after another
        n = round((end - start) / 0.4)
        return [Word(round(start + 0.4 * i, 3), round(start + 0.4 * (i + 1), 3), "語", 0.9) for i in range(n)]

    segs = [SpeakerSegment(78.2, 88.5, "B"), SpeakerSegment(89.0, 92.0, "A")]
    words = [ClipWords(Clip(78.0, 92.2, None), spoken(78.4, 82.4) + spoken(89.2, 91.6))]
    assert uncovered_segments(segs, words) == [SpeakerSegment(82.4, 88.5, "B")]
    # a gap at the start of a turn counts the same way
    late = [ClipWords(Clip(78.0, 92.2, None), spoken(80.0, 88.4) + spoken(89.2, 91.6))]
    assert uncovered_segments(segs, late) == [SpeakerSegment(78.2, 80.0, "B")]


def test_recovered_words_are_read_where_they_were_said_and_never_twice() -> None:
    from models.transcription import ClipWords, merge_recovered
    from models.types import Word

    first = [
        ClipWords(Clip(0.0, 20.0, None), [Word(2.6, 4.0, "前半", 0.9), Word(12.0, 13.4, "次の話者", 0.9)]),
        ClipWords(Clip(20.0, 25.0, "A"), [Word(20.5, 22.0, "以上", 0.9)]),
    ]
    recovered = [
        ClipWords(
            Clip(3.8, 11.0, "B"),
            [Word(3.8, 4.0, "半", 0.5), Word(4.2, 7.0, "後半", 0.9), Word(7.0, 10.8, "です", 0.9)],
        ),
        ClipWords(Clip(26.0, 27.0, "A"), [Word(26.1, 26.8, "はい", 0.9)]),
    ]
    merged = merge_recovered(first, recovered)
    assert [[w.word for w in cw.words] for cw in merged] == [["前半", "後半", "です", "次の話者"], ["以上"], ["はい"]]
    assert [w.word for w in first[0].words] == ["前半", "次の話者"]  # the first pass is not modified


def test_consecutive_turns_are_packed_into_one_window_up_to_the_limit() -> None:
    clips = [
        Clip(0.0, 4.0, "A"),
        Clip(4.0, 5.0, "B"),
        Clip(5.5, 12.0, "A"),
        Clip(12.0, 30.0, "B"),
        Clip(30.5, 33.0, "B"),
    ]
    assert pack_clips(clips, 20.0) == [Clip(0.0, 12.0, None), Clip(12.0, 30.0, "B"), Clip(30.5, 33.0, "B")]
    assert pack_clips(clips, 21.0)[1] == Clip(12.0, 33.0, "B")  # one speaker's clips stay that speaker's
    assert pack_clips(clips, 0.0) == clips


def test_overlapping_clips_are_never_packed() -> None:
    clips = [Clip(0.0, 4.2, "A"), Clip(3.8, 8.0, "B")]
    assert pack_clips(clips, 20.0) == clips


def test_the_prompt_recited_as_a_list_is_dropped_and_a_term_said_once_is_kept() -> None:
    """At 5 dB babble Whisper filled a turn with its prompt's list (「質疑答弁」, 「答弁答弁」) while its
    no-speech probability stayed low (issue 12); those words go, so the turn is decoded again."""
    from models.transcription import DEFAULT_PROMPT_JA, ClipWords, drop_recited_prompt, recited_prompt
    from models.types import Word

    def marks(*texts: str) -> list[bool]:
        return recited_prompt([Word(float(i), i + 1.0, t, 0.9) for i, t in enumerate(texts)], DEFAULT_PROMPT_JA)

    assert marks("出して", "まいります", "委員長", "質疑", "いしょー") == [False, False, True, True, False]
    assert marks("答弁", "答弁", "まいり", "まーす") == [True, True, False, False]  # one item, repeated
    assert marks("活用", "質疑", "質疑", "質疑") == [False, True, True, True]
    # items of the prompt said once, or apart, are speech
    assert not any(marks("はい、", "委員長。"))
    assert not any(marks("質疑", "はありませんか。", "質疑", "に入ります"))
    assert not any(marks("令和", "6", "年度", "議会", "定例会"))

    words = [Word(1.0, 1.5, "それでは", 0.9), Word(1.5, 2.0, "質疑", 0.9), Word(2.0, 2.5, "答弁", 0.9)]
    [kept] = drop_recited_prompt([ClipWords(Clip(0.0, 3.0, "A"), words)], DEFAULT_PROMPT_JA)
    assert [w.word for w in kept.words] == ["それでは"]
    assert drop_recited_prompt([ClipWords(Clip(0.0, 3.0, "A"), words)], None)[0].words == words  # no prompt


def test_faint_speech_outside_every_turn_is_found_with_the_nearest_speaker() -> None:
    """8 kHz telephone speech sits under the diarizer's VAD bar: a lower bar finds it between turns."""
    from models.transcription import faint_segments

    turns = [SpeakerSegment(0.8, 13.2, "A"), SpeakerSegment(17.7, 30.0, "B"), SpeakerSegment(20.0, 31.0, "C")]
    regions = [(0.5, 13.0), (13.4, 16.8), (29.0, 33.0), (40.0, 40.3)]
    assert faint_segments(regions, turns) == [
        SpeakerSegment(13.4, 16.8, "A"),  # a whole turn the diarizer never saw, nearer A's end than B's start
        SpeakerSegment(31.0, 33.0, "C"),  # the tail past the turns; 0.5–0.8 and 40.0–40.3 are too short
    ]
    assert faint_segments(regions, []) == []


def test_a_last_word_stretched_to_the_clip_end_does_not_hide_the_turn_it_skipped() -> None:
    """Clean kyouiku_iinkai: the first pass stopped after 「委員長、探索委員。」 and aligned 「員。」 over
    the next speaker's 10 s turn; it is still found, and what the retry hears there is kept."""
    from models.transcription import ClipWords, merge_recovered, uncovered_segments
    from models.types import Word

    segs = [SpeakerSegment(75.0, 76.85, "chair"), SpeakerSegment(78.1, 87.85, "member")]
    chair = [Word(75.0, 75.44, "長、", 0.9), Word(75.44, 76.4, "探索委", 0.5), Word(76.4, 88.26, "員。", 0.5)]
    first = [ClipWords(Clip(69.3, 87.8, None), chair)]
    assert uncovered_segments(segs, first) == [SpeakerSegment(78.1, 87.85, "member")]
    retry = [ClipWords(Clip(77.9, 88.0, "member"), [Word(78.3, 79.0, "統合", 0.9), Word(79.0, 79.4, "に", 0.9)])]
    assert [w.word for w in merge_recovered(first, retry)[0].words] == ["長、", "探索委", "員。", "統合", "に"]


def _padded_batch(*filled: int) -> np.ndarray:
    """Log-mel windows as faster-whisper pads them: each clip's frames, then zeros to 3000."""
    rng = np.random.default_rng(0)
    batch = np.zeros((len(filled), 80, 3000), dtype=np.float32)
    for row, frames in enumerate(filled):
        batch[row, :, :frames] = rng.uniform(-1.0, 1.0, (80, frames))
    return batch


def test_encoder_input_is_cut_after_the_longest_clip_plus_the_margin() -> None:
    batch = _padded_batch(420, 750)  # 4.2 s and 7.5 s clips
    cut = trimmed_features(batch, margin_s=6.0)
    assert cut.shape == (2, 80, 1400)  # 7.5 s + 6 s, rounded up to whole seconds
    np.testing.assert_array_equal(cut, batch[..., :1400])  # nothing of either clip is lost


def test_a_clip_near_30_s_keeps_the_full_window() -> None:
    batch = _padded_batch(2900)
    assert trimmed_features(batch, margin_s=6.0) is batch


def test_silence_inside_a_clip_does_not_end_it() -> None:
    batch = _padded_batch(900)
    batch[0, :, 200:600] = 0.0  # a pause inside the clip: only trailing zeros are padding
    assert trimmed_features(batch, margin_s=1.0).shape[-1] == 1000


def _words(*spec: tuple[float, float, str]) -> list:
    from models.types import Word

    return [Word(a, b, text, 0.9) for a, b, text in spec]


STEPS = [1.0, 2.2, 3.4, 4.6, 5.8, 7.0, 8.2, 9.4, 10.0]  # word boundaries, none longer than MAX_WORD_S


def test_a_turn_whose_first_sentence_was_skipped_reads_too_slowly_and_is_decoded_again() -> None:
    """The first pass skipped 「これより本日の会議を開きます。」 and aligned the next sentence over it:
    no stretch of the 9 s turn lacks words, so only the reading rate shows the loss."""
    from models.transcription import ClipWords, slow_turns, uncovered_segments

    segs = [SpeakerSegment(1.0, 5.0, "chair"), SpeakerSegment(5.3, 10.0, "chair"), SpeakerSegment(11.0, 13.5, "B")]
    first = [
        ClipWords(
            Clip(0.8, 14.2, None),
            _words(
                *zip(
                    STEPS, STEPS[1:], ["議事", "日程は", "お手", "元に", "配付", "の", "とおり", "です。"], strict=False
                )
            )
            + _words((11.0, 12.2, "はい、"), (12.2, 13.4, "承知しました。")),
        )
    ]
    assert uncovered_segments(segs, first) == []
    options = TranscriptionOptions(slow_chars_per_s=4.0, pad_s=0.2)
    # chair: 16 characters over 8.7 s of speech (1.8/s); B: 9 over 2.5 s, too little speech
    # to judge (SLOW_MIN_SPEECH_S)
    assert slow_turns(segs, first, 20.0, options) == [Clip(0.8, 10.2, "chair")]
    assert slow_turns(segs, first, 20.0, TranscriptionOptions(slow_chars_per_s=0.0)) == []


def test_a_turn_read_at_a_normal_rate_is_not_decoded_again() -> None:
    """About six characters a second, the median of committee speech (docs/benchmarks.md)."""
    from models.transcription import ClipWords, slow_turns

    segs = [SpeakerSegment(0.0, 4.0, "A")]
    said = ["補正予算", "の概要に", "ついて", "ご説明", "いたし", "ます。", "よろしく", "お願いします。"]
    first = [
        ClipWords(
            Clip(0.0, 4.2, "A"),
            _words(*zip([i * 0.5 for i in range(8)], [i * 0.5 for i in range(1, 9)], said, strict=True)),
        )
    ]
    assert slow_turns(segs, first, 10.0, TranscriptionOptions()) == []


def test_a_retry_that_brings_a_whole_sentence_more_replaces_the_turn() -> None:
    from models.transcription import ClipWords, replace_slow

    first = [
        ClipWords(Clip(0.8, 10.2, "chair"), _words((1.0, 4.0, "議事日程は"), (4.0, 10.0, "とおりです。"))),
        ClipWords(Clip(10.2, 14.2, "B"), _words((11.0, 14.0, "承知しました。"))),
    ]
    retried = [
        ClipWords(
            Clip(0.8, 10.2, "chair"),
            _words(
                (1.0, 2.5, "これより本日の"),
                (2.5, 4.8, "会議を開きます。"),
                (5.3, 7.5, "議事日程は"),
                (7.5, 10.0, "とおりです。"),
            ),
        )
    ]
    replaced = replace_slow(first, retried, gain=1.5)
    assert [w.word for w in replaced[0].words] == ["これより本日の", "会議を開きます。", "議事日程は", "とおりです。"]
    assert [w.word for w in replaced[1].words] == ["承知しました。"]  # the next speaker is untouched
    assert [w.word for w in first[0].words] == ["議事日程は", "とおりです。"]  # the first pass is not modified


def test_a_retry_that_only_hears_the_same_sentence_again_changes_nothing() -> None:
    from models.transcription import ClipWords, replace_slow

    first = [ClipWords(Clip(0.0, 8.0, "A"), _words((0.5, 3.0, "ゆっくりと"), (3.0, 7.5, "話しています。")))]
    retried = [ClipWords(Clip(0.0, 8.0, "A"), _words((0.5, 3.0, "ゆっくりと"), (3.0, 7.5, "話しております。")))]
    replaced = replace_slow(first, retried, gain=1.5)
    assert [w.word for w in replaced[0].words] == ["ゆっくりと", "話しています。"]
