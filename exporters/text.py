"""Plain-text minutes: the header block, then one 「○委員長（山田）　発言」 line per turn.

For pasting into a council's own document system; UTF-8, LF line ends, nothing but text.
"""

from __future__ import annotations

from exporters.header import document_title, header_rows
from exporters.turns import LABEL_GAP, SPEAKER_MARK, spoken_turns
from models.types import Minutes


def render_text(minutes: Minutes, clean: bool = True) -> bytes:
    lines = [document_title(minutes.meeting), ""]
    for label, values in header_rows(minutes.meeting):
        lines.append(f"{label}{LABEL_GAP}{values[0]}")
        lines.extend(f"{LABEL_GAP * (len(label) + 1)}{v}" for v in values[1:])
    if len(lines) > 2:
        lines.append("")
    lines.extend(f"{SPEAKER_MARK}{label}{LABEL_GAP}{text}" for label, _, text in spoken_turns(minutes, clean))
    return ("\n".join(lines) + "\n").encode("utf-8")
