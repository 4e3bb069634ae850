"""``python -m evaluation.materials_bench``: CER with a meeting's materials (会議資料) against
without, and with another meeting's materials (over-biasing must not pay; issue 15).

Each decoding condition (hint mode × whose materials) runs the pipeline once per meeting and audio
variant and is saved as minutes JSON under ``--cache`` (words included), so an interrupted or
repeated benchmark never decodes the same thing twice. The draft stage (reading-based correction)
is then applied again from the saved words, with no materials, the meeting's own or another's:
corrections are measured on their own and on top of each decoding.

    python -m evaluation.materials_bench CORPUS_DIR MATERIALS_DIR --cache DIR [--modes off,prompt,...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from evaluation.corpus import Meeting, load_corpus
from evaluation.metrics import char_errors
from models.attribution import join_words
from models.materials import Materials, build_materials, extract_text
from models.pipeline import RunOptions, draft_turns
from models.settings import ModelSettings
from models.types import Minutes

VARIANTS = ("clean", "noisy")


def meeting_materials(directory: Path, name: str) -> Materials:
    """The 会議資料 of meeting ``name`` in a corpus materials folder (``NAME.shiryou.txt``)."""
    path = directory / f"{name}.shiryou.txt"
    return build_materials([extract_text(path.read_bytes(), path.name)])


def _decode(meeting: Meeting, variant: str, mode: str, materials: Materials | None, out: Path) -> Minutes:
    """The pipeline's minutes for one condition, from the cache when it was run before."""
    if out.is_file():
        return Minutes.from_dict(json.loads(out.read_text(encoding="utf-8")))
    options = replace(ModelSettings().pipeline_options(), materials_hints=mode)
    from models.pipeline import Pipeline

    started = time.perf_counter()
    run = Pipeline(options).run_timed(meeting.audio[variant], options=RunOptions(materials=materials))
    seconds = time.perf_counter() - started
    out.parent.mkdir(parents=True, exist_ok=True)
    data = run.minutes.to_dict()
    data["bench"] = {"seconds": seconds, "stage_seconds": run.stage_seconds}
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return run.minutes


def _redraft(minutes: Minutes, materials: Materials | None) -> str:
    """The verbatim text of the minutes drafted again from their words."""
    turns = sorted(minutes.turns, key=lambda t: t.start)
    for turn in turns:
        turn.text = join_words(turn.words)
    draft_turns(turns, None, materials)
    return "".join(t.text for t in turns)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.materials_bench")
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("materials_dir", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--modes", default="off,prompt,hotwords,two-pass")
    parser.add_argument("--whose", default="none,own,other", help="whose materials decode: none, own, other")
    args = parser.parse_args(argv)
    meetings = load_corpus(args.corpus_dir)
    names = [m.name for m in meetings]
    rows = []
    for whose in args.whose.split(","):
        for mode in args.modes.split(",") if whose != "none" else ["off"]:
            for variant in VARIANTS:
                errors: dict[str, list[float]] = {"none": [0.0, 0.0], "own": [0.0, 0.0], "other": [0.0, 0.0]}
                seconds = duration = 0.0
                for meeting in meetings:
                    if variant not in meeting.audio:
                        continue
                    other = names[(names.index(meeting.name) + 1) % len(names)]
                    own_m = meeting_materials(args.materials_dir, meeting.name)
                    other_m = meeting_materials(args.materials_dir, other)
                    decode_m = {"none": None, "own": own_m, "other": other_m}[whose]
                    path = args.cache / f"{whose}-{mode}" / f"{meeting.name}.{variant}.json"
                    minutes = _decode(meeting, variant, mode, decode_m, path)
                    bench = json.loads(path.read_text(encoding="utf-8")).get("bench", {})
                    seconds += bench.get("seconds", 0.0)
                    duration += minutes.duration
                    for draft, mats in (("none", None), ("own", own_m), ("other", other_m)):
                        if whose != "none" and draft not in ("none", whose):
                            continue
                        rate = char_errors(meeting.reference_text, _redraft(minutes, mats))
                        errors[draft][0] += rate.errors
                        errors[draft][1] += rate.total
                cer = {k: f"{100 * e / t:.2f}" if t else "" for k, (e, t) in errors.items()}
                rtf = f"{seconds / duration:.3f}" if duration else ""
                row = f"| {whose} | {mode} | {variant} | {cer['none']} | {cer['own']} | {cer['other']} | {rtf} |"
                rows.append(row)
                print(row, flush=True)
    print("| decode materials | hints | variant | CER no correction | + own correction | + other correction | RTF |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
