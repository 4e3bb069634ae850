"""The one place where gijiroku reads configuration (its model settings are declared in
``models/settings.py``, which the evaluation commands read as well).

Every setting is an environment variable with the ``GIJIROKU_`` prefix (or a line in ``.env``);
the README lists them with their defaults. Code receives a ``Settings`` instance (FastAPI
dependency, CLI, worker) instead of reading the environment itself, so tests can build their own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr

from models.settings import ModelSettings
from models.voices.matching import DEFAULT_MARGIN, DEFAULT_THRESHOLD, MatchPolicy


class Settings(ModelSettings):
    """The model settings (``models/settings.py``: model path, device, diarizer, …) and the service's own."""

    # --- storage -------------------------------------------------------------------------
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("GIJIROKU_DATABASE_URL", "DATABASE_URL")
    )

    # --- models (the rest of them are ModelSettings' fields) --------------------------------
    # Unload the models after this many minutes without a job (the next job loads them again);
    # 0 keeps them loaded for the life of the process.
    model_idle_unload_minutes: float = Field(default=0.0, ge=0)

    # --- service -------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    # First start creates this admin when no admin exists yet; there is no default password.
    admin_username: str | None = None
    admin_password: SecretStr | None = None
    session_hours: float = 8.0  # browser sessions expire this long after login
    api_token_days: int = 90  # bearer tokens from POST /api/auth/token
    cookie_secure: bool = False  # set true behind HTTPS so cookies never travel in clear text
    # comma-separated scheme://host[:port] a browser may post from besides the request's own Host
    # (a reverse proxy that rewrites Host); see service.auth.origin
    trusted_origins: str = ""
    login_max_failures: int = 5  # per username + client IP ...
    login_max_failures_per_address: int = 50  # ... and per client IP over all usernames ...
    login_lockout_minutes: int = 15  # ... within this window, then 429 until it passes
    max_upload_mb: int = 2048
    # A transcript save's JSON body: a real transcript is ~1 MB per hour as compact UTF-8 and ~2 MB
    # pretty-printed, so 20 MB holds a 6-hour meeting in any formatting and refuses anything far larger.
    max_transcript_mb: int = Field(default=20, ge=1)
    max_duration_hours: float = 6.0
    # 会議資料 (issue 15): PDF/docx/txt attached to a meeting; only their text is stored
    max_materials_mb: int = Field(default=20, ge=1)  # per upload request, all files together
    max_materials_per_meeting: int = Field(default=10, ge=1)
    audio_retention_days: int = 90  # audio is deleted this long after upload; transcripts stay
    retention_sweep_minutes: int = 60  # how often the running service applies the retention rule
    queue: Literal["inprocess", "celery"] = "inprocess"
    worker_concurrency: int = 1  # in-process worker threads (one shared pipeline)
    broker_url: str = "redis://127.0.0.1:6379/0"
    celery_queue: str = "gijiroku"
    # Celery mode: how often the API node's maintenance loop looks for lost jobs (docs/scale-out.md) ...
    recovery_interval_seconds: int = Field(default=60, ge=1)
    # ... and sends again a job still queued this long after its last message (lost by the broker)
    queued_resend_minutes: float = Field(default=2.0, gt=0)
    # A running job without a progress write this long is presumed dead. Workers write at least every
    # few seconds; the longest silent stretch is a model load or one batch of clips on a slow CPU.
    job_stale_minutes: float = Field(default=10.0, gt=0)
    # A job whose worker died this many times (counting every start) is failed, not re-queued again:
    # a recording that kills the worker must not take every worker down in turn, forever.
    job_max_attempts: int = Field(default=3, ge=1)
    # 単語登録's impact preview reads the latest revision of this many of the department's most
    # recent meetings (each is up to a few MB of JSON; the preview answers while staff wait)
    vocabulary_impact_meetings: int = Field(default=200, ge=1)

    # --- voice profiles 話者登録 (issue 13) -------------------------------------------------
    # Voiceprints are biometric personal data: false turns the registry off everywhere (no matching,
    # no enrolment, the pages hide it); prints already stored stay until deleted.
    voice_profiles: bool = True
    # A speaker is named only at this cosine similarity or above, and this far ahead of its
    # runner-up person: the operating point measured in docs/benchmarks.md (issue 13)
    voice_match_threshold: float = Field(default=DEFAULT_THRESHOLD, ge=-1, le=1)
    voice_match_margin: float = Field(default=DEFAULT_MARGIN, ge=0, le=2)

    # --- reports (issue 6) -------------------------------------------------------------------
    # KPI targets drawn on the report charts; defaults from a prefecture's trial (measured there:
    # satisfaction 68 %, continued use 76 %, 82.5 hours saved per month).
    target_satisfaction: float = Field(default=0.70, ge=0, le=1)  # share 大変満足 + 満足
    target_continued_use: float = Field(default=0.76, ge=0, le=1)  # share はい
    target_hours_saved_per_month: float = Field(default=82.5, ge=0)

    @property
    def sqlalchemy_url(self) -> str:
        """SQLite under data_dir unless a database URL is given; plain postgresql:// uses psycopg 3."""
        url = self.database_url
        if not url:
            return f"sqlite:///{(self.data_dir / 'gijiroku.sqlite3').resolve()}"
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def voice_match_policy(self) -> MatchPolicy:
        return MatchPolicy(self.voice_match_threshold, self.voice_match_margin)

    @property
    def max_materials_bytes(self) -> int:
        """A materials upload's body: the files' limit plus room for the multipart headers."""
        return (self.max_materials_mb + 1) * 1024 * 1024

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_transcript_bytes(self) -> int:
        return self.max_transcript_mb * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()
