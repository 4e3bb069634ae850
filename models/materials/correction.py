"""Reading-based correction: a recognised span that *sounds like* a term of the materials is
replaced by the term, and every replacement is recorded so the editor can show and undo it.

Whisper base writes an unknown name with whatever kanji fit the sounds (所管 → 所関, 島本町 →
島元町, ちはやあかさか村). Clerks fix these by looking the word up in the 資料; this does the same
lookup by reading: the span's folded kana reading (``reading.fold_reading``) against each term's.

When a match is accepted (all tested in tests/models/materials/test_correction.py):

- the reading is the same, or nearly (normalised Levenshtein similarity ≥ ``NEAR_SIMILARITY``),
  and long enough that a chance match is unlikely (``MIN_READING``; near matches need
  ``MIN_NEAR_READING`` and a name, foreign word or compound: an everyday word of the materials
  (``Term.kind == "word"``, 減少) must read exactly alike — 十分 is not 住民);
- the context supports it: for a short reading (< ``MIN_NEAR_READING`` kana, where ordinary words
  share readings: 市長/支庁), another word of the term's line in the materials must occur in the
  same turn;
- the span is not itself a word the materials use (then it was probably said and heard right),
  does not begin or end with a particle or auxiliary, and holds no digits (figures are never
  rewritten; read-aloud suggestions offer them instead); a particle inside it is allowed only for
  an exact match of a name or foreign word that Whisper wrote in kana (議がスクール → GIGAスクール),
  since for a compound it means the speaker phrased it differently (更新の時期, not 更新時期).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from models.materials.reading import Token, fold_reading, reading_of, tokenize
from models.materials.terms import Materials, Term
from models.types import TermReplacement

MIN_READING = 3  # folded kana: exact matches from this length
MIN_NEAR_READING = 5  # near matches only from this length
NEAR_SIMILARITY = 0.8
MAX_SPAN_TOKENS = 6
_TRIM_FROM = 0.6  # a span this close may match once the kana glued to its ends are trimmed
_EDGE_POS = ("助詞", "助動詞", "補助記号", "空白")


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    term: Term
    similarity: float


def correct_text(text: str, materials: Materials) -> tuple[str, list[TermReplacement]]:
    """``text`` with the spans that sound like material terms replaced, and the replacements
    (offsets in the returned text, left to right)."""
    terms = [t for t in materials.terms if len(t.reading) >= MIN_READING]
    if not terms or not text:
        return text, []
    tokens = tokenize(text)
    candidates = [c for c in _candidates(text, tokens, terms) if _supported(c, text, materials)]
    chosen = _non_overlapping(candidates)
    out: list[str] = []
    replacements: list[TermReplacement] = []
    position = 0
    for c in chosen:
        out.append(text[position : c.start])
        start = sum(len(p) for p in out)
        out.append(c.term.surface)
        replacements.append(TermReplacement(text[c.start : c.end], c.term.surface, start, round(c.similarity, 3)))
        position = c.end
    out.append(text[position:])
    return "".join(out), replacements


def _candidates(text: str, tokens: list[Token], terms: list[Term]) -> list[_Candidate]:
    by_length: dict[int, list[Term]] = {}
    for term in terms:
        by_length.setdefault(len(term.reading), []).append(term)
    found = []
    for i, first in enumerate(tokens):
        if first.pos[0] in _EDGE_POS:
            continue
        reading = ""
        has_particle = False
        for j in range(i, min(len(tokens), i + MAX_SPAN_TOKENS)):
            token = tokens[j]
            if token.pos[:2] == ("補助記号", "読点"):
                continue  # Whisper puts 、 inside a name it does not know (議がスクール、端末)
            if not token.reading or any(c.isdigit() for c in token.surface) or token.pos[0] == "空白":
                break
            reading += token.reading
            if token.pos[0] in _EDGE_POS:
                has_particle = True
                continue
            span = fold_reading(reading)
            surface = text[first.start : token.end]
            for length in range(len(span) - 2, len(span) + 3):
                for term in by_length.get(length, ()):
                    if surface == term.surface:
                        continue
                    similarity = max(
                        Levenshtein.normalized_similarity(span, term.reading), _shared_ends_similarity(surface, term)
                    )
                    candidate = _Candidate(first.start, token.end, term, similarity)
                    matches = similarity >= NEAR_SIMILARITY and (
                        similarity == 1.0 or len(term.reading) >= MIN_NEAR_READING
                    )
                    if not matches and (not has_particle or similarity < _TRIM_FROM):
                        continue  # only a name in kana may match once the kana glued to it are trimmed
                    candidate = _trimmed(text, candidate)
                    exact = candidate.similarity == 1.0
                    # A particle inside the span: the speaker phrased a compound differently (更新の
                    # 時期 for 更新時期) — only a name garbled into kana (議がスクール) may hold one.
                    if has_particle and not (exact and term.kind != "compound"):
                        continue
                    near = term.kind != "word" and len(term.reading) >= MIN_NEAR_READING  # everyday words: exact only
                    if exact or (candidate.similarity >= NEAR_SIMILARITY and near):
                        found.append(candidate)
    return found


def _shared_ends_similarity(surface: str, term: Term) -> float:
    """Similarity of the readings once the characters both spell alike at one end are set aside
    (0 when neither end is shared): 島元町 / 島本町 compare 島元 with 島本 (シマモト both), because
    the tokenizer may read the shared 町 differently in each (マチ / チョウ). A kanji is read in
    its word, never alone."""
    if surface[0] != term.surface[0] and surface[-1] != term.surface[-1]:
        return 0.0
    best = 0.0
    for a, b in (_strip_common(surface, term.surface, tail=True), _strip_common(surface, term.surface, tail=False)):
        if a and b and (a, b) != (surface, term.surface):
            ra, rb = reading_of(a), reading_of(b)
            if len(rb) >= 2:
                best = max(best, Levenshtein.normalized_similarity(ra, rb))
    return best


def _strip_common(a: str, b: str, tail: bool) -> tuple[str, str]:
    n = 0
    while n < min(len(a), len(b)) - 1 and (a[-1 - n] == b[-1 - n] if tail else a[n] == b[n]):
        n += 1
    return (a[: len(a) - n], b[: len(b) - n]) if tail else (a[n:], b[n:])


def _trimmed(text: str, c: _Candidate) -> _Candidate:
    """A near match without the kana the tokenizer glued onto its ends (と in 「とちはやあかさか村」
    when 島元町と is followed by a name in kana), when that matches the term's reading better."""
    best = c
    for lo in range(0, 3):
        for hi in range(0, 3):
            start, end = c.start + lo, c.end - hi
            if (
                (lo or hi)
                and end - start >= 2
                and all(_is_kana(ch) for ch in text[c.start : start] + text[end : c.end])
            ):
                similarity = Levenshtein.normalized_similarity(reading_of(text[start:end]), c.term.reading)
                if similarity > best.similarity:
                    best = _Candidate(start, end, c.term, similarity)
    return best


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u30ff"


def _supported(c: _Candidate, text: str, materials: Materials) -> bool:
    """The context rules of the module docstring."""
    span = text[c.start : c.end]
    if span in materials.text or c.term.surface in span:
        return False
    # The span must not be a piece of the term already written right around it.
    window = text[max(0, c.start - len(c.term.surface)) : c.end + len(c.term.surface)]
    if c.term.surface in window:
        return False
    if len(c.term.reading) >= MIN_NEAR_READING:
        return True
    context_words = {
        t.surface for t in tokenize(c.term.context) if t.is_noun and len(t.surface) >= 2 and t.surface != c.term.surface
    }
    rest = text[: c.start] + "\n" + text[c.end :]
    return any(word in rest for word in context_words)


def _non_overlapping(candidates: list[_Candidate]) -> list[_Candidate]:
    """Best first (most similar, then longest span, then the better-ranked term); no overlaps."""
    ordered = sorted(candidates, key=lambda c: (-c.similarity, -(c.end - c.start), -c.term.score))
    chosen: list[_Candidate] = []
    for c in ordered:
        if all(c.end <= o.start or c.start >= o.end for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)
