"""The corpus reader on the committed fixtures (same format as ../shared/corpus) and edge cases."""

import json
from pathlib import Path

import pytest

from evaluation.corpus import load_corpus, load_meeting, read_rttm, read_txt
from models.errors import GijirokuError
from models.types import SpeakerSegment

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_fixture_directory_reads_as_a_corpus():
    meetings = {m.name: m for m in load_corpus(FIXTURES)}
    assert set(meetings) == {"ja_meeting", "ja_short"}
    meeting = meetings["ja_meeting"]
    assert meeting.audio == {"clean": FIXTURES / "ja_meeting.wav"}
    assert len(meeting.segments) == 6
    assert {s.speaker for s in meeting.segments} == {"chair", "manager", "member_a"}
    assert [s.start for s in meeting.segments] == sorted(s.start for s in meeting.segments)


def test_rttm_txt_and_json_agree_on_the_fixture():
    meeting = load_meeting(FIXTURES / "ja_meeting.json")
    rttm = read_rttm(meeting.rttm)
    assert [(s.speaker, s.start, s.end) for s in rttm] == [
        (s.speaker, s.start, pytest.approx(s.end)) for s in meeting.segments
    ]
    assert read_txt(meeting.txt) == [(s.speaker, s.text) for s in meeting.segments]


def test_clean_reference_drops_the_filler():
    meeting = load_meeting(FIXTURES / "ja_meeting.json")
    assert "えー、" in meeting.reference_text
    assert "えー" not in meeting.reference_clean_text
    assert meeting.reference_clean_text == "".join(s.text_clean for s in meeting.segments)


def test_corpus_json_lists_meetings_and_variants(tmp_path):
    segment = {"id": "u1", "speaker": "a", "start": 0.5, "end": 1.5, "text": "はい。"}
    (tmp_path / "m.json").write_text(json.dumps({"name": "m", "segments": [segment]}))
    (tmp_path / "other.json").write_text(json.dumps({"name": "other", "segments": []}))
    index = {"meetings": [{"name": "m", "json": "m.json", "audio": {"clean": "m.wav"}}]}
    (tmp_path / "corpus.json").write_text(json.dumps(index))
    [meeting] = load_corpus(tmp_path)
    assert meeting.name == "m"
    assert meeting.segments[0].text_clean == "はい。"  # defaults to the verbatim text
    assert meeting.rttm is None and meeting.clean_txt is None
    # Without an RTTM the segment times are the reference diarization.
    assert meeting.speaker_segments() == [SpeakerSegment(0.5, 1.5, "a")]


def test_missing_or_empty_corpus_is_a_user_error(tmp_path):
    with pytest.raises(GijirokuError) as missing:
        load_corpus(tmp_path / "nope")
    assert missing.value.code == "corpus_not_found"
    with pytest.raises(GijirokuError) as empty:
        load_corpus(tmp_path)
    assert empty.value.code == "corpus_empty"
