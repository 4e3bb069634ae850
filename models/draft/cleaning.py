"""ケバ取り: verbatim Whisper text → the draft text of the minutes.

The steps run in this order for a reason: fillers and repeats are found while Whisper's spaces
still mark pauses; the user's vocabulary is applied once the spaces are gone (a misrecognised
「ギガ スクール」 must match 「ギガスクール」); numerals come last and leave vocabulary words
alone (a place name such as 三春町 is not a count).
"""

from __future__ import annotations

from models.draft.fillers import remove_fillers
from models.draft.numerals import kanji_numbers_to_arabic
from models.draft.orthography import standard_spelling
from models.draft.punctuation import tidy_punctuation
from models.draft.repeats import remove_repeats
from models.draft.spacing import collapse_whitespace, normalize_width, remove_japanese_spaces, restore_filler_spelling
from models.draft.vocabulary import Vocabulary


def clean_text(text: str, vocabulary: Vocabulary | None = None) -> str:
    """Remove fillers, stutters and repeated words; fix spacing, 公用文 kana, vocabulary, numerals."""
    text = restore_filler_spelling(collapse_whitespace(normalize_width(text)))
    text = remove_repeats(remove_fillers(text))
    text = standard_spelling(remove_japanese_spaces(text))
    protected: list[str] = []
    if vocabulary is not None:
        text = vocabulary.apply(text)
        protected = vocabulary.canonicals()
    text = kanji_numbers_to_arabic(text, protected)
    return tidy_punctuation(text)
