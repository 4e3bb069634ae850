"""Words → speakers → turns: pure functions, no models.

A clip was cut from one diarized speaker's stretch, so its words belong to that speaker unless a
word lies clearly inside another speaker's segment (the clip's padding heard the neighbour); the
words of a clip that packs several speakers' turns go by the segments' times alone.
Clips are walked in time order and words are never dropped or merged away, so overlapping speech
keeps the words of both speakers.
"""

from __future__ import annotations

from collections.abc import Sequence

from models.transcription import ClipWords
from models.types import SpeakerSegment, Turn, Word

# How far (s) outside its own speaker's segments a word may lie and still keep the clip's speaker:
# Whisper base word times are this loose.
_TOLERANCE_S = 0.5
UNKNOWN_SPEAKER = "SPEAKER_00"  # only when there are no segments at all


def _covers(segments: Sequence[SpeakerSegment], t: float, tolerance: float) -> bool:
    return any(s.start - tolerance <= t <= s.end + tolerance for s in segments)


def word_speaker(word: Word, default: str | None, segments: Sequence[SpeakerSegment]) -> str:
    """The speaker of one word: the clip's, unless its midpoint is only inside another's segment.

    A packed clip (``default`` None) has no speaker of its own: the segment under the word decides,
    or, for a word between segments, the nearest one.
    """
    mid = (word.start + word.end) / 2
    if default is not None and _covers([s for s in segments if s.speaker == default], mid, _TOLERANCE_S):
        return default
    best, best_overlap = default, 0.0
    for seg in segments:
        overlap = min(word.end, seg.end) - max(word.start, seg.start)
        if seg.start <= mid <= seg.end:
            overlap = max(overlap, 1e-6)
        if overlap > best_overlap:
            best, best_overlap = seg.speaker, overlap
    if best is None:
        nearest = min(segments, key=lambda s: max(s.start - mid, mid - s.end), default=None)
        best = nearest.speaker if nearest else UNKNOWN_SPEAKER
    return best


def attribute(clip_words: Sequence[ClipWords], segments: Sequence[SpeakerSegment]) -> list[tuple[Word, str]]:
    """Every word of every clip with its speaker, in clip order then word order."""
    out: list[tuple[Word, str]] = []
    for cw in sorted(clip_words, key=lambda c: (c.clip.start, c.clip.end)):
        out.extend((w, word_speaker(w, cw.clip.speaker, segments)) for w in cw.words)
    return out


def join_words(words: Sequence[Word]) -> str:
    """Whisper words carry their own leading spaces (English) or none (Japanese)."""
    return "".join(w.word for w in words).strip()


def build_turns(attributed: Sequence[tuple[Word, str]]) -> list[Turn]:
    """Split the word stream at every speaker change; text fields are filled by the draft stage."""
    turns: list[Turn] = []
    for word, speaker in attributed:
        if turns and turns[-1].speaker == speaker:
            turn = turns[-1]
            turn.words.append(word)
            turn.end = max(turn.end, word.end)
        else:
            turns.append(Turn(speaker, word.start, word.end, "", "", [word]))
    for turn in turns:
        turn.text = join_words(turn.words)
    return turns
