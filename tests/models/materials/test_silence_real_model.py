"""The real embedded Whisper, told the materials' terms, on room noise where nobody speaks: the
prompt must not come back as text (issue 15: "never let material text appear where nobody said it")."""

from __future__ import annotations

import numpy as np
import pytest

from models.materials import build_materials
from models.materials.hints import hint_prompt, top_terms
from models.pipeline import PipelineOptions
from models.settings import default_cache_dir
from models.transcription import DEFAULT_PROMPT_JA, Clip, Transcriber, TranscriptionOptions
from models.types import SAMPLE_RATE

MATERIALS = build_materials(
    ["産業振興委員会　資料\n1　島本町と千早赤阪村の連携事業\n2　ミナモト工業団地の拡張\n3　RFIの実施　約2,100万円"]
)


@pytest.mark.slow
def test_noise_with_the_materials_prompt_gives_no_material_text() -> None:
    from models.asr_model import load_whisper

    options = PipelineOptions()
    whisper = load_whisper(None, default_cache_dir(), options.device, options.compute_type)
    terms = top_terms(MATERIALS)
    prompt = hint_prompt(DEFAULT_PROMPT_JA, terms)
    assert prompt and "千早赤阪村" in prompt
    rng = np.random.default_rng(7)
    audio = (rng.normal(0.0, 0.003, 24 * SAMPLE_RATE)).astype(np.float32)  # quiet room noise, no speech
    clips = [Clip(0.5, 8.0, "SPEAKER_00"), Clip(9.0, 16.0, None), Clip(17.0, 23.5, "SPEAKER_01")]
    transcriber = Transcriber(whisper, TranscriptionOptions(prompt=prompt))
    clip_words, _ = transcriber.transcribe(audio, clips, language="ja")
    text = "".join(w.word for cw in clip_words for w in cw.words)
    assert not any(term in text for term in terms), text
