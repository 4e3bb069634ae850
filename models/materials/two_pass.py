"""The second decoding pass with the materials' terms (``hints`` mode ``two-pass``).

Right after each batch of the first pass, each clip whose text sounds like a term it does not spell
right (``hints.near_terms``) is decoded again, with the generic prompt plus the union of the batch's
such terms, reusing the batch's encoder output (``Transcriber.transcribe(second=...)``). The
hallucination guard runs on the second pass as on the first, and a second result is kept only when
it is about as long as the first (``MAX_LENGTH_CHANGE``): a prompt that makes Whisper add or drop a
whole phrase is worse than a misspelt name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.materials.hints import MAX_TERM_CHARS, fit_terms, hint_prompt, near_terms
from models.materials.terms import Materials

MAX_LENGTH_CHANGE = 0.25


@dataclass(frozen=True)
class TermPass:
    """A ``models.transcription.SecondPass`` that tells each clip the terms it seems to say."""

    materials: Materials
    base_prompt: str | None

    def choose(self, texts: Sequence[str]) -> tuple[list[int], str | None]:
        wanted = [(i, near_terms(text, self.materials)) for i, text in enumerate(texts)]
        wanted = [(i, terms) for i, terms in wanted if terms]
        terms = fit_terms((t for _, ts in wanted for t in ts), MAX_TERM_CHARS)
        return [i for i, _ in wanted], hint_prompt(self.base_prompt, terms)

    def keep(self, first: str, second: str) -> bool:
        return bool(second) and abs(len(second) - len(first)) <= MAX_LENGTH_CHANGE * max(len(first), 1)
