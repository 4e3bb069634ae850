"""The prompt-echo rule of the hallucination guard (``models.transcription.prompt_echo``): Whisper
saying its prompt back in noise is dropped; speech that names a term of the prompt is kept."""

from __future__ import annotations

from models.transcription import DEFAULT_PROMPT_JA, TranscriptionOptions, _is_hallucination, prompt_echo

PROMPT = DEFAULT_PROMPT_JA + "産業振興委員会、島本町、千早赤阪村、ミナモト工業団地。"
OPTS = TranscriptionOptions()


def _dropped(text: str, no_speech_prob: float) -> bool:
    return _is_hallucination(text, "ja", no_speech_prob, -0.8, 0.7, OPTS, PROMPT)


def test_the_prompt_said_back_in_noise_is_dropped() -> None:
    assert prompt_echo("産業振興委員会の会議録", PROMPT) == 1.0  # measured on noise with the base model
    assert _dropped("産業振興委員会の会議録", no_speech_prob=0.82)
    assert _dropped("委員長、質疑、答弁", no_speech_prob=0.91)


def test_speech_naming_a_term_is_kept() -> None:
    assert prompt_echo("島本町との連携について、来年度から協議を始めたいと考えております。", PROMPT) < 0.5
    assert not _dropped("島本町との連携について、来年度から協議を始めたいと考えております。", no_speech_prob=0.7)
    # Whisper hears speech there: an exact echo is then what was said (「産業振興委員会」 read out)
    assert not _dropped("産業振興委員会", no_speech_prob=0.05)
    assert not _is_hallucination("産業振興委員会", "ja", 0.9, -0.5, 0.7, OPTS, None)  # no prompt, no echo rule
