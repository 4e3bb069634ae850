"""Read-aloud passages and figures: the materials' exact wording offered for a span of a turn.

Department heads often read their report aloud; Whisper then gets most of a sentence right and a
name or a figure wrong (約2,100万円 → 2,000,000円). When a turn closely follows a sentence of the
materials, the editor offers that sentence for the span it covers; when a turn states a figure in
the same context as a figure of the materials but with another value, it offers the material's
figure. Both are suggestions only (``MaterialSuggestion``): a speaker may really have said
something else, so staff accept them in the editor, and the figure offered is copied verbatim from
the material, never computed.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from models.materials.reading import tokenize
from models.materials.terms import FIGURE, Figure, Materials, figure_value
from models.types import MaterialSuggestion

PASSAGE_SCORE = 85.0  # rapidfuzz partial_ratio (0–100) between a material sentence and the turn
MIN_PASSAGE_CHARS = 12
MAX_FIGURE_RATIO = 3.0  # a stated figure and the material's differ by at most this factor ...
# ... or share their leading digit (Whisper's 約2,100万円 → 2,000,000円 is off by ten)
MIN_FIGURE_CONTEXT = 0.5  # share of the figure's line (its nouns) the turn must also say
_DATE_UNITS = frozenset({"年", "月", "日", "年度"})  # dates: 10年前 is no misheard 令和6年
_SPACES = re.compile(r"[\s　]+")


def suggest(text: str, materials: Materials) -> list[MaterialSuggestion]:
    """Suggestions for one turn's cleaned text, by offset, none overlapping."""
    if not materials or not text:
        return []
    found = _passages(text, materials) + _figures(text, materials)
    chosen: list[MaterialSuggestion] = []
    for s in sorted(found, key=lambda s: (-s.similarity, s.start)):
        end = s.start + len(s.original)
        if all(end <= o.start or s.start >= o.start + len(o.original) for o in chosen):
            chosen.append(s)
    return sorted(chosen, key=lambda s: s.start)


def _passages(text: str, materials: Materials) -> list[MaterialSuggestion]:
    out = []
    for sentence in materials.sentences:
        wording = _SPACES.sub("", sentence)
        if len(wording) < MIN_PASSAGE_CHARS or len(wording) > 2 * len(text):
            continue
        a = fuzz.partial_ratio_alignment(wording, text, score_cutoff=PASSAGE_SCORE)
        if a is None:
            continue
        if len(wording) <= len(text):
            span, offer = (a.dest_start, a.dest_end), wording
        else:  # the turn is shorter: it read part of the sentence, offer that part
            span, offer = (0, len(text)), wording[a.src_start : a.src_end]
        original = text[span[0] : span[1]]
        if _key(original) != _key(offer) and len(original) >= MIN_PASSAGE_CHARS:
            out.append(MaterialSuggestion("passage", original, offer, span[0], round(a.score / 100, 3)))
    return out


def _key(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c)[0] not in "PZC")


def _content_words(text: str) -> set[str]:
    """Nouns in their smallest units (町負担額 → 町/負担/額), so 「町の負担額」 shares them."""
    return {t.surface for t in tokenize(text, mode="A") if t.is_noun and not t.is_number and len(t.surface) >= 2}


def _figures(text: str, materials: Materials) -> list[MaterialSuggestion]:
    out = []
    words = _content_words(text)
    for match in FIGURE.finditer(text):
        parsed = figure_value(match.group())
        if parsed is None:
            continue
        value, unit = parsed
        if unit in _DATE_UNITS:
            continue
        same_unit = [f for f in materials.figures if f.unit == unit]
        if not same_unit or any(f.value == value for f in same_unit):
            continue  # no figure of that kind, or the turn states one of the material's figures
        best = _closest(value, same_unit, words)
        if best is not None:
            figure, shared = best
            out.append(MaterialSuggestion("figure", match.group(), figure.surface, match.start(), shared))
    return out


def _comparable(a: float, b: float) -> bool:
    if a <= 0 or b <= 0:
        return False
    return max(a, b) / min(a, b) <= MAX_FIGURE_RATIO or f"{a:.0f}"[0] == f"{b:.0f}"[0]


def _closest(value: float, figures: list[Figure], words: set[str]) -> tuple[Figure, float] | None:
    """The material figure said in the same context (content words shared with its line) and
    nearest in value; the share of its line's words the turn contains is the similarity."""
    best: tuple[float, Figure, float] | None = None
    for figure in figures:
        if not _comparable(value, figure.value):
            continue
        context = _content_words(figure.context)
        shared = len(context & words) / max(1, len(context))
        if shared < MIN_FIGURE_CONTEXT:
            continue
        distance = abs(figure.value - value) / figure.value
        if best is None or (shared, -distance) > (best[2], -best[0]):
            best = (distance, figure, round(shared, 3))
    return (best[1], best[2]) if best else None
