"""The .docx opens in LibreOffice and prints as an A4 Japanese 会議録 (no missing glyphs)."""

import shutil
import subprocess
from pathlib import Path

import pytest

from exporters import write_outputs
from models.types import Minutes


@pytest.mark.slow
@pytest.mark.ci  # a few seconds, and `make test` installs LibreOffice: worth running every time
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_docx_converts_to_a4_pdf_with_japanese_text(minutes: Minutes, tmp_path: Path) -> None:
    (docx,) = write_outputs(minutes, tmp_path / "minutes", ["docx"])
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "minutes.pdf"
    assert pdf.stat().st_size > 0
    if shutil.which("pdftotext") is None:  # poppler-utils: installed with soffice in CI
        return
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "総務委員会 会議録" in text
    assert "○委員長（山田）" in text and "ただいまから開会いたします。" in text
    assert "- 1 -" in text  # the PAGE field was evaluated
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "IPAMincho" in fonts and "IPAGothic" in fonts  # the named fonts, not a substitute
