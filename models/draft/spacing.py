"""Width and spacing normalisation shared by the verbatim (素起こし) and the cleaned text.

Whisper emits spaces between Japanese words (often where the speaker paused) and sometimes
full-width digits. Japanese prose has no spaces, and 公用文 writes Arabic digits and Latin letters
half-width, so both outputs get the same treatment. Spaces between two Latin/digit tokens are kept
("Wi Fi" stays two words, "GIGAスクール" has none to remove).
"""

from __future__ import annotations

import re

from models.draft.orthography import standard_spelling

# Full-width ASCII letters and digits → half-width. Full-width punctuation （）、。「」 is left alone:
# it is the correct form in Japanese text.
_WIDTH = str.maketrans(
    "０１２３４５６７８９"
    "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)

_WHITESPACE = re.compile(r"\s+")  # includes the ideographic space U+3000
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")


def normalize_width(text: str) -> str:
    """Full-width digits and Latin letters become half-width."""
    return text.translate(_WIDTH)


def collapse_whitespace(text: str) -> str:
    """Every run of whitespace becomes one ASCII space; ends are trimmed.

    The cleaner still needs the spaces at this point: a space is Whisper's hint of a pause, which
    is what tells a filler like 「あの」 from the demonstrative in 「あの件」.
    """
    return _WHITESPACE.sub(" ", text).strip()


def remove_japanese_spaces(text: str) -> str:
    """Drop each space unless both neighbours are Latin letters or digits."""

    def keep_or_drop(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if _ASCII_WORD.fullmatch(before or "-") and _ASCII_WORD.fullmatch(after or "-"):
            return " "
        return ""

    return _WHITESPACE.sub(keep_or_drop, text).strip()


# Whisper writes the filler えー as a lone Latin "A" inside Japanese speech (「ございます。Aまず」).
# Only a capital A that starts a phrase (after 、。 a space or at the start) and runs straight into
# hiragana or kanji is taken: A4, AI, Aランク and プランA stay as they are. Before a number, only
# when a counter follows it (「A142件」「A 3,600万円」): a sheet size or a grade (A4判, A3サイズ, A1)
# never takes one.
_COUNTERS = "件人名円台回校年月日時分割歳戸万億千百%％"
_ROMANISED_FILLER = re.compile(
    r"(?:^|(?<=[、。\s]))Aー?(?=[\s、ぁ-ゖ一-龯]|\s?[0-9][0-9,.]*(?:[" + _COUNTERS + r"]|か所|箇所|世帯))"
)


# ... and shortens it to a lone 「え」 before a pause or a content word (「え、通学距離」「え統合」).
# 「ええ」 (yes) and 「えっ」 are followed by kana, so they never match.
_SHORT_FILLER = re.compile(r"(?:^|(?<=[、。\s]))え(?=[\s、一-龯ァ-ヺ])")


# ... and the drawn-out filler あのー as 「あの、」. The demonstrative あの always runs into its noun
# (「あの件」), so a phrase-initial あの with a comma straight after it is the filler.
_SHORT_ANO = re.compile(r"(?:^|(?<=[、。\s]))あの(?=、)")


def restore_filler_spelling(text: str) -> str:
    """Spell Whisper's renderings of the fillers えー (「A」, a lone 「え」) and あのー (「あの、」)
    the way 素起こし writes them, so ケバ取り can find them and the verbatim text matches what was
    said."""
    text = _ROMANISED_FILLER.sub("えー", text)
    return _SHORT_ANO.sub("あのー", _SHORT_FILLER.sub("えー", text))


def verbatim_text(text: str) -> str:
    """The 素起こし: Whisper's words, with spacing, digit width, filler spelling and 公用文 kana
    for auxiliaries normalised (spelling only: nothing said is removed)."""
    return standard_spelling(
        remove_japanese_spaces(restore_filler_spelling(collapse_whitespace(normalize_width(text))))
    )
