"""Stutters and restarted words: 「こ、こちら」→「こちら」, 「予算、予算は」→「予算は」.

A repeat is a stretch X right before a 、 or a pause that the text after the separator starts with
again. Without a word segmenter the boundaries come from the scripts, and they are conservative:

* X written in hiragana (「この」「は」) must itself start after punctuation or at the start of the
  text, so 「私は、はじめに」 keeps its は;
* X with kanji, katakana or Latin letters may also start where the script changes (「来年度の予算、
  予算は」), but its second copy must end where the script changes too, so 「会議、会議録」 and
  「スクール、スクールバス」 — more likely a list than a restart — are kept;
* X made only of digits is never a repeat (「1、1」 is more likely a list of numbers).
"""

from __future__ import annotations

import re

_MAX_REPEAT = 10  # characters; a longer restart is a rephrased sentence, left to the editor
_SEPARATOR = re.compile(r"[、,\s]+")
_PUNCTUATION = set("、。，．,.！？!?「」『』（）() \t\n")


def _script(ch: str) -> str:
    if "ぁ" <= ch <= "ゖ" or ch in "ゝゞ":
        return "hiragana"
    if "ァ" <= ch <= "ヺ" or ch == "ー":
        return "katakana"
    if "一" <= ch <= "鿿" or ch in "々〆":
        return "kanji"
    if ch.isascii() and ch.isalnum():
        return "latin"
    return "other"


def _is_repeat(text: str, start: int, end: int, resume: int) -> bool:
    """Is text[start:end] an X that text[resume:] begins with again, by the rules above?"""
    x = text[start:end]
    if text[resume : resume + len(x)] != x or any(ch in _PUNCTUATION for ch in x) or x.isdigit():
        return False
    before = text[start - 1] if start > 0 else ""
    starts_clean = not before or before in _PUNCTUATION
    if all(_script(ch) == "hiragana" for ch in x):
        return starts_clean
    after = text[resume + len(x)] if resume + len(x) < len(text) else ""
    ends_clean = not after or after in _PUNCTUATION or _script(after) != _script(x[-1])
    return ends_clean and (starts_clean or _script(before) != _script(x[0]))


def remove_repeats(text: str) -> str:
    """Drop the first copy of each repeated stretch (and its separator), longest stretch first."""
    pos = 0
    while m := _SEPARATOR.search(text, pos):
        for length in range(min(_MAX_REPEAT, m.start()), 0, -1):
            start = m.start() - length
            if _is_repeat(text, start, m.start(), m.end()):
                text = text[:start] + text[m.end() :]
                pos = start  # look again: 「予算、予算、予算は」 has two copies to drop
                break
        else:
            pos = m.end()
    return text
