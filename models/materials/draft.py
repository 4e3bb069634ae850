"""The draft stage's use of the materials: correct each turn by reading, then offer read-aloud
passages and figures (``correction``, ``readaloud``)."""

from __future__ import annotations

from models.draft import Vocabulary, VocabularyEntry, clean_text
from models.materials.correction import correct_text
from models.materials.readaloud import suggest
from models.materials.terms import Materials
from models.types import Turn


def draft_with_materials(turn: Turn, raw: str, vocabulary: Vocabulary | None, materials: Materials) -> None:
    """Fill ``turn.text`` (already verbatim with the vocabulary applied), ``clean_text``,
    ``replacements`` and ``suggestions`` from the materials.

    The cleaned text gets the same replacements through a per-turn vocabulary (it is rebuilt from
    the raw words); the materials' terms are in that vocabulary too, so that numeral normalisation
    leaves a name such as 千早赤阪村 alone, as it does for the department's words.
    """
    turn.text, turn.replacements = correct_text(turn.text, materials)
    entries = list(vocabulary.entries) if vocabulary else []
    entries += [VocabularyEntry(r.replacement, [r.original]) for r in turn.replacements]
    entries += [VocabularyEntry(t.surface) for t in materials.terms]
    turn.clean_text = clean_text(raw, Vocabulary(entries))
    turn.suggestions = suggest(turn.clean_text, materials)
