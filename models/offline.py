"""Nothing leaves the machine: the telemetry switches of the libraries gijiroku loads.

The README promises that no telemetry leaves the server, yet onnxruntime (faster-whisper's Silero
VAD) ships Microsoft's 1DS telemetry SDK: on import it writes a device id and an ``onnxruntime.db``
of queued events under ``~/.cache/Microsoft/DeveloperTools``, ready to upload on a connected
machine. Only ``ORT_DISABLE_TELEMETRY=1`` *before* onnxruntime is first imported prevents that;
``onnxruntime.disable_telemetry_events()`` alone comes too late (the first event is already
stored). ``models/__init__.py`` therefore applies these switches when the ``models`` package is
imported, which every entry point (CLI, API, Celery worker, scripts) does before faster-whisper.

Values are forced, not defaulted: an inherited ``ORT_DISABLE_TELEMETRY=0`` must not switch it on.
"""

from __future__ import annotations

import os
from types import ModuleType

TELEMETRY_OFF = {
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime: no 1DS uploader, event store or device id
    "HF_HUB_OFFLINE": "1",  # huggingface_hub (faster-whisper, pyannote): never contact the Hub
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "PYANNOTE_METRICS_ENABLED": "false",  # pyannote.audio 4 usage metrics
    "DO_NOT_TRACK": "1",  # the cross-tool convention, for anything else that honours it
}


def disable_telemetry() -> None:
    """Set the switches in this process's environment (inherited by its subprocesses)."""
    os.environ.update(TELEMETRY_OFF)


def onnxruntime() -> ModuleType:
    """onnxruntime with its telemetry events off: call before an ``InferenceSession`` is created.

    The event switch is the API the onnxruntime docs name; the environment switch above is what
    keeps the event store from being created at all.
    """
    disable_telemetry()
    import onnxruntime as ort

    ort.disable_telemetry_events()
    return ort
