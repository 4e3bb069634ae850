"""``python -m evaluation bench``: speed and memory of the pipeline against plain faster-whisper.

Why it is built this way:

* Every measured recording runs in a fresh ``python -m evaluation bench-one`` subprocess, so its
  peak RSS (and ``ru_maxrss``, which never goes down) is its own and not the previous run's, and a
  run killed for memory is reported instead of ending the benchmark.
* Inside that process the models are loaded and warmed up on a short excerpt before anything is
  timed: load time is reported on its own, and one-off costs (the VAD's ONNX session, allocator
  growth) do not land on whichever stage happens to come first.
* The baseline is what the pipeline replaced: sequential ``WhisperModel.transcribe`` with VAD, on
  the same file, with the *same loaded* ``WhisperModel`` object (so same model directory, device
  and compute type by construction). Its segments generator is consumed fully, which is when the
  decoding actually happens.
* Long recordings are synthetic: the corpus meetings' WAVs tiled to N minutes, to show how time
  and memory grow with length (the question for a 2-hour council session).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from evaluation.bench_report import BaselineStats, BenchReport, RunResult, StageStats, pool
from evaluation.corpus import load_corpus
from evaluation.metrics import char_errors
from evaluation.rss import RssSampler, read_rss_bytes, ru_maxrss_bytes
from evaluation.score import corpus_variants, plain_transcribe
from models.errors import GijirokuError
from models.types import SAMPLE_RATE

if TYPE_CHECKING:
    from models.pipeline import RunOptions

WARMUP_S = 20.0
TILE_GAP_S = 1.0  # silence between tiled meetings, so one meeting's last turn never runs into the next


# --- synthetic long recordings ------------------------------------------------------------------
def tile_audio(sources: Sequence[Path], seconds: float, out: Path, gap_s: float = TILE_GAP_S) -> float:
    """Write ``out`` as a 16 kHz mono 16-bit WAV of exactly ``seconds``: the sources one after the
    other (``gap_s`` of silence between them), repeated as often as needed, the last one cut.

    Sources are decoded once (any format ``decode_audio`` reads) and the output is streamed, so a
    2-hour file never sits in memory. Returns the written duration in seconds.
    """
    from models.audio import decode_audio

    if not sources:
        raise GijirokuError("bench_no_audio", "連結する音声がありません。", "No audio to tile.")
    pieces = [(np.clip(decode_audio(Path(p)), -1.0, 32767 / 32768) * 32768).astype("<i2") for p in sources]
    gap = np.zeros(int(round(gap_s * SAMPLE_RATE)), dtype="<i2")
    target = int(round(seconds * SAMPLE_RATE))
    written = 0
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        index = 0
        while written < target:
            piece = pieces[index % len(pieces)]
            if index and gap.size:
                piece = np.concatenate([gap, piece])
            piece = piece[: target - written]
            w.writeframes(piece.tobytes())
            written += piece.size
            index += 1
    return written / SAMPLE_RATE


def wav_excerpt(source: Path, seconds: float, out: Path) -> bool:
    """The first ``seconds`` of a WAV, read without decoding the rest (False: not a plain WAV)."""
    try:
        with wave.open(str(source), "rb") as r:
            frames = r.readframes(int(seconds * r.getframerate()))
            params = r.getparams()
    except (wave.Error, EOFError, OSError):
        return False
    with wave.open(str(out), "wb") as w:
        w.setparams(params)
        w.writeframes(frames)
    return True


# --- options shared by bench and bench-one ------------------------------------------------------
@dataclass(frozen=True)
class BenchOptions:
    """Pipeline overrides (None: the GIJIROKU_* settings decide) plus measurement knobs."""

    model: Path | None = None
    device: str | None = None
    compute_type: str | None = None
    cpu_threads: int | None = None
    beam_size: int | None = None
    batch_size: int | None = None
    prompt: bool = True
    diarizer: str | None = None
    warmup: bool = True
    interval: float = 0.05
    # Each meeting's own 会議資料 (``NAME.shiryou.txt`` in this folder), so the timed run includes
    # the materials' two-pass decoding (issue 15); None: no materials.
    materials: Path | None = None

    def to_argv(self) -> list[str]:
        """The same options as command-line arguments, for the ``bench-one`` child."""
        argv: list[str] = []
        for flag, value in (
            ("--model", self.model),
            ("--device", self.device),
            ("--compute-type", self.compute_type),
            ("--cpu-threads", self.cpu_threads),
            ("--beam-size", self.beam_size),
            ("--batch-size", self.batch_size),
            ("--diarizer", self.diarizer),
            ("--materials", self.materials),
        ):
            if value is not None:
                argv += [flag, str(value)]
        if not self.prompt:
            argv.append("--no-prompt")
        if not self.warmup:
            argv.append("--no-warmup")
        argv += ["--interval", str(self.interval)]
        return argv

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> BenchOptions:
        return cls(
            model=args.model,
            device=args.device,
            compute_type=args.compute_type,
            cpu_threads=args.cpu_threads,
            beam_size=args.beam_size,
            batch_size=args.batch_size,
            prompt=not args.no_prompt,
            diarizer=args.diarizer,
            warmup=not args.no_warmup,
            interval=args.interval,
            materials=args.materials,
        )


def add_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("pipeline (default: the GIJIROKU_* settings)")
    group.add_argument("--model", type=Path, help="a CTranslate2 Whisper directory (default: embedded base)")
    group.add_argument("--device", choices=["auto", "cpu", "cuda"])
    group.add_argument("--compute-type", help="e.g. int8, float16, int8_float16 (default: auto)")
    group.add_argument("--cpu-threads", type=int)
    group.add_argument("--beam-size", type=int)
    group.add_argument("--batch-size", type=int)
    group.add_argument("--no-prompt", action="store_true", help="no initial prompt for Whisper")
    group.add_argument("--diarizer", choices=["auto", "bundled", "pyannote", "none"])
    group.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up pass")
    group.add_argument("--interval", type=float, default=0.05, help="RSS sampling interval, s")
    group.add_argument(
        "--materials",
        type=Path,
        help="a folder of 会議資料 (NAME.shiryou.txt per meeting): each run decodes with its own",
    )


def build_pipeline(opts: BenchOptions):
    from models.pipeline import Pipeline
    from models.settings import ModelSettings

    options = ModelSettings().pipeline_options()
    flags = {
        "model_path": opts.model,
        "device": opts.device,
        "compute_type": opts.compute_type,
        "cpu_threads": opts.cpu_threads,
        "beam_size": opts.beam_size,
        "batch_size": opts.batch_size,
        "diarizer": opts.diarizer,
    }
    given: dict[str, Any] = {name: value for name, value in flags.items() if value is not None}  # left out: the setting
    return Pipeline(replace(options, **given, prompt=options.prompt if opts.prompt else None))


def describe_pipeline(pipeline) -> dict[str, Any]:
    """What was actually used (auto settings resolved), for the report header."""
    from models.asr_model import choose_device, resolve_model_dir

    o = pipeline.options
    choice = choose_device(o.device, o.compute_type)
    return {
        "model_dir": str(resolve_model_dir(o.model_path, o.model_cache_dir)),
        "device": choice.device,
        "compute_type": choice.compute_type,
        "cpu_threads": o.cpu_threads,
        "language": o.language,
        "beam_size": o.beam_size,
        "batch_size": o.batch_size,
        "prompt": o.prompt is not None,
        "diarizer": type(pipeline.diarizer).__name__,
    }


# --- measuring one recording (in this process) --------------------------------------------------
@dataclass(frozen=True)
class PipelineMeasurement:
    minutes: Any  # models.types.Minutes
    stages: dict[str, StageStats]
    wall_s: float
    peak_rss: int


def measure_pipeline(
    pipeline, audio_path: Path, sampler: RssSampler, options: RunOptions | None = None
) -> PipelineMeasurement:
    """Run the pipeline and the export under ``sampler``; stage seconds come from
    ``Pipeline.run_timed`` and stage labels from its progress callback.

    Materials in ``options`` are built before the clock starts: the service extracts their terms
    when they are attached, not when the recording is transcribed."""
    from exporters import render

    started = time.perf_counter()
    run = pipeline.run_timed(audio_path, progress=lambda stage, _fraction: sampler.mark(stage), options=options)
    minutes = run.minutes
    sampler.mark("export")
    export_started = time.perf_counter()
    for fmt in ("docx", "json"):
        render(minutes, fmt)
    ended = time.perf_counter()
    sampler.mark("idle")
    seconds = dict(run.stage_seconds, export=ended - export_started)
    stages = {name: StageStats(wall, sampler.peak(name)) for name, wall in seconds.items()}
    return PipelineMeasurement(minutes, stages, ended - started, sampler.peak(*seconds))


def measure_baseline(
    model, audio_path: Path, language: str, beam_size: int, sampler: RssSampler
) -> tuple[str, float, int]:
    """Plain sequential faster-whisper: (text, wall seconds, peak RSS bytes)."""
    sampler.mark("baseline")
    started = time.perf_counter()
    text = plain_transcribe(model, audio_path, language, beam_size)
    wall = time.perf_counter() - started
    sampler.mark("idle")
    return text, wall, sampler.peak("baseline")


def run_one(
    audio_path: Path,
    name: str,
    variant: str,
    reference: str | None,
    opts: BenchOptions,
    baseline: bool,
    log: Callable[[str], None] = lambda _m: None,
) -> RunResult:
    """Load, warm up, then measure the pipeline (and the baseline) on one recording."""
    from models.pipeline import RunOptions

    with RssSampler(opts.interval, stage="load") as sampler:
        pipeline = build_pipeline(opts)
        started = time.perf_counter()
        model = pipeline.whisper
        diarizer = pipeline.diarizer
        load_s = time.perf_counter() - started
        config = describe_pipeline(pipeline)
        log(
            f"loaded {config['model_dir']} on {config['device']}/{config['compute_type']}, "
            f"diarizer {type(diarizer).__name__}, in {load_s:.1f} s"
        )

        materials = None
        if opts.materials:
            from evaluation.materials_bench import meeting_materials

            materials = meeting_materials(opts.materials, name)
            log(f"materials: {len(materials.terms)} terms")
        run_options = RunOptions(materials=materials)
        warmup_s = 0.0
        if opts.warmup:
            sampler.mark("warmup")
            with tempfile.TemporaryDirectory(prefix="gijiroku-warmup-") as tmp:
                excerpt = Path(tmp) / "warmup.wav"
                if wav_excerpt(audio_path, WARMUP_S, excerpt):
                    started = time.perf_counter()
                    with contextlib.suppress(GijirokuError):  # an excerpt without speech still warmed up
                        pipeline.run(excerpt, options=run_options)
                    if baseline:
                        language = None if config["language"] == "auto" else config["language"]
                        segments, _ = model.transcribe(
                            str(excerpt), language=language, beam_size=config["beam_size"], vad_filter=True
                        )
                        for _ in segments:
                            pass
                    warmup_s = time.perf_counter() - started
            sampler.mark("idle")
        gc.collect()
        rss_before = read_rss_bytes()

        log("pipeline…")
        measured = measure_pipeline(pipeline, audio_path, sampler, run_options)
        peak_process = ru_maxrss_bytes()
        hyp = "".join(t.text for t in sorted(measured.minutes.turns, key=lambda t: t.start))
        cer = char_errors(reference, hyp) if reference is not None else None

        base = None
        if baseline:
            log(f"pipeline {measured.wall_s:.1f} s; baseline…")
            text, wall, peak = measure_baseline(model, audio_path, config["language"], config["beam_size"], sampler)
            base = BaselineStats(wall, peak, char_errors(reference, text) if reference is not None else None)

    return RunResult(
        name=name,
        variant=variant,
        audio_s=measured.minutes.duration,
        load_s=load_s,
        warmup_s=warmup_s,
        stages=measured.stages,
        pipeline_wall_s=measured.wall_s,
        pipeline_peak_rss=measured.peak_rss,
        rss_before=rss_before,
        ru_maxrss=peak_process,
        cer=cer,
        baseline=base,
        config=config,
    )


# --- the whole benchmark (one subprocess per recording) -----------------------------------------
def _read_first(path: Path, key: str) -> str | None:
    try:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _cgroup(name: str) -> str | None:
    try:
        value = Path("/sys/fs/cgroup", name).read_text().strip()
    except OSError:
        return None
    return None if value.startswith("max") else value


def machine_info() -> dict[str, Any]:
    """CPU, memory, OS and library versions, for the report header."""
    import ctranslate2
    import faster_whisper

    info: dict[str, Any] = {
        "cpu": _read_first(Path("/proc/cpuinfo"), "model name") or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "ctranslate2": ctranslate2.__version__,
        "faster_whisper": faster_whisper.__version__,
        "loadavg_start": " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    mem = _read_first(Path("/proc/meminfo"), "MemTotal")
    if mem:
        info["ram_gib"] = round(int(mem.split()[0]) / 1024**2, 1)
    quota = _cgroup("cpu.max")
    if quota:
        limit, period = quota.split()
        info["cpu_quota"] = f"{int(limit) / int(period):g} CPUs"
    mem_limit = _cgroup("memory.max")
    if mem_limit:
        info["memory_limit_gib"] = round(int(mem_limit) / 1024**3, 1)
    gpus = ctranslate2.get_cuda_device_count()
    if gpus:
        name = None
        if shutil.which("nvidia-smi"):
            out = subprocess.run(
                ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                check=False,
            )
            name = "; ".join(line.strip() for line in out.stdout.splitlines() if line.strip()) or None
        info["gpu"] = name or f"{gpus} CUDA device(s)"
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
        info["gijiroku_commit"] = commit or None
    except OSError:
        info["gijiroku_commit"] = None
    return info


def _spawn_one(
    audio: Path, name: str, variant: str, reference: str | None, opts: BenchOptions, baseline: bool, work: Path
) -> tuple[RunResult | None, str | None]:
    """One ``bench-one`` subprocess; (result, None) or (None, why it failed)."""
    result_path = work / f"{name}.{variant}.result.json"
    argv = [
        sys.executable,
        "-m",
        "evaluation",
        "bench-one",
        str(audio),
        "--name",
        name,
        "--variant",
        variant,
        "--result",
        str(result_path),
        *opts.to_argv(),
    ]
    if reference is not None:
        ref_path = work / f"{name}.{variant}.ref.txt"
        ref_path.write_text(reference, encoding="utf-8")
        argv += ["--reference", str(ref_path)]
    if baseline:
        argv.append("--baseline")
    code = subprocess.run(argv, check=False).returncode  # its stderr (progress, tracebacks) shows live
    if code != 0 or not result_path.is_file():
        why = f"killed by signal {-code} (out of memory?)" if code < 0 else f"exit status {code}"
        return None, f"{name} ({variant}): {why}; see the log above"
    return RunResult.from_dict(json.loads(result_path.read_text(encoding="utf-8"))), None


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run_bench(
    corpus_dir: Path,
    variants: Sequence[str],
    long_minutes: Sequence[float],
    opts: BenchOptions,
    *,
    baseline: bool = True,
    baseline_long: bool = False,
    command: str = "",
) -> BenchReport:
    meetings = load_corpus(corpus_dir)
    machine = machine_info()
    runs: list[RunResult] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gijiroku-bench-") as tmp:
        work = Path(tmp)

        def one(audio: Path, name: str, variant: str, reference: str | None, with_baseline: bool) -> None:
            _progress(f"{name} ({variant}): {audio}")
            result, failure = _spawn_one(audio, name, variant, reference, opts, with_baseline, work)
            if result is not None:
                runs.append(result)
                speed = f", speed-up {result.speedup:.2f}×" if result.speedup is not None else ""
                _progress(f"{name} ({variant}): {result.pipeline_wall_s:.1f} s, RTF {result.rtf:.3f}{speed}")
            else:
                failures.append(failure or name)
                _progress(f"FAILED {failure}")

        for meeting in meetings:
            for variant in variants:
                if variant in meeting.audio:
                    one(meeting.audio[variant], meeting.name, variant, meeting.reference_text, baseline)
        corpus_runs = list(runs)

        tile_variant = "noisy" if tuple(variants) == ("noisy",) else "clean"
        sources = [m.audio[tile_variant] for m in meetings if tile_variant in m.audio]
        for minutes in long_minutes:
            name = f"long_{minutes:g}min"
            path = work / f"{name}.wav"
            tile_audio(sources, minutes * 60, path)
            one(path, name, tile_variant, None, baseline_long)
            path.unlink(missing_ok=True)

    if hasattr(os, "getloadavg"):
        machine["loadavg_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return BenchReport(
        command=command,
        date=datetime.now().astimezone().isoformat(timespec="seconds"),
        machine=machine,
        runs=runs,
        pooled=pool(corpus_runs) if len(corpus_runs) > 1 else None,
        failures=failures,
        per_variant=_pooled_per_variant(corpus_runs) if len(variants) > 1 else [],
    )


def _pooled_per_variant(runs: Sequence[RunResult]) -> list[RunResult]:
    """One pooled row per variant: a degraded set's table per recording condition."""
    rows = (pool([r for r in runs if r.variant == v]) for v in dict.fromkeys(r.variant for r in runs))
    return [row for row in rows if row is not None]


# --- command line -------------------------------------------------------------------------------
def add_bench_commands(commands) -> None:
    """Register ``bench`` and the internal ``bench-one`` on ``python -m evaluation``."""
    from evaluation.bench_report import FORMATS as REPORT_FORMATS

    bench = commands.add_parser("bench", help="speed and memory per stage vs plain faster-whisper")
    bench.add_argument("corpus_dir", type=Path)
    bench.add_argument(
        "--variant",
        nargs="+",
        default=["clean"],
        help="audio variants to run (clean, noisy, a degraded set's conditions) or 'all' (default: clean)",
    )
    bench.add_argument(
        "--long",
        type=float,
        nargs="+",
        default=[],
        metavar="MINUTES",
        help="also time synthetic recordings of these lengths (corpus audio tiled)",
    )
    bench.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run plain faster-whisper on each corpus meeting too (default: on)",
    )
    bench.add_argument(
        "--baseline-long",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also run the baseline on the --long recordings (slow; default: off)",
    )
    bench.add_argument("--format", choices=REPORT_FORMATS, default="md")
    bench.add_argument("--out", type=Path, help="write the report here instead of stdout")
    bench.add_argument("--json-out", type=Path, help="also save the raw results as JSON")
    add_pipeline_arguments(bench)

    one = commands.add_parser("bench-one", help="internal: measure one recording in this process (bench spawns it)")
    one.add_argument("audio", type=Path)
    one.add_argument("--name", required=True)
    one.add_argument("--variant", default="clean")
    one.add_argument("--reference", type=Path, help="reference text file, for CER")
    one.add_argument("--baseline", action="store_true")
    one.add_argument("--result", type=Path, required=True, help="where to write the RunResult JSON")
    add_pipeline_arguments(one)


def bench_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from evaluation.bench_report import render, to_json

    variants = corpus_variants(load_corpus(args.corpus_dir)) if args.variant == ["all"] else tuple(args.variant)
    report = run_bench(
        args.corpus_dir,
        variants,
        args.long,
        BenchOptions.from_args(args),
        baseline=args.baseline,
        baseline_long=args.baseline_long,
        command="python -m evaluation " + shlex.join(argv),
    )
    text = render(report, args.format)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(to_json(report), encoding="utf-8")
    return 1 if report.failures else 0


def bench_one_command(args: argparse.Namespace) -> int:
    reference = args.reference.read_text(encoding="utf-8") if args.reference else None
    result = run_one(
        args.audio,
        args.name,
        args.variant,
        reference,
        BenchOptions.from_args(args),
        args.baseline,
        log=lambda m: _progress(f"  {args.name}: {m}"),
    )
    args.result.write_text(json.dumps(result.to_dict(), ensure_ascii=False), encoding="utf-8")
    return 0
