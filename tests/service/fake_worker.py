"""``celery -A fake_worker worker``: the real Celery worker, configured from the environment like
``service.jobs.celery_app``, with the fast fake pipeline (subprocess tests of scale-out)."""

from __future__ import annotations

from fake_pipeline import FakePipeline

from service.config import get_settings
from service.jobs.celery_app import make_worker

app = make_worker(get_settings(), pipeline_factory=FakePipeline.from_env)
