"""Rendering scores as a Markdown table (READMEs, issues), CSV (spreadsheets) or JSON (tools).

Rates print as percentages; JSON also keeps the errors/total pairs so results can be pooled later.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import fields

from evaluation.metrics import Rate
from evaluation.score import DER_COLLAR, MeetingScore

COLUMNS = {
    "cer": "CER %",
    "cer_numerals": "CER num %",
    "cp_cer": "cpCER %",
    "clean_cer": "clean CER %",
    "der": "DER c0 %",
    "der_collar": f"DER c{DER_COLLAR} %",
    "jer": "JER %",
    "missed_speech_s": "missed s",
    "lost_turns": "lost turns",
    "speakers": "speakers found/ref",
    "plain_cer": "plain CER %",  # plain faster-whisper on the same audio (score --baseline)
}
FORMATS = ("md", "csv", "json")


def _cell(score: MeetingScore, key: str) -> str:
    if key == "speakers":
        return f"{score.speakers_found}/{score.speakers_ref}"
    value = getattr(score, key)
    if value is None:
        return "—"
    if isinstance(value, Rate):
        return f"{value.errors:g}/{value.total:g}" if key == "lost_turns" else f"{100 * value.value:.2f}"
    return f"{value:.2f}"


def _rows(scores: Sequence[MeetingScore]) -> list[list[str]]:
    return [[s.name, s.variant, *(_cell(s, key) for key in COLUMNS)] for s in scores]


def to_markdown(scores: Sequence[MeetingScore]) -> str:
    header = ["meeting", "variant", *COLUMNS.values()]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(scores)]
    return "\n".join(lines) + "\n"


def to_csv(scores: Sequence[MeetingScore]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["meeting", "variant", *COLUMNS])
    writer.writerows(_rows(scores))
    return out.getvalue()


def to_json(scores: Sequence[MeetingScore]) -> str:
    def encode(value: object) -> object:
        if isinstance(value, Rate):
            return {"value": value.value, "errors": value.errors, "total": value.total}
        return value  # numbers, and None for a plain CER that was not measured

    records = [{f.name: encode(getattr(s, f.name)) for f in fields(s)} for s in scores]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def render(scores: Sequence[MeetingScore], fmt: str) -> str:
    return {"md": to_markdown, "csv": to_csv, "json": to_json}[fmt](scores)
