"""`gijiroku transcribe --materials FILE [--materials FILE …]`: every file's text reaches the
pipeline as one ``Materials``; an unreadable file stops before any work, in both languages."""

from __future__ import annotations

from pathlib import Path

import docx

from models.pipeline import Pipeline, RunOptions
from models.types import MeetingInfo, Minutes, Speaker, Turn
from service.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_several_materials_files_reach_the_run(tmp_path: Path, monkeypatch, capsys) -> None:
    seen: list[RunOptions] = []

    def fake_run(self, audio, meeting=None, progress=None, options=None) -> Minutes:
        seen.append(options)
        turn = Turn("SPEAKER_00", 0.0, 1.0, "開会します。", "開会します。")
        return Minutes(MeetingInfo(), [Speaker("SPEAKER_00", "話者1")], [turn], duration=1.0)

    monkeypatch.setattr(Pipeline, "run", fake_run)
    agenda = tmp_path / "agenda.txt"
    agenda.write_text("議題　島本町との連携について", encoding="cp932")
    report = tmp_path / "report.docx"
    document = docx.Document()
    document.add_paragraph("千早赤阪村の補助金　約2,100万円")
    document.save(str(report))
    out = tmp_path / "minutes.txt"
    argv = ["transcribe", str(FIXTURES / "ja_short.wav"), "-o", str(out), "--quiet"]
    code = main([*argv, "--materials", str(agenda), "--materials", str(report)])
    assert code == 0 and out.is_file()
    materials = seen[0].materials
    assert materials is not None
    assert {"島本町", "千早赤阪村"} <= {t.surface for t in materials.terms}
    assert [f.surface for f in materials.figures] == ["約2,100万円"]


def test_an_unreadable_materials_file_stops_before_any_work(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(Pipeline, "run", lambda *a, **k: (_ for _ in ()).throw(AssertionError("must not run")))
    bad = tmp_path / "scan.png"
    bad.write_bytes(b"\x89PNG")
    out = tmp_path / "minutes.txt"
    code = main(["transcribe", str(FIXTURES / "ja_short.wav"), "-o", str(out), "--quiet", "--materials", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "scan.png" in err and "形式には対応していません" in err and "unsupported file type" in err
    assert not out.exists()
