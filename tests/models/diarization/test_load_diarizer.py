import importlib.util
from pathlib import Path

import numpy as np
import pytest

from models.diarization import load_diarizer
from models.diarization.bundled import BundledDiarizer
from models.diarization.single import SingleSpeakerDiarizer
from models.errors import GijirokuError
from models.types import SAMPLE_RATE


def test_auto_is_bundled_without_a_pyannote_dir_and_none_is_one_speaker():
    assert isinstance(load_diarizer("auto"), BundledDiarizer)
    assert isinstance(load_diarizer("none"), SingleSpeakerDiarizer)


def test_unknown_kind_and_pyannote_without_dir_fail_with_both_languages():
    with pytest.raises(GijirokuError) as unknown:
        load_diarizer("kmeans")
    assert unknown.value.code == "diarizer_unknown" and unknown.value.ja and unknown.value.en
    with pytest.raises(GijirokuError):
        load_diarizer("pyannote")


def test_missing_encoder_weights_fail_at_load_time(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "resemblyzer" else real(name, *a))
    with pytest.raises(GijirokuError) as err:
        load_diarizer("bundled")
    assert err.value.code == "diarizer_weights_missing" and "pretrained.pt" in err.value.en


def test_missing_pyannote_directory_fails_immediately(tmp_path: Path):
    with pytest.raises(GijirokuError) as err:
        load_diarizer("auto", pyannote_dir=tmp_path / "nowhere")
    assert err.value.code in {"pyannote_dir_invalid", "pyannote_not_installed"}


def test_none_diarizer_gives_silence_no_segments():
    assert load_diarizer("none").diarize(np.zeros(SAMPLE_RATE * 2, dtype=np.float32)) == []
