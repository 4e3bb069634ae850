"""The pipeline's hook: after diarization, print each speaker and match the prints to the registry."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.diarization.ge2e import SpeakerEncoder
from models.types import MeetingInfo, SpeakerSegment
from models.voices.embedding import GE2E_ENCODER, speaker_embeddings
from models.voices.matching import VoiceMatch, VoiceRegistry, match_speakers, narrow_to_attendees


def identify_speakers(
    encoder: SpeakerEncoder,
    audio: np.ndarray,
    segments: Sequence[SpeakerSegment],
    registry: VoiceRegistry,
    meeting: MeetingInfo | None = None,
) -> list[VoiceMatch]:
    """Matches for the diarized speakers of ``audio``; the meeting's 出席者, when listed, narrow the
    candidates. Speakers without a usable 2 s of single-voice speech are never named."""
    people = narrow_to_attendees(registry.people, meeting.attendees if meeting else [])
    if not people:
        return []
    prints = speaker_embeddings(encoder, audio, segments)
    return match_speakers(prints, people, GE2E_ENCODER, registry.policy)
