import re
from itertools import pairwise

from exporters import render
from exporters.subtitles import MAX_CUE_CHARS, build_cues
from models.types import MeetingInfo, Minutes, Speaker, Turn

SRT_TIME = r"\d{2}:\d{2}:\d{2},\d{3}"
VTT_TIME = r"\d{2}:\d{2}:\d{2}\.\d{3}"


def _parse_srt(data: bytes) -> list[tuple[int, str, str, str]]:
    blocks = data.decode("utf-8").strip().split("\n\n")
    cues = []
    for block in blocks:
        number, times, text = block.split("\n")
        start, end = times.split(" --> ")
        cues.append((int(number), start, end, text))
    return cues


def test_srt_numbering_timestamps_and_speaker_prefix(minutes: Minutes) -> None:
    cues = _parse_srt(render(minutes, "srt"))
    assert [c[0] for c in cues] == list(range(1, len(cues) + 1))
    assert all(re.fullmatch(SRT_TIME, c[1]) and re.fullmatch(SRT_TIME, c[2]) for c in cues)
    assert cues[0][1:] == ("00:00:00,500", "00:00:03,000", "委員長（山田）：ただいまから開会いたします。")
    assert cues[-1][3] == "委員長（山田）：ありがとうございました。"


def test_vtt_header_and_timestamps(minutes: Minutes) -> None:
    text = render(minutes, "vtt").decode("utf-8")
    assert text.startswith("WEBVTT\n\n")
    times = re.findall(rf"^({VTT_TIME}) --> ({VTT_TIME})$", text, flags=re.MULTILINE)
    assert times[0] == ("00:00:00.500", "00:00:03.000")
    assert len(times) == len(build_cues(minutes))


def test_long_turn_is_split_at_punctuation_with_word_times(minutes: Minutes) -> None:
    cues = [c for c in build_cues(minutes) if c.text.startswith("教育長")]
    texts = [c.text.removeprefix("教育長（高橋）：") for c in cues]
    assert len(cues) > 1
    assert all(len(t) <= MAX_CUE_CHARS for t in texts)
    assert "".join(texts) == minutes.turns[1].clean_text
    assert all(t.endswith(("、", "。")) for t in texts)
    # The clean text dropped 「えー、」 (3 characters = 0.3 s of words): the first cue starts
    # when 「町内」 was spoken, not when the turn began.
    assert abs(cues[0].start - 4.3) < 0.11
    assert all(a.end <= b.start + 1e-9 for a, b in pairwise(cues))
    assert cues[-1].end <= minutes.turns[1].end + 1e-9


def test_turn_without_words_shares_time_by_characters() -> None:
    text = "あ" * 29 + "。" + "い" * 29 + "。"  # 60 characters over 6 s, split in the middle
    minutes = Minutes(MeetingInfo(), [Speaker("A", "委員")], [Turn("A", 10.0, 16.0, text, text)])
    cues = build_cues(minutes)
    assert [(round(c.start, 6), round(c.end, 6)) for c in cues] == [(10.0, 13.0), (13.0, 16.0)]


def test_vtt_escapes_markup_characters() -> None:
    text = "A<B & C>D"
    minutes = Minutes(MeetingInfo(), [Speaker("A", "委員")], [Turn("A", 0.0, 1.0, text, text)])
    assert "委員：A&lt;B &amp; C&gt;D" in render(minutes, "vtt").decode("utf-8")
