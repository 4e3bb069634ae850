"""Draft minutes text from verbatim Whisper output: ケバ取り and the user's vocabulary."""

from models.draft.cleaning import clean_text
from models.draft.spacing import verbatim_text
from models.draft.vocabulary import Vocabulary, VocabularyEntry, load_vocabulary

__all__ = ["Vocabulary", "VocabularyEntry", "clean_text", "load_vocabulary", "verbatim_text"]
