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
        ClipWords(Clip(0.0, 3.2, "A"), [Word(0.1, 0.6, "ただいま", 0.9), Word(0.6, 1.0, "から", 0.9)]),
        ClipWords(Clip(5.8, 8.0, "A"), [Word(5.9, 6.2, "以上", 0.9)]),
    ]
    # B's 1.1 s turn came back empty; A's 0.3 s blip is too short to retry
    assert uncovered_segments(segs, words) == [SpeakerSegment(3.5, 4.6, "B")]


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
