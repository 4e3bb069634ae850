"""``python -m evaluation bench``: tiling, per-stage RSS attribution, the report's ratios, and one real run."""

from __future__ import annotations

import argparse
import json
import shutil
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from evaluation.__main__ import main
from evaluation.bench import BenchOptions, add_pipeline_arguments, measure_pipeline, tile_audio
from evaluation.bench_report import (
    PIPELINE_STAGES,
    BaselineStats,
    BenchReport,
    RunResult,
    StageStats,
    pool,
    to_json,
    to_markdown,
)
from evaluation.metrics import Rate
from evaluation.rss import MIB, RssSampler, read_rss_bytes
from models.audio import decode_audio
from models.pipeline import PipelineRun
from models.types import SAMPLE_RATE, MeetingInfo, Minutes, Speaker, Turn

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHORT = FIXTURES / "ja_short.wav"  # 4.096 s
needs_proc = pytest.mark.skipif(read_rss_bytes() == 0, reason="no /proc/self/status (or psutil) here")


# --- tiling -------------------------------------------------------------------------------------
def test_tile_audio_repeats_sources_to_exactly_the_requested_length(tmp_path: Path) -> None:
    out = tmp_path / "long.wav"
    written = tile_audio([SHORT], 30.0, out, gap_s=1.0)
    assert written == 30.0
    with wave.open(str(out), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)
        assert w.getnframes() == 30 * SAMPLE_RATE
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    source = np.round(decode_audio(SHORT) * 32768).astype(np.int32)
    n, gap = source.size, SAMPLE_RATE
    assert np.abs(samples[:n] - source).max() <= 1  # the source itself, first
    assert not samples[n : n + gap].any()  # then a second of silence
    assert np.abs(samples[n + gap : 2 * n + gap] - source).max() <= 1  # then the source again


def test_tile_audio_cuts_the_last_piece_and_cycles_through_sources(tmp_path: Path) -> None:
    other = tmp_path / "other.wav"
    with wave.open(str(other), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(np.full(SAMPLE_RATE, 1000, dtype="<i2").tobytes())  # 1 s of a constant
    out = tmp_path / "tiled.wav"
    assert tile_audio([SHORT, other], 5.5, out, gap_s=0.0) == 5.5
    with wave.open(str(out), "rb") as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    assert samples.size == int(5.5 * SAMPLE_RATE)
    n = int(4.096 * SAMPLE_RATE)
    assert (samples[n : n + SAMPLE_RATE] == 1000).all()  # the second source follows the first
    assert samples[n + SAMPLE_RATE :].size == int(0.404 * SAMPLE_RATE)  # then the first again, cut


# --- RSS attribution ----------------------------------------------------------------------------
def test_sampler_attributes_readings_to_the_stage_current_at_the_time() -> None:
    reading = {"value": 100}
    sampler = RssSampler(interval=3600, read=lambda: reading["value"])  # the thread never wakes
    with sampler:
        sampler.mark("decode")
        reading["value"] = 500
        sampler.mark("transcribe")  # the switch reading counts for both: end of decode, start here
        reading["value"] = 900
        sampler.sample()
        reading["value"] = 200
        sampler.mark("draft")
    assert sampler.peaks["transcribe"] == 900
    assert sampler.peaks["decode"] == 500
    assert sampler.peaks["draft"] == 200
    assert sampler.peak() == 900 and sampler.peak("decode", "draft") == 500
    assert sampler.peak("never") == 0


class AllocatingPipeline:
    """Stands in for ``models.pipeline.Pipeline``: holds ``size`` bytes only while transcribing."""

    def __init__(self, size: int) -> None:
        self.size = size

    def run_timed(self, audio_path: Path, progress=None, options=None) -> PipelineRun:
        seconds = {}
        for stage in ("decode", "diarize", "transcribe", "attribute", "draft"):
            progress(stage, 0.0)
            if stage == "transcribe":
                block = np.ones(self.size, dtype=np.uint8)  # touched, so resident
                progress(stage, 0.5)
                del block  # a large block is unmapped: resident memory falls again
            progress(stage, 1.0)
            seconds[stage] = 0.001
        turn = Turn(
            speaker="S1", start=0.0, end=1.0, text="本日の会議を始めます。", clean_text="本日の会議を始めます。"
        )
        minutes = Minutes(meeting=MeetingInfo(), speakers=[Speaker("S1", "話者1")], turns=[turn], duration=1.0)
        return PipelineRun(minutes, seconds)


@needs_proc
def test_measure_pipeline_puts_the_memory_peak_in_the_stage_that_allocated_it(tmp_path: Path) -> None:
    size = 256 * MIB
    with RssSampler(interval=0.05) as sampler:
        measured = measure_pipeline(AllocatingPipeline(size), tmp_path / "unused.wav", sampler)
    stages = measured.stages
    assert set(stages) == set(PIPELINE_STAGES)
    assert stages["transcribe"].peak_rss - stages["decode"].peak_rss > 0.8 * size
    assert stages["transcribe"].peak_rss - stages["attribute"].peak_rss > 0.8 * size
    assert measured.peak_rss == stages["transcribe"].peak_rss
    assert stages["export"].wall_s > 0  # docx and json were really rendered


@needs_proc
def test_background_thread_catches_memory_between_stage_switches() -> None:
    size = 256 * MIB
    with RssSampler(interval=0.01) as sampler:
        sampler.mark("work")
        before = sampler.peaks["work"]
        block = np.ones(size, dtype=np.uint8)
        seen = sampler.samples
        deadline = time.monotonic() + 30
        while sampler.samples < seen + 3 and time.monotonic() < deadline:  # wait for the thread, not a clock
            threading.Event().wait(0.01)
        del block
        sampler.mark("after")
    assert sampler.peaks["work"] - before > 0.8 * size
    assert sampler.peaks["work"] - sampler.peaks["after"] > 0.8 * size


# --- the report ---------------------------------------------------------------------------------
def result(
    name: str = "m1",
    *,
    audio: float = 100.0,
    wall: float = 10.0,
    base_wall: float | None = 25.0,
    cer: Rate | None = Rate(8, 100),
    base_cer: Rate | None = Rate(10, 100),
) -> RunResult:
    stages = {s: StageStats(wall / len(PIPELINE_STAGES), (400 + i) * MIB) for i, s in enumerate(PIPELINE_STAGES)}
    return RunResult(
        name=name,
        variant="clean",
        audio_s=audio,
        load_s=1.5,
        warmup_s=2.0,
        stages=stages,
        pipeline_wall_s=wall,
        pipeline_peak_rss=700 * MIB,
        rss_before=390 * MIB,
        ru_maxrss=710 * MIB,
        cer=cer,
        baseline=None if base_wall is None else BaselineStats(base_wall, 650 * MIB, base_cer),
        config={"device": "cpu", "compute_type": "int8", "beam_size": 5, "batch_size": 8, "prompt": True},
    )


def summary_row(markdown: str, name: str) -> list[str]:
    section = markdown.split("### Whole pipeline")[1].split("###")[0]
    row = next(line for line in section.splitlines() if line.startswith(f"| {name} |"))
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_ratios_are_baseline_over_pipeline_and_cer_difference_in_points() -> None:
    r = result()
    assert r.rtf == pytest.approx(0.1)
    assert r.speedup == pytest.approx(2.5)
    assert r.cer_delta_points == pytest.approx(-2.0)
    report = BenchReport(
        command="python -m evaluation bench corpus",
        date="2026-11-22T10:00:00+09:00",
        machine={"cpu": "Test CPU", "cores": 2},
        runs=[r],
    )
    row = summary_row(to_markdown(report), "m1")
    # run, variant, audio, pipeline s, RTF, baseline s, baseline RTF, speed-up, CER, base CER, ΔCER, load
    assert row == ["m1", "clean", "100.0 s", "10.0", "0.100", "25.0", "0.250", "2.50×", "8.00", "10.00", "-2.00", "1.5"]


def test_a_slower_worse_pipeline_shows_a_ratio_below_one_and_a_positive_difference() -> None:
    row = summary_row(to_markdown(BenchReport("cmd", "2026-11-22", {}, [result(wall=40.0, cer=Rate(12, 100))])), "m1")
    assert row[7] == "0.62×" and row[10] == "+2.00"


def test_runs_without_baseline_or_reference_print_dashes() -> None:
    long_run = result("long_120min", audio=7200.0, wall=1800.0, base_wall=None, cer=None)
    markdown = to_markdown(BenchReport("cmd", "2026-11-22", {}, [long_run]))
    row = summary_row(markdown, "long_120min")
    assert row[2] == "120.0 min" and row[4] == "0.250"
    assert row[5:11] == ["—"] * 6
    rss_section = markdown.split("### Peak resident memory")[1]
    assert "| long_120min | 390 | 400 | 401 | 402 | 403 | 404 | 405 | 700 | 710 | — |" in rss_section


def test_pooled_row_sums_seconds_and_errors_before_dividing() -> None:
    pooled = pool(
        [
            result("a", audio=100, wall=10, base_wall=30, cer=Rate(5, 100), base_cer=Rate(10, 100)),
            result("b", audio=300, wall=50, base_wall=60, cer=Rate(30, 300), base_cer=Rate(20, 300)),
        ]
    )
    assert pooled is not None
    assert pooled.speedup == pytest.approx(90 / 60)
    assert pooled.rtf == pytest.approx(60 / 400)
    assert pooled.cer_delta_points == pytest.approx(100 * (35 / 400 - 30 / 400))
    half = pool([result("a"), result("b", base_wall=None)])
    assert half is not None and half.baseline is None and half.speedup is None


def test_results_survive_the_json_round_trip_between_processes() -> None:
    for r in (result(), result("long_2min", base_wall=None, cer=None)):
        assert RunResult.from_dict(json.loads(json.dumps(r.to_dict()))) == r
    report = json.loads(to_json(BenchReport("cmd", "2026-11-22", {"cpu": "x"}, [result()])))
    assert report["runs"][0]["derived"]["speedup"] == pytest.approx(2.5)


def test_bench_options_reach_the_child_process_unchanged() -> None:
    opts = BenchOptions(
        model=Path("/models/large-v3"),
        device="cuda",
        compute_type="float16",
        cpu_threads=4,
        beam_size=3,
        batch_size=16,
        prompt=False,
        diarizer="none",
        warmup=False,
        interval=0.02,
        materials=Path("/corpus/materials"),
    )
    parser = argparse.ArgumentParser()
    add_pipeline_arguments(parser)
    assert BenchOptions.from_args(parser.parse_args(opts.to_argv())) == opts
    assert BenchOptions.from_args(parser.parse_args(BenchOptions().to_argv())) == BenchOptions()


# --- one real run -------------------------------------------------------------------------------
@pytest.mark.slow
def test_bench_on_a_one_meeting_corpus_end_to_end(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for suffix in (".wav", ".json", ".rttm", ".txt", ".clean.txt"):
        shutil.copy(FIXTURES / f"ja_short{suffix}", corpus / f"ja_short{suffix}")
    out, raw = tmp_path / "bench.md", tmp_path / "bench.json"
    code = main(["bench", str(corpus), "--long", "0.25", "--out", str(out), "--json-out", str(raw)])
    assert code == 0
    data = json.loads(raw.read_text(encoding="utf-8"))
    short, long_run = data["runs"]
    assert short["name"] == "ja_short" and short["baseline"] is not None
    assert set(short["stages"]) == set(PIPELINE_STAGES)
    assert short["derived"]["cer"] < 0.5 and short["derived"]["baseline_cer"] < 0.5
    assert long_run["name"] == "long_0.25min" and long_run["audio_s"] == pytest.approx(15.0)
    assert long_run["baseline"] is None  # off by default for the long recordings
    assert all(s["peak_rss"] > 0 for s in long_run["stages"].values())
    markdown = out.read_text(encoding="utf-8")
    assert "python -m evaluation bench" in markdown and "| ja_short | clean |" in markdown
