"""The one place where gijiroku reads configuration.

Every setting is an environment variable with the ``GIJIROKU_`` prefix (or a line in ``.env``);
the README lists them with their defaults. Code receives a ``Settings`` instance (FastAPI
dependency, CLI, worker) instead of reading the environment itself, so tests can build their own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gijiroku"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GIJIROKU_", env_file=".env", extra="ignore")

    # --- storage -------------------------------------------------------------------------
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("GIJIROKU_DATABASE_URL", "DATABASE_URL")
    )

    # --- ASR (faster-whisper) --------------------------------------------------------------
    model_path: Path | None = None  # None: the embedded Whisper base assembled from PyPI parts
    model_cache_dir: Path = Field(default_factory=_default_cache_dir)
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: str = "auto"  # auto: float16 on CUDA, int8 on CPU
    cpu_threads: int = 0  # 0: let CTranslate2 decide
    language: str = "ja"  # "auto" detects the language
    beam_size: int = 5

    # --- diarization ---------------------------------------------------------------------
    diarizer: Literal["auto", "bundled", "pyannote", "none"] = "auto"
    pyannote_dir: Path | None = None  # a local pyannote pipeline directory (config.yaml inside)

    # --- service -------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'gijiroku.sqlite3').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
