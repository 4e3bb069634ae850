"""Scoring minutes against a tiny hand-made meeting, and ``python -m evaluation score`` on it."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from evaluation.__main__ import main
from evaluation.corpus import load_meeting
from evaluation.metrics import Rate
from evaluation.score import pooled, score_minutes
from models.types import MeetingInfo, Minutes, Speaker, Turn

REPO = Path(__file__).resolve().parents[2]

# Reference: 令和六年度の予算です (10 chars) by chair 0-2 s,
# えー賛成します (7 chars) by member 3-5 s.
# Clean reference: 令和六年度の予算です賛成します (15 chars).
SEGMENTS = [
    {
        "id": "u1",
        "speaker": "chair",
        "start": 0.0,
        "end": 2.0,
        "text": "令和六年度の予算です。",
        "text_clean": "令和六年度の予算です。",
    },
    {
        "id": "u2",
        "speaker": "member",
        "start": 3.0,
        "end": 5.0,
        "text": "えー、賛成します。",
        "text_clean": "賛成します。",
    },
]


def write_corpus(directory: Path) -> Path:
    name = "m1"
    meta = {"name": name, "duration": 6.0, "audio": {"clean": f"{name}.wav"}, "segments": SEGMENTS}
    (directory / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (directory / f"{name}.rttm").write_text(
        "SPEAKER m1 1 0.000 2.000 <NA> <NA> chair <NA> <NA>\nSPEAKER m1 1 3.000 2.000 <NA> <NA> member <NA> <NA>\n"
    )
    (directory / f"{name}.clean.txt").write_text(
        "chair\t令和六年度の予算です。\nmember\t賛成します。\n", encoding="utf-8"
    )
    return directory / f"{name}.json"


def minutes(*turns: tuple[str, float, float, str, str]) -> Minutes:
    return Minutes(
        meeting=MeetingInfo(),
        speakers=[Speaker(s, s) for s in sorted({t[0] for t in turns})],
        turns=[Turn(s, start, end, text, clean) for s, start, end, text, clean in turns],
        duration=6.0,
    )


GOOD = minutes(
    ("SPEAKER_00", 0.0, 2.0, "令和6年度の予算です", "令和6年度の予算です"),
    ("SPEAKER_01", 3.0, 5.0, "えー賛成します", "賛成します"),
)


def test_score_of_a_good_transcript(tmp_path):
    score = score_minutes(load_meeting(write_corpus(tmp_path)), "clean", GOOD)
    assert score.cer == Rate(1, 17)  # 六 vs 6
    assert score.cer_numerals == Rate(0, 17)
    assert score.cp_cer == Rate(1, 17)
    assert score.clean_cer == Rate(1, 15)
    assert score.der == Rate(0, 4) and score.der_collar.errors == 0
    assert score.jer == Rate(0, 2)
    assert score.missed_speech_s == 0
    assert score.lost_turns == Rate(0, 2)


def test_score_of_one_speaker_that_dropped_a_turn(tmp_path):
    # Everything attributed to one speaker, and the second turn never transcribed.
    hyp = minutes(("SPEAKER_00", 0.0, 2.0, "令和六年度の予算です", "令和六年度の予算です"))
    score = score_minutes(load_meeting(write_corpus(tmp_path)), "clean", hyp)
    assert score.cer == Rate(7, 17)  # えー賛成します deleted
    assert score.cp_cer == Rate(7, 17)  # chair↔SPEAKER_00 exact, member unmatched: 7 deletions
    assert score.der == Rate(2, 4)  # 3-5 s missed
    assert score.missed_speech_s == pytest.approx(2)
    assert score.lost_turns == Rate(1, 2)


def test_pooled_sums_errors_and_totals(tmp_path):
    meeting = load_meeting(write_corpus(tmp_path))
    a = score_minutes(meeting, "clean", GOOD)
    total = pooled([a, a])
    assert total.name == "ALL"
    assert total.cer == Rate(2, 34)
    assert pooled([]) is None


def test_cli_scores_saved_minutes_as_json(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus(corpus)
    hyp_dir = tmp_path / "hyp"
    hyp_dir.mkdir()
    (hyp_dir / "m1.json").write_text(json.dumps(GOOD.to_dict(), ensure_ascii=False), encoding="utf-8")

    assert main(["score", str(corpus), "--hyp-dir", str(hyp_dir), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["variant"]) for r in rows] == [("m1", "clean"), ("ALL", "clean")]
    assert rows[0]["cer"]["value"] == pytest.approx(1 / 17)
    assert rows[0]["clean_cer"]["value"] == pytest.approx(1 / 15)
    assert rows[1]["lost_turns"] == {"value": 0.0, "errors": 0, "total": 2}

    assert main(["score", str(corpus), "--hyp-dir", str(hyp_dir), "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert table[0]["meeting"] == "m1" and table[0]["cer"] == "5.88" and table[0]["lost_turns"] == "0/2"


def test_cli_markdown_via_python_dash_m(tmp_path):
    write_corpus(tmp_path)
    (tmp_path / "m1.clean.json").write_text(json.dumps(GOOD.to_dict()), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "evaluation", "score", str(tmp_path), "--hyp-dir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = out.splitlines()
    assert lines[0].startswith("| meeting | variant | CER % |")
    assert lines[2].startswith("| m1 | clean | 5.88 | 0.00 |")
    assert lines[3].startswith("| ALL | clean |")


def test_cli_reports_a_missing_hypothesis_without_a_traceback(tmp_path, capsys):
    write_corpus(tmp_path)
    assert main(["score", str(tmp_path), "--hyp-dir", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert "hypothesis_missing" in err and "m1" in err


def test_cli_noisy_variant_without_noisy_audio_scores_nothing(tmp_path, capsys):
    write_corpus(tmp_path)
    assert main(["score", str(tmp_path), "--variant", "noisy", "--hyp-dir", str(tmp_path)]) == 2
    assert "nothing_scored" in capsys.readouterr().err


def test_plain_faster_whisper_is_scored_beside_and_pooled_only_over_the_same_audio(tmp_path):
    from evaluation.score import pooled_by_variant

    meeting = load_meeting(write_corpus(tmp_path))
    with_plain = score_minutes(meeting, "reverb", GOOD, plain_text="令和六年度の予算です賛成します")
    assert with_plain.plain_cer == Rate(2, 17)  # えー deleted
    assert (with_plain.speakers_found, with_plain.speakers_ref) == (2, 2)
    without = score_minutes(meeting, "reverb", GOOD)
    assert without.plain_cer is None
    assert (with_plain + with_plain).plain_cer == Rate(4, 34)
    assert (with_plain + without).plain_cer is None  # never a plain CER over less audio than the CER
    other = score_minutes(meeting, "opus16", GOOD)
    rows = pooled_by_variant([with_plain, other, with_plain])
    assert [(r.name, r.variant, r.cer.total) for r in rows] == [("ALL", "reverb", 34), ("ALL", "opus16", 17)]
