"""Kana readings of Japanese text with SudachiPy (``sudachidict_core``), loaded on first use.

Why readings: Whisper base cannot know a name it never heard (「府庁」 → 「病庭」), but it usually
hears the sounds right, so a recognised span and a term of the meeting's materials are compared by
how they are *read*, not how they are written. Why Sudachi: it ships its dictionary as a PyPI
package (offline), gives the reading and the part of speech (固有名詞・地名/人名/組織名) of every
token, and its longest split mode (C) keeps compounds such as 「千早赤阪村」 whole.

Sudachi's tokenizer is not safe to share between threads, so each thread gets its own; the
dictionary is loaded once per process.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_local = threading.local()
_HIRAGANA = "".join(chr(c) for c in range(ord("ぁ"), ord("ゖ") + 1))
_KATAKANA = "".join(chr(c) for c in range(ord("ァ"), ord("ヶ") + 1))
_TO_KATAKANA = str.maketrans(_HIRAGANA, _KATAKANA)
# Folded so that near-homophones the ear (and Whisper) confuse compare equal: small kana, voicing
# of ヂ/ヅ, long vowels written out (ショカン / ショーカン).
_FOLD = str.maketrans(
    {"ァ": "ア", "ィ": "イ", "ゥ": "ウ", "ェ": "エ", "ォ": "オ", "ッ": "", "ヂ": "ジ", "ヅ": "ズ", "ヮ": "ワ"}
)
_LONG_VOWEL = re.compile(r"(?<=[オコソトノホモヨロゴゾドボポョュ])ウ|(?<=[エケセテネヘメレゲゼデベペ])イ|ー")
_KANA_ONLY = re.compile(r"^[\u30a0-\u30ff]+$")


@dataclass(frozen=True)
class Token:
    """One morpheme: its text, where it is in the analysed string, its reading (katakana) and
    Sudachi's part of speech (the first four levels, e.g. 名詞・固有名詞・地名・一般)."""

    surface: str
    start: int
    end: int
    reading: str
    pos: tuple[str, ...]

    @property
    def is_noun(self) -> bool:
        return self.pos[0] == "名詞"

    @property
    def is_proper(self) -> bool:
        return self.pos[:2] == ("名詞", "固有名詞")

    @property
    def is_number(self) -> bool:
        return self.pos[:2] == ("名詞", "数詞")


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _tokenizer(mode: str) -> Any:
    tokenizers = getattr(_local, "tokenizers", None)
    if tokenizers is None:
        tokenizers = _local.tokenizers = {}
    if mode not in tokenizers:
        from sudachipy import SplitMode

        tokenizers[mode] = _dictionary().tokenizer(mode=getattr(SplitMode, mode))
    return tokenizers[mode]


def tokenize(text: str, mode: str = "C") -> list[Token]:
    """``text`` as morphemes with readings; symbols and spaces read as themselves. Mode C keeps
    compounds whole (教育委員会事務局), mode A splits them into their words (教育/委員/会)."""
    tokens = []
    for m in _tokenizer(mode).tokenize(text):
        surface = m.surface()
        pos = tuple(m.part_of_speech()[:4])
        reading = m.reading_form()
        if pos[0] in ("補助記号", "空白") or reading == "キゴウ":
            reading = ""
        elif _is_latin(surface):
            reading = _latin_reading(surface, reading)
        tokens.append(Token(surface, m.begin(), m.end(), to_katakana(reading), pos))
    return tokens


def _is_latin(text: str) -> bool:
    return bool(text) and all("A" <= c <= "z" or c.isdigit() for c in unicodedata.normalize("NFKC", text))


_LETTERS = {
    "A": "エー", "B": "ビー", "C": "シー", "D": "ディー", "E": "イー", "F": "エフ", "G": "ジー", "H": "エイチ",
    "I": "アイ", "J": "ジェー", "K": "ケー", "L": "エル", "M": "エム", "N": "エヌ", "O": "オー", "P": "ピー",
    "Q": "キュー", "R": "アール", "S": "エス", "T": "ティー", "U": "ユー", "V": "ブイ", "W": "ダブリュー",
    "X": "エックス", "Y": "ワイ", "Z": "ゼット",
}  # fmt: skip


def _latin_reading(surface: str, reading: str) -> str:
    """Sudachi's reading when it knows the word (GIGA → ギガ), else the letters spelled out
    (RFI → アールエフアイ), which is how an unknown acronym is said."""
    if reading and _KANA_ONLY.match(to_katakana(reading)):
        return reading
    letters = unicodedata.normalize("NFKC", surface).upper()
    return "".join(_LETTERS.get(c, "") for c in letters)


def to_katakana(text: str) -> str:
    return text.translate(_TO_KATAKANA)


def fold_reading(reading: str) -> str:
    """A reading reduced to what speech recognition reliably keeps (see ``_FOLD``)."""
    return _LONG_VOWEL.sub("", to_katakana(reading).translate(_FOLD))


def reading_of(text: str) -> str:
    """The folded reading of ``text`` (empty for symbols)."""
    return fold_reading("".join(t.reading for t in tokenize(text)))
