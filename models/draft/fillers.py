"""Filler (フィラー) removal, the main part of ケバ取り.

Two kinds of filler are told apart because some fillers are also ordinary words:

* drawn-out forms (えー, えーと, えっと, あのー, そのー, うーん, …) are never words, so they go
  wherever they stand;
* short forms (あの, その, まあ, ま, あー, あ, え) are words too (「あの件」「その後」「まあまあ」),
  so they go only when they stand alone: at the start of the text or after punctuation or a pause,
  and followed by 、 or a pause. Whisper writes a pause as a space, which is why this runs before
  spaces are removed.

A removed filler takes the 、 or space after it along, so 「は、えー、142件」 becomes 「は、142件」.
"""

from __future__ import annotations

import re

_LONG = "ー〜~"
# Always fillers. Not matched right after katakana, so a loanword ending in ー is never cut.
_DRAWN_OUT = (
    rf"え[{_LONG}]+(?:っ?とですね|っ?と(?![ぁ-ゖ]))?"  # えー, えーと, えーっと, えーとですね
    r"|ええと(?:ですね)?|えっと(?:ですね)?"
    rf"|あの[{_LONG}]+|あのう|その[{_LONG}]+|この[{_LONG}]+"
    rf"|ま[あぁ]?[{_LONG}]+|う[{_LONG}]+ん|ん[{_LONG}]+"
)
# Fillers only when standing alone; the order puts longer forms first.
_SHORT = r"まあ|まぁ|あの|その|あ[ー〜~]+|ま|あ|え"
_BOUNDARY_BEFORE = r"(?<![^\s、。，．,.！？!?「」『』（）()])"  # start of text or after these
_STANDS_ALONE_AFTER = r"(?=[、,\s]|$)"
_TRAILING_SEPARATOR = r"\s*[、,]?\s*"

_FILLER = re.compile(
    rf"(?:(?<![ァ-ヺー])(?:{_DRAWN_OUT})"
    rf"|{_BOUNDARY_BEFORE}(?:{_SHORT}){_STANDS_ALONE_AFTER})"
    rf"{_TRAILING_SEPARATOR}"
)


def remove_fillers(text: str) -> str:
    """Remove fillers; repeats until stable because removing one can expose the next (「えーあの、」)."""
    while True:
        cleaned = _FILLER.sub("", text)
        if cleaned == text:
            return cleaned
        text = cleaned
