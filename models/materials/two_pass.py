"""The second decoding pass with the materials' terms (``hints`` mode ``two-pass``).

After the first pass, each clip whose text sounds like a term it does not spell right
(``hints.near_terms``) is decoded again, in batches of such clips, with the generic prompt plus
the union of their terms. The hallucination guard runs on the second pass as on the first, and a
second result is kept only when it is about as long as the first (``MAX_LENGTH_CHANGE``): a
prompt that makes Whisper add or drop a whole phrase is worse than a misspelt name.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.materials.hints import MAX_TERM_CHARS, fit_terms, hint_prompt, near_terms
from models.materials.terms import Materials
from models.transcription import ClipWords, Transcriber

MAX_LENGTH_CHANGE = 0.25


def _text(cw: ClipWords) -> str:
    return "".join(w.word for w in cw.words).strip()


def redecode_with_terms(
    transcriber: Transcriber,
    audio: np.ndarray,
    clip_words: Sequence[ClipWords],
    materials: Materials,
    language: str,
    base_prompt: str | None,
) -> tuple[list[ClipWords], int]:
    """``clip_words`` with the clips that gained from their terms decoded again; also returns how
    many clips were decoded a second time."""
    out = list(clip_words)
    wanted = [(i, near_terms(_text(cw), materials)) for i, cw in enumerate(out) if cw.words]
    wanted = [(i, terms) for i, terms in wanted if terms]
    batch = max(1, transcriber.options.batch_size)
    for first in range(0, len(wanted), batch):
        group = wanted[first : first + batch]
        terms = fit_terms((t for _, ts in group for t in ts), MAX_TERM_CHARS)
        redone, _ = transcriber.transcribe(
            audio, [out[i].clip for i, _ in group], language=language, prompt=hint_prompt(base_prompt, terms)
        )
        for (i, _), second in zip(group, redone, strict=True):
            before, after = len(_text(out[i])), len(_text(second))
            if after and abs(after - before) <= MAX_LENGTH_CHANGE * max(before, 1):
                out[i] = second
    return out, len(wanted)
