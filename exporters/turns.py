"""What each turn prints as, shared by every text-like format."""

from __future__ import annotations

from models.types import Minutes, Turn

SPEAKER_MARK = "○"
LABEL_GAP = "　"  # full-width space between the speaker label and the speech, as 会議録 print it


def turn_text(turn: Turn, clean: bool) -> str:
    """The ケバ取り text by default; the verbatim (素起こし) when asked, or when no clean text exists."""
    return (turn.clean_text or turn.text) if clean else turn.text


def spoken_turns(minutes: Minutes, clean: bool) -> list[tuple[str, Turn, str]]:
    """(speaker label, turn, text) in time order, without turns that have nothing to print."""
    ordered = sorted(minutes.turns, key=lambda t: (t.start, t.end))
    return [
        (minutes.speaker_label(t.speaker), t, text.strip()) for t in ordered if (text := turn_text(t, clean)).strip()
    ]
