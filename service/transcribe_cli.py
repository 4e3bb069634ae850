"""``gijiroku transcribe``: one recording → draft minutes files, with a stage/percent progress bar.

Bad input ends with a ``GijirokuError`` (exit 2); a bug ends with a Japanese + English message and
an error id (exit 1), never a traceback, unless ``--debug`` asks for it (logged with the same id).
Either way no output file is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import re
import sys
from pathlib import Path

from models.errors import GijirokuError, new_error_id, unexpected_error

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("transcribe", help="transcribe a recording into draft minutes (docx, txt, srt, vtt, json)")
    p.add_argument("input", type=Path, help="audio or video file (wav, mp3, m4a, flac, ogg/opus, mp4, webm)")
    p.add_argument("-o", "--output", type=Path, help="output path; its suffix names the format (default INPUT.docx)")
    p.add_argument("--format", help="comma-separated formats: docx,txt,srt,vtt,json (default from -o, else docx)")
    p.add_argument("--speakers", type=int, help="exact number of speakers")
    p.add_argument("--min-speakers", type=int)
    p.add_argument("--max-speakers", type=int)
    p.add_argument("--vocab", type=Path, help="vocabulary file (CSV/TSV/JSON: canonical form, variants)")
    p.add_argument(
        "--materials",
        type=Path,
        action="append",
        default=[],
        help="meeting materials 会議資料 (PDF, docx, txt; repeat for several): names, terms and figures",
    )
    p.add_argument("--voices", type=Path, help="voice store (gijiroku voices enroll): name the speakers it recognises")
    p.add_argument("--model", type=Path, help="CTranslate2 Whisper directory (default: embedded base)")
    p.add_argument("--language", help="ja (default), en, ... or auto")
    p.add_argument("--title", help="meeting title printed on the minutes (名称)")
    p.add_argument("--date", type=_date, help="meeting date YYYY-MM-DD (日時, printed in 和暦)")
    p.add_argument("--time", help="start time as written, e.g. 10:00")
    p.add_argument("--place", default="", help="場所")
    p.add_argument("--attendees", default="", help="出席者, separated by 、 or commas")
    p.add_argument("--agenda", action="append", default=[], help="議題 (repeat for several)")
    p.add_argument("--verbatim", action="store_true", help="export verbatim text (素起こし) instead of cleaned")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--debug", action="store_true", help="log details to stderr, with the traceback of an unexpected error"
    )
    p.set_defaults(func=run)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日付は YYYY-MM-DD で指定してください / use YYYY-MM-DD: {value}") from exc


def _split_names(value: str) -> list[str]:
    return [n.strip() for n in re.split(r"[、,，]", value) if n.strip()]


def _formats_and_base(args: argparse.Namespace) -> tuple[list[str], Path]:
    from exporters import FORMATS

    output: Path = args.output or args.input.with_suffix(".docx")
    suffix = output.suffix.lstrip(".").lower()
    if args.format:
        formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    else:
        formats = [suffix if suffix in FORMATS else "docx"]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise GijirokuError(
            "unknown_format",
            f"不明な出力形式です: {', '.join(unknown)}（{', '.join(FORMATS)}）",
            f"Unknown output format: {', '.join(unknown)} (one of {', '.join(FORMATS)})",
        )
    base = output.with_suffix("") if suffix in FORMATS else output
    return formats, base


class _Bar:
    """tqdm bar over the whole run, labelled with the current stage."""

    def __init__(self, enabled: bool) -> None:
        from tqdm import tqdm

        from models.pipeline import STAGE_LABELS, overall_fraction

        self._overall, self._labels = overall_fraction, STAGE_LABELS
        self._bar = tqdm(
            total=100,
            unit="%",
            disable=not enabled,
            file=sys.stderr,
            bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}",
        )
        self._done = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        position = 100 * self._overall(stage, fraction)
        self._bar.set_description_str(f"{self._labels[stage]} ({stage})")
        self._bar.update(max(0.0, position - self._done))
        self._done = max(self._done, position)

    def close(self) -> None:
        self._bar.close()


def run(args: argparse.Namespace) -> int:
    if args.debug:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return _transcribe(args)
    except GijirokuError:
        raise
    except Exception as exc:
        error_id = new_error_id()
        if args.debug:
            log.exception("transcribe crashed [error id %s]", error_id)
            raise unexpected_error(
                error_id, "上記の詳細を添えてご報告ください。", "please report it with the details above."
            ) from exc
        raise unexpected_error(
            error_id, "--debug を付けて再実行すると詳細が表示されます。", "rerun with --debug to see the details."
        ) from exc


def _transcribe(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from exporters import write_outputs
    from models.draft import load_vocabulary
    from models.materials import build_materials, read_files
    from models.pipeline import Pipeline, RunOptions
    from models.types import MeetingInfo, SpeakerCountHint
    from service.config import get_settings
    from service.voices_cli import load_registry

    formats, base = _formats_and_base(args)
    if not args.input.is_file():
        raise GijirokuError(
            "input_missing", f"入力ファイルがありません: {args.input}", f"Input file not found: {args.input}"
        )
    options = get_settings().pipeline_options()
    if args.model:
        options = replace(options, model_path=args.model)
    run_options = RunOptions(
        speakers=SpeakerCountHint(args.speakers, args.min_speakers, args.max_speakers),
        language=args.language,
        vocabulary=load_vocabulary(args.vocab) if args.vocab else None,
        materials=build_materials(read_files(args.materials)) if args.materials else None,
        voices=load_registry(args.voices) if args.voices else None,
    )
    bar = _Bar(enabled=not args.quiet)
    try:
        meeting = MeetingInfo(
            title=args.title or "会議録",
            date=args.date,
            start_time=args.time,
            place=args.place,
            attendees=_split_names(args.attendees),
            agenda=list(args.agenda),
        )
        minutes = Pipeline(options).run(args.input, meeting=meeting, progress=bar, options=run_options)
    finally:
        bar.close()
    for warning in minutes.warnings:
        print(f"注意: {warning}", file=sys.stderr)
    for path in write_outputs(minutes, base, formats, clean=not args.verbatim):
        print(path)
    return 0
