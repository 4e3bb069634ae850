from models.transcription import Clip, TranscriptionOptions, _is_hallucination, pack_clips, plan_clips
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

    segs = [SpeakerSegment(78.2, 88.5, "B"), SpeakerSegment(89.0, 92.0, "A")]
    words = [
        ClipWords(
            Clip(78.0, 92.2, None),
            [
                Word(78.3, 79.0, "統合", 0.9),
                Word(79.0, 82.4, "によって…お伺いします", 0.9),
                Word(89.1, 91.8, "お答え", 0.9),
            ],
        )
    ]
    assert uncovered_segments(segs, words) == [SpeakerSegment(82.4, 88.5, "B")]
    # a gap at the start of a turn counts the same way
    late = [ClipWords(Clip(78.0, 92.2, None), [Word(80.0, 88.4, "…", 0.9), Word(89.1, 91.8, "…", 0.9)])]
    assert uncovered_segments(segs, late) == [SpeakerSegment(78.2, 80.0, "B")]


def test_recovered_words_are_read_where_they_were_said_and_never_twice() -> None:
    from models.transcription import ClipWords, merge_recovered
    from models.types import Word

    first = [
        ClipWords(Clip(0.0, 20.0, None), [Word(0.5, 4.0, "前半", 0.9), Word(12.0, 15.0, "次の話者", 0.9)]),
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
