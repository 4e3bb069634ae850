"""``python -m evaluation``: accuracy scoring of the pipeline on a corpus (README, "Evaluation").

Subcommands keep scoring separate from benchmarking (speed/memory), which has different inputs.

    python -m evaluation score CORPUS_DIR [--variant clean|noisy|CONDITION ...|all] [--format md|csv|json]
                                          [--hyp-dir DIR | --cache DIR] [--baseline [--baseline-cache DIR]]
    python -m evaluation bench CORPUS_DIR [--variant clean|noisy|all] [--long MINUTES ...]
                                          [--no-baseline] [--baseline-long] [--format md|json]
                                          [--out FILE] [--json-out FILE] [--model DIR] [--device …]
    python -m evaluation degrade CORPUS_DIR OUT_DIR [--conditions NAME ... | all] [--seed S]
    python -m evaluation voices CORPUS_DIR --cache DIR [--enrol M] [--enrol-variant V ...] [--test M] [--pipeline]
    python -m evaluation fuzz CORPUS_DIR [--cuts N] [--seed S] [--min-s 0.5] [--max-s 60]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evaluation.bench import add_bench_commands, bench_command, bench_one_command
from evaluation.corpus import load_corpus
from evaluation.degraded import add_degrade_command, degrade_command
from evaluation.fuzz import add_fuzz_command, fuzz_command
from evaluation.report import FORMATS, render
from evaluation.score import (
    VARIANTS,
    baseline_from_pipeline,
    cached_hypotheses,
    corpus_variants,
    hypotheses_from_dir,
    hypotheses_from_pipeline,
    pooled,
    pooled_by_variant,
    score_corpus,
)
from evaluation.voices import add_voices_command, voices_command
from models.errors import GijirokuError
from models.settings import ModelSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description="gijiroku evaluation")
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser("score", help="CER, cpCER, DER, JER… per meeting and pooled")
    score.add_argument("corpus_dir", type=Path)
    score.add_argument(
        "--variant",
        nargs="+",
        default=["clean"],
        help=f"audio variants ({', '.join(VARIANTS)}, or a degraded set's conditions) or 'all' (default: clean)",
    )
    score.add_argument("--format", choices=FORMATS, default="md")
    hyps = score.add_mutually_exclusive_group()
    hyps.add_argument(
        "--hyp-dir",
        type=Path,
        help="score saved minutes JSON (<name>.<variant>.json, or <name>.json for clean) "
        "instead of running the pipeline",
    )
    hyps.add_argument(
        "--cache",
        type=Path,
        help="run the pipeline only where DIR has no <name>.<variant>.json yet, and save what it produces",
    )
    score.add_argument(
        "--enhance",
        choices=["wpe", "denoise"],
        help="study only: dereverberate (nara-wpe) or denoise (noisereduce) before the pipeline",
    )
    score.add_argument(
        "--enhance-for",
        choices=["asr", "diarizer", "both"],
        default="both",
        help="which stage hears the enhanced audio (default: both)",
    )
    score.add_argument(
        "--baseline",
        action="store_true",
        help="also run plain faster-whisper (sequential, beam as configured, VAD) on the same audio",
    )
    score.add_argument(
        "--baseline-cache",
        type=Path,
        help="keep plain faster-whisper transcripts here (<name>.<variant>.plain.txt) and reuse them",
    )
    add_bench_commands(commands)
    add_fuzz_command(commands)
    add_degrade_command(commands)
    add_voices_command(commands)
    return parser


def _score(args: argparse.Namespace) -> str:
    meetings = load_corpus(args.corpus_dir)
    variants = corpus_variants(meetings) if args.variant == ["all"] else tuple(args.variant)
    pipeline = ModelSettings().pipeline()  # cheap: each model loads on its first use
    if args.hyp_dir:
        hypotheses = hypotheses_from_dir(args.hyp_dir)
    else:
        if args.enhance:
            from evaluation.enhancement import enhanced_hypotheses

            hypotheses = enhanced_hypotheses(pipeline, args.enhance, args.enhance_for)
        else:
            hypotheses = hypotheses_from_pipeline(pipeline)
        if args.cache:
            hypotheses = cached_hypotheses(hypotheses, args.cache)
    baseline = baseline_from_pipeline(pipeline, args.baseline_cache) if args.baseline else None
    scores = list(score_corpus(meetings, variants, hypotheses, baseline))
    total = pooled(scores)
    if total is None:
        raise GijirokuError(
            "nothing_scored",
            f"{args.corpus_dir} に音声（{' '.join(args.variant)}）のある会議がありません。",
            f"No meeting in {args.corpus_dir} has {' '.join(args.variant)} audio.",
        )
    per_variant = pooled_by_variant(scores) if len(variants) > 1 else []
    return render([*scores, *per_variant, total], args.format)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(argv)
    try:
        if args.command == "bench":
            return bench_command(args, argv)
        if args.command == "bench-one":
            return bench_one_command(args)
        if args.command == "fuzz":
            return fuzz_command(args)
        if args.command == "degrade":
            return degrade_command(args)
        if args.command == "voices":
            return voices_command(args)
        sys.stdout.write(_score(args))
    except GijirokuError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
