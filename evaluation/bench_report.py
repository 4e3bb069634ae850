"""Benchmark results and their rendering (Markdown for docs/benchmarks.md, JSON for tools).

Results cross a process boundary (each run happens in a fresh ``bench-one`` subprocess so its peak
RSS is its own), so every record converts to and from plain JSON. Derived figures (RTF, speed-up,
CER difference) are computed here from the raw seconds and error counts, never stored, so a saved
JSON can be re-rendered and pooled without drift.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from evaluation.metrics import Rate
from evaluation.rss import MIB
from models.pipeline import STAGES

PIPELINE_STAGES = (*STAGES, "export")  # export: rendering docx + json after the pipeline
FORMATS = ("md", "json")


@dataclass(frozen=True)
class StageStats:
    wall_s: float
    peak_rss: int  # bytes: largest VmRSS sampled while the stage ran


@dataclass(frozen=True)
class BaselineStats:
    """Plain sequential faster-whisper on the same audio with the same loaded model."""

    wall_s: float
    peak_rss: int  # bytes, sampled while it ran
    cer: Rate | None  # None when there is no reference (tiled long recordings)


@dataclass(frozen=True)
class RunResult:
    name: str  # meeting name, or "long_30min" for a tiled recording
    variant: str
    audio_s: float
    load_s: float  # Whisper + diarizer load, before anything is timed
    warmup_s: float  # one untimed pass on a short excerpt (lazy sessions, allocators)
    stages: dict[str, StageStats]  # PIPELINE_STAGES; export = render docx + json
    pipeline_wall_s: float  # Pipeline.run + export
    pipeline_peak_rss: int  # bytes, largest sample over the run and the export
    rss_before: int  # bytes, resident after load and warm-up, when the timed run starts
    ru_maxrss: int  # bytes, process high-water mark at the end of the pipeline (load included)
    cer: Rate | None
    baseline: BaselineStats | None
    config: dict[str, Any] = field(default_factory=dict)  # model, device, beam… as actually used

    @property
    def rtf(self) -> float:
        return self.pipeline_wall_s / self.audio_s if self.audio_s else float("nan")

    @property
    def speedup(self) -> float | None:
        """Baseline wall / whole-pipeline wall (diarization and export included)."""
        if self.baseline is None or not self.pipeline_wall_s:
            return None
        return self.baseline.wall_s / self.pipeline_wall_s

    @property
    def cer_delta_points(self) -> float | None:
        """Pipeline CER − baseline CER in percentage points (negative: the pipeline is better)."""
        if self.cer is None or self.baseline is None or self.baseline.cer is None:
            return None
        return 100 * (self.cer.value - self.baseline.cer.value)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["derived"] = {
            "rtf": self.rtf,
            "baseline_rtf": self.baseline.wall_s / self.audio_s if self.baseline and self.audio_s else None,
            "speedup": self.speedup,
            "cer": self.cer.value if self.cer else None,
            "baseline_cer": self.baseline.cer.value if self.baseline and self.baseline.cer else None,
            "cer_delta_points": self.cer_delta_points,
        }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        def rate(value: dict[str, float] | None) -> Rate | None:
            return Rate(value["errors"], value["total"]) if value else None

        base = data.get("baseline")
        return cls(
            name=data["name"],
            variant=data["variant"],
            audio_s=data["audio_s"],
            load_s=data["load_s"],
            warmup_s=data["warmup_s"],
            stages={k: StageStats(**v) for k, v in data["stages"].items()},
            pipeline_wall_s=data["pipeline_wall_s"],
            pipeline_peak_rss=data["pipeline_peak_rss"],
            rss_before=data["rss_before"],
            ru_maxrss=data["ru_maxrss"],
            cer=rate(data.get("cer")),
            baseline=BaselineStats(base["wall_s"], base["peak_rss"], rate(base.get("cer"))) if base else None,
            config=data.get("config", {}),
        )


@dataclass(frozen=True)
class BenchReport:
    command: str
    date: str
    machine: dict[str, Any]
    runs: list[RunResult]
    pooled: RunResult | None = None  # corpus meetings summed (not the tiled long runs)
    failures: list[str] = field(default_factory=list)
    per_variant: list[RunResult] = field(default_factory=list)  # pooled per variant (degraded set's conditions)


def pool(runs: Sequence[RunResult], name: str = "ALL") -> RunResult | None:
    """Sum seconds and CER error counts over runs (peaks: the maximum), like ``score.pooled``.

    A baseline or CER column is pooled only when every run has one, so the ratio compares the same
    audio on both sides.
    """
    if not runs:
        return None

    def total(values: list[Rate | None]) -> Rate | None:
        rates = [v for v in values if v is not None]
        if len(rates) < len(values) or not rates:
            return None
        return functools.reduce(operator.add, rates)

    baselines = [r.baseline for r in runs if r.baseline is not None]
    baseline = None
    if len(baselines) == len(runs):
        baseline = BaselineStats(
            wall_s=sum(b.wall_s for b in baselines),
            peak_rss=max(b.peak_rss for b in baselines),
            cer=total([b.cer for b in baselines]),
        )
    stages = {
        s: StageStats(
            wall_s=sum(r.stages[s].wall_s for r in runs if s in r.stages),
            peak_rss=max((r.stages[s].peak_rss for r in runs if s in r.stages), default=0),
        )
        for s in PIPELINE_STAGES
    }
    variants = {r.variant for r in runs}
    return RunResult(
        name=name,
        variant=variants.pop() if len(variants) == 1 else "all",
        audio_s=sum(r.audio_s for r in runs),
        load_s=max(r.load_s for r in runs),
        warmup_s=sum(r.warmup_s for r in runs),
        stages=stages,
        pipeline_wall_s=sum(r.pipeline_wall_s for r in runs),
        pipeline_peak_rss=max(r.pipeline_peak_rss for r in runs),
        rss_before=max(r.rss_before for r in runs),
        ru_maxrss=max(r.ru_maxrss for r in runs),
        cer=total([r.cer for r in runs]),
        baseline=baseline,
        config=runs[0].config,
    )


# --- formatting ---------------------------------------------------------------------------------
def _mib(value: int) -> str:
    return f"{value / MIB:.0f}"


def _pct(rate: Rate | None) -> str:
    return "—" if rate is None else f"{100 * rate.value:.2f}"


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 600 else f"{seconds:.1f} s"


def _opt(value: float | None, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _config_lines(report: BenchReport) -> list[str]:
    m = report.machine
    c = report.runs[0].config if report.runs else {}
    rows = [
        ("date", report.date),
        ("command", f"`{report.command}`"),
        (
            "CPU",
            f"{m.get('cpu', '?')}, {m.get('cores', '?')} logical cores ({m.get('usable_cores', '?')} usable"
            + (f", cgroup quota {m['cpu_quota']}" if m.get("cpu_quota") else "")
            + ")",
        ),
        (
            "RAM",
            f"{m.get('ram_gib', '?')} GiB"
            + (f" (cgroup limit {m['memory_limit_gib']} GiB)" if m.get("memory_limit_gib") else ""),
        ),
        ("GPU", m.get("gpu") or "none visible to CTranslate2"),
        ("load average at start / end", f"{m.get('loadavg_start', '?')} / {m.get('loadavg_end', '?')}"),
        ("OS", m.get("os", "?")),
        ("Python", m.get("python", "?")),
        ("ctranslate2 / faster-whisper", f"{m.get('ctranslate2', '?')} / {m.get('faster_whisper', '?')}"),
        ("model", f"`{c.get('model_dir', '?')}`"),
        (
            "device / compute type",
            f"{c.get('device', '?')} / {c.get('compute_type', '?')}"
            f" (cpu_threads {c.get('cpu_threads', '?')}"
            + (" = CTranslate2 default)" if c.get("cpu_threads") == 0 else ")"),
        ),
        (
            "pipeline settings",
            f"language {c.get('language', '?')}, beam {c.get('beam_size', '?')}, "
            f"batch {c.get('batch_size', '?')}, prompt {'on' if c.get('prompt') else 'off'}, "
            f"diarizer {c.get('diarizer', '?')}",
        ),
        (
            "baseline",
            f'`WhisperModel.transcribe(path, language="{c.get("language", "ja")}", '
            f"beam_size={c.get('beam_size', '?')}, vad_filter=True)`, sequential, same loaded model",
        ),
    ]
    return _table(("", ""), [(k, v) for k, v in rows])


def to_markdown(report: BenchReport) -> str:
    runs = list(report.runs)
    corpus_rows = [r for r in runs if not r.name.startswith("long_")]
    long_rows = [r for r in runs if r.name.startswith("long_")]
    ordered = [*corpus_rows, *report.per_variant, *([report.pooled] if report.pooled else []), *long_rows]

    lines = [f"## Benchmark {report.date[:10]}", "", *_config_lines(report), ""]

    lines += ["### Whole pipeline vs plain faster-whisper", ""]
    summary = []
    for r in ordered:
        b = r.baseline
        summary.append(
            [
                r.name,
                r.variant,
                _duration(r.audio_s),
                f"{r.pipeline_wall_s:.1f}",
                f"{r.rtf:.3f}",
                _opt(b.wall_s if b else None, ".1f"),
                _opt(b.wall_s / r.audio_s if b and r.audio_s else None, ".3f"),
                _opt(r.speedup, ".2f") + ("×" if r.speedup is not None else ""),
                _pct(r.cer),
                _pct(b.cer if b else None),
                _opt(r.cer_delta_points, "+.2f"),
                f"{r.load_s:.1f}",
            ]
        )
    lines += _table(
        (
            "run",
            "variant",
            "audio",
            "pipeline s",
            "RTF",
            "baseline s",
            "baseline RTF",
            "speed-up",
            "CER %",
            "baseline CER %",
            "ΔCER pts",
            "model load s",
        ),
        summary,
    )

    lines += ["", "### Wall seconds per stage (RTF)", ""]
    stage_rows = [
        [
            r.name,
            *(
                f"{r.stages[s].wall_s:.2f} ({r.stages[s].wall_s / r.audio_s:.3f})"
                if s in r.stages and r.audio_s
                else "—"
                for s in PIPELINE_STAGES
            ),
            f"{r.pipeline_wall_s:.2f} ({r.rtf:.3f})",
        ]
        for r in ordered
    ]
    lines += _table(("run", *PIPELINE_STAGES, "total"), stage_rows)

    lines += ["", "### Peak resident memory per stage (MiB)", ""]
    rss_rows = [
        [
            r.name,
            _mib(r.rss_before),
            *(_mib(r.stages[s].peak_rss) if s in r.stages else "—" for s in PIPELINE_STAGES),
            _mib(r.pipeline_peak_rss),
            _mib(r.ru_maxrss),
            _mib(r.baseline.peak_rss) if r.baseline else "—",
        ]
        for r in ordered
    ]
    lines += _table(("run", "at start", *PIPELINE_STAGES, "pipeline peak", "ru_maxrss", "baseline peak"), rss_rows)

    if report.failures:
        lines += ["", "### Failures", "", *(f"- {f}" for f in report.failures)]
    return "\n".join(lines) + "\n"


def to_json(report: BenchReport) -> str:
    data = {
        "command": report.command,
        "date": report.date,
        "machine": report.machine,
        "runs": [r.to_dict() for r in report.runs],
        "pooled": report.pooled.to_dict() if report.pooled else None,
        "per_variant": [r.to_dict() for r in report.per_variant],
        "failures": report.failures,
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def render(report: BenchReport, fmt: str) -> str:
    return {"md": to_markdown, "json": to_json}[fmt](report)
