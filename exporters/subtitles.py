"""SubRip (.srt) and WebVTT (.vtt) captions: one cue per turn, long turns split into short cues.

A cue holds at most ``MAX_CUE_CHARS`` characters of speech (about two lines of Japanese captions),
split preferably after 。, then after 、. Cue times come from Whisper's word timestamps when the
turn has them: the printed text (usually the ケバ取り text, which differs from the words) is
aligned to the words' characters, so a cue starts when its first character was spoken. Without
words, time is shared out in proportion to the number of characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from exporters.turns import spoken_turns
from models.types import Minutes, Turn

MAX_CUE_CHARS = 40
_MIN_CHUNK = 10  # never break so early that a cue carries only a few characters
_MIN_CUE_SECONDS = 0.3


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def _chunks(text: str, limit: int = MAX_CUE_CHARS) -> list[tuple[int, int]]:
    """(start, end) slices of at most ``limit`` characters, cut after 。！？ or 、 where possible."""
    spans, i = [], 0
    while len(text) - i > limit:
        window = text[i : i + limit]
        cut = 0
        for marks in ("。！？!?", "、，,"):
            cut = max(window.rfind(m) + 1 for m in marks)
            if cut >= _MIN_CHUNK:
                break
        if cut < _MIN_CHUNK:
            cut = limit
        spans.append((i, i + cut))
        i += cut
    spans.append((i, len(text)))
    return spans


def _proportional_times(turn: Turn, n: int) -> list[tuple[float, float]]:
    step = max(turn.end - turn.start, 0.0) / max(n, 1)
    return [(turn.start + step * k, turn.start + step * (k + 1)) for k in range(n)]


def _char_times(turn: Turn, text: str) -> list[tuple[float, float]]:
    """A (start, end) time for every character of ``text``."""
    spoken: list[str] = []
    spoken_times: list[tuple[float, float]] = []
    for w in turn.words:
        chars = [c for c in w.word if not c.isspace()]
        step = (w.end - w.start) / max(len(chars), 1)
        for k, c in enumerate(chars):
            spoken.append(c)
            spoken_times.append((w.start + step * k, w.start + step * (k + 1)))
    times: list[tuple[float, float] | None] = [None] * len(text)
    matcher = SequenceMatcher(None, spoken, list(text), autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            times[block.b + k] = spoken_times[block.a + k]
    known = [t for t in times if t is not None]
    if not known:
        return _proportional_times(turn, len(text))
    # Characters the words do not contain (a converted numeral, added punctuation) take the
    # time where the previous character ended, or where the first known one starts.
    filled, last = [], (known[0][0], known[0][0])
    for t in times:
        last = t if t is not None else (last[1], last[1])
        filled.append(last)
    return filled


def build_cues(minutes: Minutes, clean: bool = True) -> list[Cue]:
    cues = []
    for label, turn, text in spoken_turns(minutes, clean):
        times = _char_times(turn, text) if turn.words else _proportional_times(turn, len(text))
        for a, b in _chunks(text):
            piece = text[a:b].strip()
            if not piece:
                continue
            start, end = times[a][0], times[b - 1][1]
            cues.append(Cue(start, max(end, start + _MIN_CUE_SECONDS), f"{label}：{piece}"))
    return sorted(cues, key=lambda c: (c.start, c.end))


def _timestamp(seconds: float, decimal: str) -> str:
    ms = max(0, round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{ms:03d}"


def render_srt(minutes: Minutes, clean: bool = True) -> bytes:
    blocks = [
        f"{n}\n{_timestamp(c.start, ',')} --> {_timestamp(c.end, ',')}\n{c.text}\n"
        for n, c in enumerate(build_cues(minutes, clean), start=1)
    ]
    return "\n".join(blocks).encode("utf-8")


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(minutes: Minutes, clean: bool = True) -> bytes:
    blocks = ["WEBVTT\n"] + [
        f"{_timestamp(c.start, '.')} --> {_timestamp(c.end, '.')}\n{_vtt_escape(c.text)}\n"
        for c in build_cues(minutes, clean)
    ]
    return "\n".join(blocks).encode("utf-8")
