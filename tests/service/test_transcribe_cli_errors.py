"""`gijiroku transcribe` on a bug (issue 16): a Japanese + English message with an error id, exit 1,
no traceback unless ``--debug`` (then logged with the same id), and no output file."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import exporters
from models.pipeline import Pipeline
from models.types import MeetingInfo, Minutes, Speaker, Turn
from service import transcribe_cli
from service.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"
ERROR_ID = re.compile(r"エラーID: ([0-9a-f]{8})）.*\n.*\(error id: ([0-9a-f]{8})\)")


def _crash(*args, **kwargs):
    raise AssertionError("non-negative timestamp expected (internal detail)")


def _minutes(*args, **kwargs) -> Minutes:
    turn = Turn("SPEAKER_00", 0.0, 1.0, "開会します。", "開会します。")
    return Minutes(MeetingInfo(), [Speaker("SPEAKER_00", "話者1")], [turn], duration=1.0)


def _transcribe(tmp_path: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "out" / "minutes.docx"
    code = main(
        ["transcribe", str(FIXTURES / "ja_short.wav"), "-o", str(out), "--format", "docx,srt,json", "--quiet", *extra]
    )
    return code, out.parent


def _error_id(err: str) -> str:
    match = ERROR_ID.search(err)
    assert match and match.group(1) == match.group(2), err
    return match.group(1)


def test_a_pipeline_crash_prints_both_languages_with_an_error_id_and_writes_nothing(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(Pipeline, "run", _crash)
    code, out_dir = _transcribe(tmp_path)
    err = capsys.readouterr().err
    assert code == 1
    assert "予期しないエラー" in err and "unexpected error" in err and "--debug" in err
    _error_id(err)
    assert "Traceback" not in err and "internal detail" not in err
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_debug_logs_the_traceback_under_the_same_error_id(tmp_path: Path, capsys, caplog, monkeypatch) -> None:
    monkeypatch.setattr(Pipeline, "run", _crash)
    with caplog.at_level(logging.ERROR, logger=transcribe_cli.__name__):
        code, _ = _transcribe(tmp_path, "--debug")
    error_id = _error_id(capsys.readouterr().err)
    assert code == 1
    [record] = [r for r in caplog.records if r.name == transcribe_cli.__name__]
    assert error_id in record.getMessage() and record.exc_info and "internal detail" in str(record.exc_info[1])


def test_a_crash_while_exporting_writes_no_file(tmp_path: Path, capsys, monkeypatch) -> None:
    real_render = exporters.render

    def render(minutes, fmt, **kwargs):
        if fmt == "srt":
            raise ValueError("subtitle renderer broke (internal detail)")
        return real_render(minutes, fmt, **kwargs)

    monkeypatch.setattr(Pipeline, "run", _minutes)
    monkeypatch.setattr(exporters, "render", render)
    code, out_dir = _transcribe(tmp_path)
    assert code == 1
    _error_id(capsys.readouterr().err)
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_bad_input_still_exits_2_without_an_error_id(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.wav").write_text("音声ではありません", encoding="utf-8")
    assert main(["transcribe", str(tmp_path / "notes.wav"), "--quiet"]) == 2
    assert "エラーID" not in capsys.readouterr().err
