"""`gijiroku transcribe`: real model on a short clip, and bad input that must leave no output."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from service.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.mark.slow
@pytest.mark.ci
def test_transcribe_writes_every_requested_format(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out" / "minutes.docx"
    code = main(
        [
            "transcribe",
            str(FIXTURES / "ja_short.wav"),
            "-o",
            str(out),
            "--format",
            "docx,json,srt,vtt,txt",
            "--title",
            "テスト会議",
            "--speakers",
            "1",
            "--date",
            "2024-11-22",
            "--time",
            "10:00",
            "--place",
            "第1委員会室",
            "--attendees",
            "山田、佐藤",
            "--agenda",
            "補正予算について",
        ]
    )
    assert code == 0
    names = sorted(p.name for p in out.parent.iterdir())
    assert names == ["minutes.docx", "minutes.json", "minutes.srt", "minutes.txt", "minutes.vtt"]
    data = json.loads((out.parent / "minutes.json").read_text(encoding="utf-8"))
    assert data["meeting"] == {
        "title": "テスト会議",
        "date": "2024-11-22",
        "start_time": "10:00",
        "place": "第1委員会室",
        "attendees": ["山田", "佐藤"],
        "agenda": ["補正予算について"],
    }
    assert data["turns"] and {"speaker", "start", "end", "text", "clean_text", "words"} <= set(data["turns"][0])
    document = docx.Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    assert any(p.startswith("○話者1") for p in paragraphs)
    header = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "令和6年11月22日（金）" in header and "第1委員会室" in header
    assert (out.parent / "minutes.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    assert "文字起こし" in capsys.readouterr().err  # the progress bar names the stage


def _bad_inputs(d: Path) -> dict[str, Path]:
    (d / "notes.wav").write_text("これは音声ではありません", encoding="utf-8")
    (d / "empty.m4a").write_bytes(b"")
    (d / "cut.wav").write_bytes((FIXTURES / "ja_short.wav").read_bytes()[:30000])
    return {"not_audio": d / "notes.wav", "empty": d / "empty.m4a", "truncated": d / "cut.wav"}


@pytest.mark.parametrize("kind", ["not_audio", "empty", "truncated"])
def test_bad_input_exits_non_zero_with_both_languages_and_writes_nothing(tmp_path: Path, capsys, kind) -> None:
    source = _bad_inputs(tmp_path)[kind]
    out = tmp_path / "result" / "minutes.docx"
    assert main(["transcribe", str(source), "-o", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "エラー:" in err and "Error:" in err and "Traceback" not in err
    assert not out.parent.exists() or not any(out.parent.iterdir())


def test_unknown_format_is_refused_before_any_work(tmp_path: Path, capsys) -> None:
    assert main(["transcribe", str(FIXTURES / "ja_short.wav"), "--format", "pdf", "--quiet"]) == 2
    assert "pdf" in capsys.readouterr().err


def test_missing_input_file(tmp_path: Path, capsys) -> None:
    assert main(["transcribe", str(tmp_path / "nothing.wav"), "--quiet"]) == 2
    assert "入力ファイルがありません" in capsys.readouterr().err
