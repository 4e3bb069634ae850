import os

import numpy as np
import pytest

from models.diarization import load_diarizer
from models.errors import GijirokuError
from models.types import SAMPLE_RATE, SpeakerCountHint

pytestmark = [pytest.mark.slow, pytest.mark.ci]


@pytest.fixture(scope="module")
def diarizer(pyannote_dir):
    return load_diarizer("auto", pyannote_dir=pyannote_dir, segmentation_step=0.5)


def test_loads_a_local_pipeline_offline_with_telemetry_off(diarizer, pyannote_dir):
    from models.diarization.pyannote_backend import PyannoteDiarizer

    assert isinstance(diarizer, PyannoteDiarizer)
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["PYANNOTE_METRICS_ENABLED"] == "false"
    # the pipeline's models came from the directory's subfolders, with the requested step
    assert diarizer.pipeline._segmentation.step == pytest.approx(0.5 * 10.0)
    assert diarizer.pipeline._segmentation.model.specifications.duration == 10.0


def test_diarize_returns_sorted_relabelled_segments_within_the_audio(diarizer):
    rng = np.random.default_rng(0)
    audio = (0.1 * rng.standard_normal(SAMPLE_RATE * 12)).astype(np.float32)
    reported: list[float] = []
    segments = diarizer.diarize(audio, speakers=SpeakerCountHint(max=2), progress=reported.append)
    assert segments == sorted(segments, key=lambda s: (s.start, s.end, s.speaker))
    assert all(0 <= s.start < s.end <= 12.0 for s in segments)
    speakers = list(dict.fromkeys(s.speaker for s in segments))
    assert speakers == [f"SPEAKER_{i:02d}" for i in range(len(speakers))]
    assert reported == sorted(reported) and reported[-1] == 1.0


def test_bad_directory_and_step_are_gijiroku_errors(pyannote_dir, tmp_path):
    (tmp_path / "config.yaml").write_text("pipeline: {name: no.such.Pipeline}\n")
    with pytest.raises(GijirokuError) as err:
        load_diarizer("pyannote", pyannote_dir=tmp_path)
    assert err.value.code == "pyannote_load_failed"
    with pytest.raises(GijirokuError):
        load_diarizer("pyannote", pyannote_dir=pyannote_dir, segmentation_step=0)
