"""Upload-time checks of a recording's content, beyond ``models.audio.probe_audio``: is it
complete, and how long is it. Demuxing reads packets without decoding, so a six-hour file takes
seconds, not minutes; the full decode happens later in the worker."""

from __future__ import annotations

from pathlib import Path

from models.audio import TRUNCATION_TOLERANCE, AudioProbe, probe_audio
from models.errors import GijirokuError


def _truncated() -> GijirokuError:
    return GijirokuError(
        "truncated",
        "音声ファイルが途中で切れています。録音ファイルを再度コピーしてからアップロードしてください。",
        "The audio file is truncated; copy the recording again and re-upload.",
        status=422,
    )


def _demuxed_duration(path: Path) -> float:
    import av

    end = 0.0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            tb = stream.time_base
            for packet in container.demux(stream):
                if packet.pts is not None and tb is not None:
                    end = max(end, float((packet.pts + (packet.duration or 0)) * tb))
    except av.error.FFmpegError as exc:
        raise _truncated() from exc
    return end


def inspect_upload(path: Path) -> tuple[AudioProbe, float]:
    """Probe by content (not name), refuse truncated files, return the probe and real duration."""
    probe = probe_audio(path)  # also refuses a WAV shorter than its RIFF header says
    duration = _demuxed_duration(path)
    if probe.duration and probe.duration > 1.0 and duration < probe.duration * TRUNCATION_TOLERANCE:
        raise _truncated()
    if duration <= 0:
        raise GijirokuError("no_audio_data", "音声データがありません。", "The file contains no audio data.", status=422)
    return probe, duration
