"""Text normalisation applied to reference and hypothesis before counting errors.

Japanese has no word spaces and ASR output differs from a clerk's transcript in things that are not
recognition errors: full- vs half-width forms, punctuation (Whisper often drops 、。), spaces, and
whether a number is written 令和六年 or 令和6年. CER must not count those, so both sides go through
the same functions here.

Rules (``normalize_chars``), as in ../shared/corpus/README.md "Scoring conventions":
1. Unicode NFKC (full-width ``３，５００`` → ``3,500``, half-width katakana → full-width).
2. Drop every character whose Unicode category is P* (punctuation, 「」、。・ included),
   Z* (spaces) or C* (controls, format characters such as zero-width space).

Numeral-unified variant (``unify_numerals``, applied after the rules above): every maximal run of
numeral characters — Arabic digits 0-9, kanji digits 〇零一二三四五六七八九 and the multipliers
十百千万億兆 — is read as one integer and written in Arabic digits:
- digits without any multiplier are positional: 二〇二四 → 2024, 2024 → 2024;
- 十百千 multiply the digits before them (or 1): 二十四 → 24, 百二十 → 120, 千 → 1000;
- 万億兆 close a four-digit group: 三億五千万 → 350000000, 3億5000万 → 350000000, 一千万 → 10000000;
- digit separators are already gone (``,`` is P*), so 3,500 → 3500 == 三千五百.
Because both sides get the same treatment, idioms that merely contain numeral characters (一般 →
1般, 千葉 → 1000葉, 十分 → 10分) change identically and cost nothing. Not handled: 大字 (壱弐参),
decimals (3.5 loses its point, 三・五 its 中黒, so 3.5 == 35 ≠ 三・五), 〜/から ranges.
"""

from __future__ import annotations

import re
import unicodedata

_DROPPED_CATEGORIES = ("P", "Z", "C")
_KANJI_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}
_NUMERAL_RUN = re.compile("[0-9" + "".join(_KANJI_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS) + "]+")
_TOKEN = re.compile(r"[0-9]+|.")


def normalize_chars(text: str) -> str:
    """NFKC, then remove punctuation, spaces and control characters (see module docstring)."""
    return "".join(
        c for c in unicodedata.normalize("NFKC", text) if not unicodedata.category(c).startswith(_DROPPED_CATEGORIES)
    )


def normalize_words(text: str) -> str:
    """For space-delimited languages: NFKC, casefold, drop P*/C*, whitespace runs → one space."""
    kept = (
        " " if c.isspace() else c
        for c in unicodedata.normalize("NFKC", text).casefold()
        if c.isspace() or not unicodedata.category(c).startswith(_DROPPED_CATEGORIES)
    )
    return " ".join("".join(kept).split())


def numeral_value(run: str) -> int:
    """The integer a run of kanji/Arabic numeral characters denotes (rules in module docstring)."""
    digits = "".join(_KANJI_DIGITS.get(c, c) for c in run)
    total = group = 0
    pending: int | None = None  # digits read but not yet multiplied
    for token in _TOKEN.findall(digits):
        if token.isdigit():
            pending = int(token)
        elif token in _SMALL_UNITS:
            group += (1 if pending is None else pending) * _SMALL_UNITS[token]
            pending = None
        else:
            group += pending or 0
            total += (group or 1) * _BIG_UNITS[token]
            group, pending = 0, None
    return total + group + (pending or 0)


def unify_numerals(text: str) -> str:
    """Rewrite every numeral run as Arabic digits so 令和六年 and 令和6年 compare equal."""
    return _NUMERAL_RUN.sub(lambda m: str(numeral_value(m.group())), text)


def normalize_for_cer(text: str, *, numerals: bool = False) -> str:
    """The character sequence CER is computed on: ``normalize_chars`` (+ ``unify_numerals``)."""
    chars = normalize_chars(text)
    return unify_numerals(chars) if numerals else chars
