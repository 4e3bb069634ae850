"""Who is who: diarized speakers → registered people, one-to-one, or nobody.

A wrong name in the minutes is worse than no name, so a speaker is named only when all hold:
its best person is the Hungarian assignment's choice (no two speakers share a person), the
similarity reaches ``threshold``, and it beats the speaker's runner-up person by ``margin``.
Similarity with a person is the best cosine over that person's prints made by the same encoder;
a person with no such print is not a candidate. The defaults are the operating point chosen on the
dev corpus (docs/benchmarks.md, "Voice profiles (issue 13)").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

# On the dev corpus every other-voice comparison stayed ≤ 0.87 (the closest pair: two women's TTS
# voices, in noise), every whole-speaker same-voice one with a print from the same room ≥ 0.94; 0.90
# sits between, nearer the same-voice side, because a wrong name costs more than a missing one.
DEFAULT_THRESHOLD = 0.90
DEFAULT_MARGIN = 0.05


@dataclass(frozen=True)
class VoicePrint:
    id: str
    encoder: str  # which network made ``vector`` (models.voices.embedding.GE2E_ENCODER ...)
    vector: np.ndarray


@dataclass(frozen=True)
class Person:
    """A registered voice: ``label`` is what the minutes print (委員長（佐藤）)."""

    id: str
    label: str
    name: str = ""
    title: str = ""
    prints: tuple[VoicePrint, ...] = ()


@dataclass(frozen=True)
class MatchPolicy:
    threshold: float = DEFAULT_THRESHOLD
    margin: float = DEFAULT_MARGIN


@dataclass(frozen=True)
class VoiceRegistry:
    """The people one run may name (a department's, or a CLI store's) and how strictly."""

    people: tuple[Person, ...] = ()
    policy: MatchPolicy = field(default_factory=MatchPolicy)


@dataclass(frozen=True)
class VoiceMatch:
    """A diarized speaker named after a person: ``score`` the similarity, ``margin`` its lead over the
    speaker's runner-up person (1.0 when there was none)."""

    speaker: str
    person_id: str
    label: str
    score: float
    margin: float


def similarity(vector: np.ndarray, person: Person, encoder: str) -> float | None:
    """Best cosine between ``vector`` and ``person``'s prints from ``encoder``; None without one."""
    same = [p.vector for p in person.prints if p.encoder == encoder]
    if not same:
        return None
    return float(np.max(np.stack(same) @ vector))


def narrow_to_attendees(people: Sequence[Person], attendees: Sequence[str]) -> list[Person]:
    """The people the meeting's 出席者 list mentions: an entry and the person's name or label contain
    one another (「高橋」 ~ 教育長（高橋）, 「高橋一郎 教育長」 ~ name 高橋一郎; width and spaces ignored).
    Everyone when the list is empty, so a meeting without one still gets names."""
    listed = [_fold(a) for a in attendees if _fold(a)]
    if not listed:
        return list(people)
    return [
        p
        for p in people
        if any(key and (key in a or a in key) for a in listed for key in (_fold(p.name), _fold(p.label)))
    ]


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def match_speakers(
    speakers: Mapping[str, np.ndarray],
    people: Sequence[Person],
    encoder: str,
    policy: MatchPolicy | None = None,
) -> list[VoiceMatch]:
    """Name the diarized ``speakers`` (id → print from ``encoder``) after ``people``; the speakers
    left out stay 話者N."""
    policy = policy or MatchPolicy()
    speaker_ids = list(speakers)
    scores = np.full((len(speaker_ids), len(people)), -np.inf)
    for i, sid in enumerate(speaker_ids):
        for j, person in enumerate(people):
            s = similarity(speakers[sid], person, encoder)
            if s is not None:
                scores[i, j] = s
    candidates = np.isfinite(scores)
    if not candidates.any():
        return []
    cost = np.where(candidates, -scores, 1e6)  # finite cost: scipy rejects infeasible rows
    rows, cols = linear_sum_assignment(cost)
    matches: list[VoiceMatch] = []
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if not candidates[i, j]:
            continue
        score = float(scores[i, j])
        others = np.delete(scores[i], j)
        others = others[np.isfinite(others)]
        margin = score - float(others.max()) if others.size else 1.0
        if score >= policy.threshold and margin >= policy.margin:
            matches.append(VoiceMatch(speaker_ids[i], people[j].id, people[j].label, round(score, 4), round(margin, 4)))
    return matches
