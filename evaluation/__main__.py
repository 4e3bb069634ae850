"""``python -m evaluation``: accuracy scoring of the pipeline on a corpus (README, "Evaluation").

Subcommands keep scoring separate from benchmarking (speed/memory), which has different inputs.

    python -m evaluation score CORPUS_DIR [--variant clean|noisy|all] [--format md|csv|json]
                                          [--hyp-dir DIR]
    python -m evaluation bench CORPUS_DIR [--variant clean|noisy|all] [--long MINUTES ...]
                                          [--no-baseline] [--baseline-long] [--format md|json]
                                          [--out FILE] [--json-out FILE] [--model DIR] [--device …]
    python -m evaluation fuzz CORPUS_DIR [--cuts N] [--seed S] [--min-s 0.5] [--max-s 60]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evaluation.bench import add_bench_commands, bench_command, bench_one_command
from evaluation.corpus import load_corpus
from evaluation.fuzz import add_fuzz_command, fuzz_command
from evaluation.report import FORMATS, render
from evaluation.score import (
    VARIANTS,
    hypotheses_from_dir,
    hypotheses_from_pipeline,
    pooled,
    score_corpus,
)
from models.errors import GijirokuError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description="gijiroku evaluation")
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser("score", help="CER, cpCER, DER, JER… per meeting and pooled")
    score.add_argument("corpus_dir", type=Path)
    score.add_argument("--variant", choices=[*VARIANTS, "all"], default="clean")
    score.add_argument("--format", choices=FORMATS, default="md")
    score.add_argument(
        "--hyp-dir",
        type=Path,
        help="score saved minutes JSON (<name>.<variant>.json, or <name>.json for clean) "
        "instead of running the pipeline",
    )
    add_bench_commands(commands)
    add_fuzz_command(commands)
    return parser


def _score(args: argparse.Namespace) -> str:
    meetings = load_corpus(args.corpus_dir)
    variants = VARIANTS if args.variant == "all" else (args.variant,)
    hypotheses = hypotheses_from_dir(args.hyp_dir) if args.hyp_dir else hypotheses_from_pipeline()
    scores = list(score_corpus(meetings, variants, hypotheses))
    total = pooled(scores)
    if total is None:
        raise GijirokuError(
            "nothing_scored",
            f"{args.corpus_dir} に音声（{args.variant}）のある会議がありません。",
            f"No meeting in {args.corpus_dir} has {args.variant} audio.",
        )
    return render([*scores, total], args.format)


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
        sys.stdout.write(_score(args))
    except GijirokuError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
