"""Speech-to-minutes models. Importing the package switches off third-party telemetry first
(``models.offline``): every entry point imports it before faster-whisper or onnxruntime."""

from models.offline import disable_telemetry

disable_telemetry()
