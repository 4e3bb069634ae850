from models.attribution import attribute, build_turns, word_speaker
from models.transcription import Clip, ClipWords
from models.types import SpeakerSegment, Word


def w(start: float, end: float, text: str) -> Word:
    return Word(start, end, text, 0.9)


SEGMENTS = [SpeakerSegment(0.0, 4.0, "A"), SpeakerSegment(4.2, 8.0, "B")]


def test_a_word_keeps_its_clips_speaker_within_tolerance() -> None:
    assert word_speaker(w(4.0, 4.3, "す"), "A", SEGMENTS) == "A"


def test_a_word_clearly_inside_another_speakers_segment_moves_to_that_speaker() -> None:
    assert word_speaker(w(6.0, 6.5, "はい"), "A", SEGMENTS) == "B"


def test_turns_split_at_every_speaker_change_and_keep_all_words() -> None:
    clips = [
        ClipWords(Clip(0.0, 4.1, "A"), [w(0.1, 0.5, "ただいま"), w(0.5, 1.0, "から"), w(6.0, 6.4, "はい")]),
        ClipWords(Clip(4.1, 8.0, "B"), [w(4.3, 5.0, "委員長"), w(5.0, 5.5, "。")]),
    ]
    turns = build_turns(attribute(clips, SEGMENTS))
    assert [t.speaker for t in turns] == ["A", "B"]
    assert turns[0].text == "ただいまから"
    assert turns[1].text == "はい委員長。"
    assert sum(len(t.words) for t in turns) == 5


def test_overlapping_speech_loses_no_words() -> None:
    segs = [SpeakerSegment(0.0, 5.0, "A"), SpeakerSegment(4.0, 8.0, "B")]
    clips = [
        ClipWords(Clip(0.0, 5.2, "A"), [w(3.5, 4.5, "以上です"), w(4.5, 5.0, "。")]),
        ClipWords(Clip(3.8, 8.0, "B"), [w(4.0, 4.6, "はい"), w(5.0, 6.0, "委員長")]),
    ]
    turns = build_turns(attribute(clips, segs))
    assert "".join(t.text for t in turns) == "以上です。はい委員長"
    assert [t.speaker for t in turns] == ["A", "B"]


def test_english_words_keep_their_spaces() -> None:
    clips = [ClipWords(Clip(0, 2, "A"), [w(0, 0.5, " Good"), w(0.5, 1.0, " morning.")])]
    assert build_turns(attribute(clips, [SpeakerSegment(0, 2, "A")]))[0].text == "Good morning."


def test_words_of_a_packed_clip_go_by_the_segments_times() -> None:
    assert word_speaker(w(1.0, 1.5, "ただいま"), None, SEGMENTS) == "A"
    assert word_speaker(w(5.0, 5.5, "はい"), None, SEGMENTS) == "B"
    assert word_speaker(w(8.4, 8.8, "。"), None, SEGMENTS) == "B"  # after every segment: the nearest
    assert word_speaker(w(4.0, 4.1, "、"), None, SEGMENTS) == "A"  # in the gap, nearer A's end
    turns = build_turns(
        attribute([ClipWords(Clip(0.0, 8.0, None), [w(1.0, 1.5, "以上です"), w(5.0, 5.5, "はい")])], SEGMENTS)
    )
    assert [(t.speaker, t.text) for t in turns] == [("A", "以上です"), ("B", "はい")]
