"""A small committee meeting used by every exporter test."""

import datetime as dt

import pytest

from models.types import MeetingInfo, Minutes, Speaker, Turn, Word


def _words(start: float, text: str, step: float = 0.2) -> list[Word]:
    """Two-character words, ``step`` seconds each, as Whisper's word timestamps would give."""
    pieces = [text[i : i + 2] for i in range(0, len(text), 2)]
    return [Word(start + k * step, start + (k + 1) * step, p, 0.9) for k, p in enumerate(pieces)]


LONG_VERBATIM = (
    "えー、町内の児童数は、令和6年5月1日現在で612人となっており、10年前と比べて約3割減少して"
    "おります。このため、東小学校、西小学校の2校を統合する計画でございます。"
)
LONG_CLEAN = LONG_VERBATIM.removeprefix("えー、")


@pytest.fixture
def minutes() -> Minutes:
    words = _words(4.0, LONG_VERBATIM)
    return Minutes(
        meeting=MeetingInfo(
            title="総務委員会",
            date=dt.date(2024, 11, 22),
            start_time="10:00",
            place="第1委員会室",
            attendees=["委員長 山田", "委員 鈴木"],
            agenda=["共通プラットフォームへの移行について"],
        ),
        speakers=[Speaker("SPEAKER_00", "委員長（山田）"), Speaker("SPEAKER_01", "教育長（高橋）")],
        turns=[
            Turn("SPEAKER_00", 0.5, 3.0, "えー、ただいまから開会いたします。", "ただいまから開会いたします。"),
            Turn("SPEAKER_01", 4.0, 4.0 + 0.2 * len(words), LONG_VERBATIM, LONG_CLEAN, words),
            Turn("SPEAKER_00", 13.5, 15.0, "ありがとうございました。", "ありがとうございました。"),
        ],
        duration=15.5,
    )
