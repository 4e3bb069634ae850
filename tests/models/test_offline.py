"""No telemetry store after a real transcription (issue 16).

onnxruntime, loaded for faster-whisper's Silero VAD, used to write a device id and an event
database under ``~/.cache/Microsoft`` on every run. The CLI runs here as a user would, with a
fresh HOME and XDG directories and ``ORT_DISABLE_TELEMETRY=0`` inherited, and must leave that
HOME empty (the model cache is given outside it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from models.asr_model import prepare_embedded_model
from models.offline import TELEMETRY_OFF
from service.config import Settings

ROOT = Path(__file__).resolve().parents[2]
CLIP = ROOT / "tests" / "fixtures" / "ja_short.wav"


def test_transcribe_leaves_no_telemetry_store(tmp_path: Path) -> None:
    cache_dir = Settings(_env_file=None).model_cache_dir
    prepare_embedded_model(cache_dir)  # joined offline from the installed packages; a no-op when ready
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in TELEMETRY_OFF}
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        ORT_DISABLE_TELEMETRY="0",  # an operator's shell must not switch it back on
        GIJIROKU_MODEL_CACHE_DIR=str(cache_dir),
    )
    out = tmp_path / "minutes.txt"
    proc = subprocess.run(
        [sys.executable, "-m", "service.cli", "transcribe", str(CLIP), "-o", str(out), "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert any("\u3040" <= ch <= "\u9fff" for ch in out.read_text(encoding="utf-8"))  # it really transcribed
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert written == [], written
