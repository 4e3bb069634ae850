import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

import exporters
from exporters import FORMATS, write_outputs
from models.errors import GijirokuError
from models.types import Minutes


def test_writes_every_format_next_to_the_base_name(minutes: Minutes, tmp_path: Path) -> None:
    base = tmp_path / "out" / "2024.11.22総務委員会"
    paths = write_outputs(minutes, base, FORMATS)
    assert [p.name for p in paths] == [f"2024.11.22総務委員会.{fmt}" for fmt in FORMATS]
    assert json.loads(paths[-1].read_text(encoding="utf-8")) == minutes.to_dict()
    assert sorted(p.name for p in base.parent.iterdir()) == sorted(p.name for p in paths)


def test_a_failing_format_leaves_no_file_at_all(
    minutes: Minutes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(minutes: Minutes, clean: bool) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setitem(exporters._FORMATS, "docx", replace(exporters._FORMATS["docx"], render=broken))
    with pytest.raises(RuntimeError):
        write_outputs(minutes, tmp_path / "minutes", ["txt", "docx"])
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_previous_file_and_no_temporary(
    minutes: Minutes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "minutes.txt"
    target.write_text("previous version", encoding="utf-8")

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_outputs(minutes, tmp_path / "minutes", ["txt"])
    assert target.read_text(encoding="utf-8") == "previous version"
    assert list(tmp_path.iterdir()) == [target]


def test_unknown_format_is_a_user_error(minutes: Minutes, tmp_path: Path) -> None:
    with pytest.raises(GijirokuError) as info:
        write_outputs(minutes, tmp_path / "minutes", ["txt", "pdf"])
    assert info.value.code == "unknown_format"
    assert list(tmp_path.iterdir()) == []
