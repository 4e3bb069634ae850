"""Settings and job rows → pipeline options: what the worker, ``gijiroku transcribe`` and the
evaluation commands build, so ``models/`` never sees the service's ``Settings``."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from svc_helpers import make_settings

from evaluation.bench import BenchOptions, build_pipeline
from models.draft.vocabulary import Vocabulary, VocabularyEntry
from models.pipeline import Pipeline, PipelineOptions, RunOptions
from models.types import NO_HINT, MeetingInfo, Minutes, SpeakerCountHint
from service.cli import main
from service.jobs.options import run_options

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_every_model_setting_reaches_the_pipeline_options(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path / "data",
        model_path=tmp_path / "m",
        model_cache_dir=tmp_path / "c",
        device="cpu",
        compute_type="int8",
        cpu_threads=3,
        language="auto",
        beam_size=2,
        diarizer="none",
        pyannote_dir=tmp_path / "p",
        pyannote_segmentation_step=0.25,
    )
    options = settings.pipeline_options()
    for field in fields(PipelineOptions):
        if hasattr(settings, field.name):
            assert getattr(options, field.name) == getattr(settings, field.name), field.name
    assert options.beam_size == 2 and options.pyannote_segmentation_step == 0.25


def test_a_jobs_form_choices_become_its_run_options() -> None:
    vocabulary = Vocabulary([VocabularyEntry("議会", ["ぎかい"])])
    assert run_options({}) == RunOptions()
    got = run_options({"num_speakers": 2, "min_speakers": None, "max_speakers": 4, "language": "en"}, vocabulary)
    assert got == RunOptions(speakers=SpeakerCountHint(num=2, max=4), language="en", vocabulary=vocabulary)
    assert run_options({"language": ""}).language is None and run_options({}).speakers == NO_HINT


def test_transcribe_cli_builds_its_options_from_the_settings_and_its_flags(tmp_path: Path, monkeypatch) -> None:
    seen: dict[str, Any] = {}

    def run(
        self: Pipeline,
        audio_path: Path,
        meeting: MeetingInfo | None = None,
        progress: Any = None,
        options: RunOptions | None = None,
    ) -> Minutes:
        seen.update(pipeline=self.options, run=options)
        return Minutes(meeting or MeetingInfo(), [], [])

    monkeypatch.setattr(Pipeline, "run", run)
    monkeypatch.setenv("GIJIROKU_BEAM_SIZE", "2")
    from service.config import get_settings

    get_settings.cache_clear()
    try:
        code = main(
            [
                "transcribe",
                str(FIXTURES / "ja_short.wav"),
                "-o",
                str(tmp_path / "m.json"),
                "--quiet",
                "--speakers",
                "3",
                "--max-speakers",
                "5",
                "--language",
                "en",
                "--model",
                str(tmp_path / "model"),
            ]
        )
    finally:
        get_settings.cache_clear()
    assert code == 0
    assert seen["pipeline"].beam_size == 2 and seen["pipeline"].model_path == tmp_path / "model"
    assert seen["run"] == RunOptions(speakers=SpeakerCountHint(num=3, max=5), language="en")


@pytest.mark.parametrize("prompt", [True, False])
def test_bench_flags_replace_only_the_settings_they_name(prompt: bool) -> None:
    pipeline = build_pipeline(BenchOptions(beam_size=3, prompt=prompt))
    defaults = PipelineOptions()
    assert pipeline.options.beam_size == 3 and pipeline.options.batch_size == defaults.batch_size
    assert pipeline.options.prompt == (defaults.prompt if prompt else None)
