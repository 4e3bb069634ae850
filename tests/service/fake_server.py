"""``uvicorn --factory fake_server:app``: the real service, configured from the environment like
``gijiroku serve``, with the fast fake pipeline (subprocess tests: a server killed mid-job)."""

from __future__ import annotations

from fake_pipeline import FakePipeline
from fastapi import FastAPI

from service.app import create_app


def app() -> FastAPI:
    return create_app(pipeline_factory=FakePipeline.from_env)
