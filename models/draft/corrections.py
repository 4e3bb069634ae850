"""Corrections that reach both texts of a turn: 素起こし (``text``) and ケバ取り (``clean_text``).

Staff correct whichever text the editor shows; before this module a fix typed in one was missing
from the other, and an export of the other carried the error. A correction is now carried to the
other text wherever the same words are there: the edit is diffed by character (difflib), and each
changed span is replaced in the other text only where the span, with a character of context next
to it, is part of what the two texts have in common (their matching blocks, which keep their
order). A fix never lands on a different occurrence, nor inside text that ケバ取り removed or
rewrote (a filler it dropped, a numeral it converted).

The ケバ取り text of a turn is re-derived from its corrected 素起こし: what ケバ取り
(``clean_text``) makes of the old and of the new 素起こし is diffed, and that change is carried to
the stored ケバ取り text. While the stored text is what ケバ取り made, this is the same as deriving
it again; it also keeps the repeats the pipeline removed using Whisper's pauses, which the
素起こし no longer holds (``models.pipeline``). Once staff have changed the ケバ取り text in a way
the 素起こし cannot carry (``clean_edited``), a 素起こし correction reaches the ケバ取り text only
where the same words are there, so the hand edit is never overwritten.

The words a correction touched are reported, so the editor stops marking them 要確認: staff have
looked at them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from models.draft.cleaning import clean_text
from models.draft.vocabulary import Vocabulary

Field = Literal["text", "clean_text"]
Span = tuple[int, int]  # [start, end) in a text; start == end: an insertion point


@dataclass(frozen=True)
class Carried:
    """``other`` after a change was carried to it, and where (spans of ``other`` before the change)."""

    text: str
    spans: list[Span]


@dataclass(frozen=True)
class Correction:
    """A turn after staff corrected one of its texts (what the editor stores)."""

    text: str
    clean_text: str
    clean_edited: bool  # the ケバ取り text holds hand edits the 素起こし cannot carry
    touched: list[int]  # indices of the turn's words the correction touched (no longer 要確認)


@dataclass(frozen=True)
class _Edit:
    start: int  # [start, end) of the old text ...
    end: int
    replacement: str  # ... becomes this


def _shared_length(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` begin with in common."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _edits(old: str, new: str) -> list[_Edit]:
    # Staff change a few words of a long turn: the unchanged head and tail are cut off first, which
    # keeps difflib (quadratic at worst) to the part that changed.
    head = _shared_length(old, new)
    tail = _shared_length(old[head:][::-1], new[head:][::-1])
    old_mid, new_mid = old[head : len(old) - tail], new[head : len(new) - tail]
    matcher = SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    return [
        _Edit(head + i1, head + i2, new_mid[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _common(old: str, other: str) -> dict[int, int]:
    """Index in ``old`` → index in ``other`` of every character the two texts share in order."""
    matcher = SequenceMatcher(None, old, other, autojunk=False)
    return {a + k: b + k for a, b, size in matcher.get_matching_blocks() for k in range(size)}


def _place(edit: _Edit, where: dict[int, int], n: int) -> Span | None:
    """Where ``edit`` (in old coordinates) falls in the other text, or None if it is not there."""
    if edit.end > edit.start:  # a replacement or deletion: the old span itself must be there
        first = where.get(edit.start)
        size = edit.end - edit.start
        if first is None or any(where.get(edit.start + k) != first + k for k in range(size)):
            return None
        anchored = where.get(edit.start - 1) == first - 1 or where.get(edit.end) == first + size
        # One character with no neighbour in common may be a chance match (a lone の or 、).
        return (first, first + size) if anchored or size >= 2 else None
    # An insertion: between the same two characters. Where the other text has more between them
    # (a filler ケバ取り removed), before the second: a filler precedes the words it delays. At
    # either end of the text, next to the one neighbour, itself in a run of two in common.
    at = edit.start
    after = where.get(at - 1)
    before = where.get(at)
    if after is not None and before is not None:
        return (before, before)
    if at == 0 and before is not None and (n == 1 or where.get(1) == before + 1):
        return (before, before)
    if at == n and after is not None and (n == 1 or where.get(n - 2) == after - 1):
        return (after + 1, after + 1)
    return None


def carry(old: str, new: str, other: str) -> Carried:
    """``other`` with the change ``old`` → ``new`` made wherever the changed words are in it."""
    if old == new:
        return Carried(other, [])
    if other == old:
        return Carried(new, [(e.start, e.end) for e in _edits(old, new)])
    where = _common(old, other)
    placed = sorted(
        ((span, e.replacement) for e in _edits(old, new) if (span := _place(e, where, len(old))) is not None),
        reverse=True,
    )
    text, limit, spans = other, len(other), []
    for (start, end), replacement in placed:  # right to left, so earlier offsets stay valid
        if end > limit:
            continue  # overlaps one already made
        text = text[:start] + replacement + text[end:]
        limit = start
        spans.append((start, end))
    return Carried(text, spans[::-1])


def word_spans(text: str, words: Sequence[str], lookahead: int = 12) -> list[tuple[int, int, int]]:
    """Where each recognised word is shown in ``text``: (start, end, word index) in order.

    The editor draws its 要確認 marks with the same rule (``alignWords`` in
    ``service/web/static/js/editor/model.js``): a word is looked for a short way ahead only, and a
    word no longer in the text has no span."""
    out = []
    cursor = 0
    for index, word in enumerate(words):
        needle = word.strip()
        if not needle:
            continue
        at = text.find(needle, cursor)
        if at < 0 or at - cursor > lookahead:
            continue
        out.append((at, at + len(needle), index))
        cursor = at + len(needle)
    return out


def _touched(text: str, words: Sequence[str], spans: Sequence[Span]) -> set[int]:
    """Words of ``text`` that a change at ``spans`` overlaps (an insertion: touches at either edge)."""
    out = set()
    for start, end, index in word_spans(text, words):
        for a, b in spans:
            if (a < end and start < b) if b > a else start <= a <= end:
                out.add(index)
                break
    return out


def correct(
    text: str,
    clean: str,
    clean_edited: bool,
    words: Sequence[str],
    field: Field,
    new_text: str,
    vocabulary: Vocabulary | None = None,
) -> Correction:
    """The turn after staff changed its ``field`` (``text`` or ``clean_text``) to ``new_text``."""
    if field == "text":
        own = _edits(text, new_text)
        if clean_edited:
            to_clean = carry(text, new_text, clean)
        else:
            to_clean = carry(clean_text(text, vocabulary), clean_text(new_text, vocabulary), clean)
        touched = _touched(text, words, [(e.start, e.end) for e in own]) | _touched(clean, words, to_clean.spans)
        return Correction(new_text, to_clean.text, clean_edited, sorted(touched))
    own = _edits(clean, new_text)
    to_text = carry(clean, new_text, text)
    if not clean_edited:
        # Still derived, if ケバ取り of the corrected 素起こし gives exactly what staff typed.
        rederived = carry(clean_text(text, vocabulary), clean_text(to_text.text, vocabulary), clean).text
        clean_edited = rederived != new_text
    touched = _touched(clean, words, [(e.start, e.end) for e in own]) | _touched(text, words, to_text.spans)
    return Correction(to_text.text, new_text, clean_edited, sorted(touched))
