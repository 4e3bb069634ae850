"""Decoding hints from the materials: which terms Whisper is told about, clip by clip.

Whisper's prompt holds about 224 tokens and the generic council prompt already takes some, so a
meeting's whole term list never fits; and a prompt full of names Whisper then hears nowhere is what
makes it write them into silence. Two ways are offered (measured in docs/benchmarks.md,
"Meeting materials"):

- ``prompt`` / ``hotwords``: the best-ranked terms of the whole materials on every clip;
- ``two-pass``: decode once without them, then give each clip only the terms whose reading is close
  to something in its first-pass text (``near_terms``) and decode again only the clips where such a
  term is not already written right.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from models.materials.reading import reading_of
from models.materials.terms import Materials, Term

MAX_TERM_CHARS = 100  # of the prompt given to terms (the rest is the generic council prompt)
NEAR_SCORE = 80.0  # rapidfuzz partial_ratio of readings (0–100)
MIN_HINT_READING = 3


def top_terms(materials: Materials, max_chars: int = MAX_TERM_CHARS) -> list[str]:
    """The best-ranked terms that fit in ``max_chars`` (joined by 、)."""
    return fit_terms((t.surface for t in materials.terms if _hintable(t)), max_chars)


def _hintable(term: Term) -> bool:
    """Names, foreign words and compounds long enough to matter; not everyday words (減少)."""
    return term.kind != "word" and len(term.reading) >= MIN_HINT_READING


def fit_terms(surfaces: Iterable[str], max_chars: int) -> list[str]:
    """The surfaces, in order and once each, that fit in ``max_chars`` joined by 、."""
    chosen: list[str] = []
    length = 0
    for surface in dict.fromkeys(surfaces):
        # a term inside one already chosen (北山 in 北山小学校) adds nothing
        if any(surface in c for c in chosen):
            continue
        if length + len(surface) + 1 > max_chars:
            continue
        chosen.append(surface)
        length += len(surface) + 1
    return chosen


def hint_prompt(base: str | None, terms: Sequence[str]) -> str | None:
    """The generic prompt followed by the terms, as a sentence-like list Whisper continues from."""
    if not terms:
        return base
    return f"{base or ''}{'、'.join(terms)}。"


def near_terms(text: str, materials: Materials, max_chars: int = MAX_TERM_CHARS) -> list[str]:
    """Terms whose reading is close to part of ``text``'s reading and that ``text`` does not
    already spell right: what a second decoding of that clip should be told."""
    if not text.strip():
        return []
    reading = reading_of(text)
    hits: list[tuple[float, Term]] = []
    for term in materials.terms:
        if not _hintable(term) or term.surface in text:
            continue
        score = fuzz.partial_ratio(term.reading, reading)
        if score >= NEAR_SCORE:
            hits.append((score, term))
    hits.sort(key=lambda h: (-h[0], -h[1].score))
    return fit_terms((t.surface for _, t in hits), max_chars)
