"""The materials' second pass reuses the first pass's encoder output (``_EncoderTap``): the real
embedded Whisper must give the same words as decoding those clips again from scratch, with one
encoder call for the first pass and none for the second."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from models.audio import decode_audio
from models.pipeline import PipelineOptions
from models.settings import default_cache_dir
from models.transcription import DEFAULT_PROMPT_JA, Clip, Transcriber, TranscriptionOptions

FIXTURE = Path(__file__).parents[1] / "fixtures" / "ja_short.wav"
SECOND_PROMPT = DEFAULT_PROMPT_JA + "本日の会議、島本町。"


class Everything:
    """Decode every clip again with ``SECOND_PROMPT`` and keep the result."""

    def choose(self, texts: Sequence[str]) -> tuple[list[int], str | None]:
        return list(range(len(texts))), SECOND_PROMPT

    def keep(self, first: str, second: str) -> bool:
        return True


@pytest.mark.slow
@pytest.mark.ci
def test_second_pass_from_the_kept_encoder_output_equals_a_fresh_decode() -> None:
    from models.asr_model import load_whisper

    options = PipelineOptions()
    whisper = load_whisper(None, default_cache_dir(), options.device, options.compute_type)
    audio = decode_audio(FIXTURE)
    clips = [Clip(0.3, 2.0, "SPEAKER_00"), Clip(2.0, 3.9, "SPEAKER_00")]

    encodes = 0
    frames: list[int] = []
    encode = whisper.encode

    def counting(features):  # type: ignore[no-untyped-def]
        nonlocal encodes
        encodes += 1
        frames.append(features.shape[-1])
        return encode(features)

    whisper.encode = counting  # type: ignore[method-assign]
    reused = Transcriber(whisper, TranscriptionOptions())
    again, _ = reused.transcribe(audio, clips, language="ja", second=Everything())
    assert encodes == 1 and reused.redecoded == 2
    assert frames == [800]  # the 1.9 s clips + 6 s of padding, not Whisper's full 3000-frame window

    fresh, _ = Transcriber(whisper, TranscriptionOptions()).transcribe(
        audio, clips, language="ja", prompt=SECOND_PROMPT
    )
    assert encodes == 2
    assert [cw.words for cw in again] == [cw.words for cw in fresh]
    assert "会議" in "".join(w.word for cw in again for w in cw.words)
