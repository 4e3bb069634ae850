"""pyannote.audio's pretrained diarization pipeline, loaded from a directory the operator provides.

Optional (``pip install -e '.[pyannote]'``, see the Makefile's ``install-pyannote``): more accurate
on hard audio than the bundled diarizer but ~10–60× slower on CPU. The directory has the layout of
the ``speaker-diarization-community-1`` repository (``config.yaml`` + ``segmentation/``,
``embedding/``, ``plda/``); ``$model/...`` references in the config resolve inside it, so nothing is
fetched. pyannote 4 sends usage telemetry by default: it is switched off before pyannote is
imported, together with the Hugging Face hub, because nothing may leave the server.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import GijirokuError
from models.offline import disable_telemetry
from models.types import NO_HINT, SAMPLE_RATE, SpeakerCountHint, SpeakerSegment


def _error(code: str, ja: str, en: str) -> GijirokuError:
    return GijirokuError(code, ja, en, status=500)


def _import_pipeline() -> Any:
    disable_telemetry()  # before the first pyannote import: it reads the switches at import
    try:
        from pyannote.audio import Pipeline
    except ImportError as exc:
        raise _error(
            "pyannote_not_installed",
            "pyannote.audio がインストールされていません（`make install-pyannote`）。",
            f"pyannote.audio is not installed (`make install-pyannote`): {exc}",
        ) from exc
    return Pipeline


class PyannoteDiarizer:
    def __init__(self, pipeline_dir: Path, *, segmentation_step: float = 0.5, device: str = "cpu") -> None:
        """Load the pipeline once; ``segmentation_step`` is the segmentation window hop as a fraction
        of its 10 s window (pyannote's own default 0.1 costs RTF ≈ 1.8 on two cores, 0.5 about 0.3)."""
        pipeline_dir = Path(pipeline_dir)
        if not (pipeline_dir / "config.yaml").is_file():
            raise _error(
                "pyannote_dir_invalid",
                f"pyannote のパイプライン（config.yaml）が見つかりません: {pipeline_dir}",
                f"No pyannote pipeline (config.yaml) in {pipeline_dir}",
            )
        if not 0 < segmentation_step <= 1:
            raise _error(
                "pyannote_step_invalid",
                f"segmentation_step は 0 より大きく 1 以下にしてください: {segmentation_step}",
                f"segmentation_step must be in (0, 1]: {segmentation_step}",
            )
        Pipeline = _import_pipeline()
        import torch

        try:
            pipeline = Pipeline.from_pretrained(pipeline_dir)
        except Exception as exc:  # pyannote raises many kinds; all mean "this directory is unusable"
            raise _error(
                "pyannote_load_failed",
                f"pyannote のパイプラインを読み込めません: {pipeline_dir}",
                f"Cannot load the pyannote pipeline from {pipeline_dir}: {exc}",
            ) from exc
        if pipeline is None:
            raise _error(
                "pyannote_load_failed",
                f"pyannote のパイプラインを読み込めません: {pipeline_dir}",
                f"Cannot load the pyannote pipeline from {pipeline_dir}",
            )
        pipeline.segmentation_step = segmentation_step
        pipeline._segmentation.step = segmentation_step * pipeline._segmentation.duration
        self.pipeline = pipeline.to(torch.device(device))
        self._torch = torch

    def diarize(
        self,
        audio: np.ndarray,
        *,
        speakers: SpeakerCountHint = NO_HINT,
        progress: Callable[[float], None] | None = None,
    ) -> list[SpeakerSegment]:
        samples = np.asarray(audio, dtype=np.float32).reshape(1, -1)
        # a waveform dict: pyannote never decodes files itself (no torchcodec/ffmpeg needed)
        file = {"waveform": self._torch.from_numpy(samples), "sample_rate": SAMPLE_RATE}
        try:
            output = self.pipeline(
                file,
                num_speakers=speakers.num,
                min_speakers=speakers.min,
                max_speakers=speakers.max,
                hook=_hook(progress) if progress else None,
            )
        except Exception as exc:
            raise _error(
                "pyannote_failed",
                "pyannote による話者識別に失敗しました。",
                f"pyannote diarization failed: {exc}",
            ) from exc
        annotation = getattr(output, "speaker_diarization", output)  # 4.x DiarizeOutput, 3.x Annotation
        turns = sorted((turn.start, turn.end, label) for turn, _, label in annotation.itertracks(yield_label=True))
        duration = samples.shape[1] / SAMPLE_RATE
        names: dict[str, str] = {}
        segments = [
            SpeakerSegment(
                round(start, 3), round(min(end, duration), 3), names.setdefault(label, f"SPEAKER_{len(names):02d}")
            )
            for start, end, label in turns
            if min(end, duration) > start
        ]
        if progress:
            progress(1.0)
        return segments


_STEPS = ("segmentation", "speaker_counting", "embeddings", "discrete_diarization")


def _hook(progress: Callable[[float], None]) -> Callable[..., None]:
    """Turn pyannote's per-step hook calls into one overall fraction (steps weighted equally),
    never going backwards (pyannote reports some steps more than once)."""
    done = [0.0]

    def hook(
        step_name: str, _artifact: Any, file: Any = None, total: int | None = None, completed: int | None = None
    ) -> None:
        index = _STEPS.index(step_name) if step_name in _STEPS else 0
        within = (completed / total) if total and completed is not None else 1.0
        done[0] = max(done[0], min(0.99, (index + within) / len(_STEPS)))
        progress(done[0])

    return hook
