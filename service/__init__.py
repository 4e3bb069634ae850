"""The web service: API, pages, jobs, reports (see docs/service-internals.md)."""

import os

# No telemetry leaves the machine (README): switch the OpenTelemetry SDK off for the whole
# process, whatever OTEL_* says, before any library (FastAPI, pyannote) can build a provider from
# the environment. ``service.app`` also turns FastAPI's own telemetry off explicitly.
os.environ["OTEL_SDK_DISABLED"] = "true"
