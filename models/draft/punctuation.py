"""Tidy the punctuation that filler and repeat removal leave behind.

「修理件数は、えー、142件」 loses 「えー、」 cleanly, but 「ですが、えー。」 would leave 「ですが、。」
and a turn that started with a filler could start with 、. Only these leftovers are touched; the
speaker's own 、 and 。 are kept.
"""

from __future__ import annotations

import re

_DOUBLE_COMMA = re.compile(r"、(?:\s*、)+")
_COMMA_BEFORE_STOP = re.compile(r"、+(?=[。？！?!」』）)])")
_COMMA_AFTER_OPENING = re.compile(r"(?<=[。？！?!「『（(])、+")
_LEADING_COMMA = re.compile(r"^[、\s]+")


def tidy_punctuation(text: str) -> str:
    text = _DOUBLE_COMMA.sub("、", text)
    text = _COMMA_BEFORE_STOP.sub("", text)
    text = _COMMA_AFTER_OPENING.sub("", text)
    return _LEADING_COMMA.sub("", text)
