"""Decoding by content: every format a clerk may bring, and every kind of bad file."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import av
import numpy as np
import pytest

from models.audio import decode_audio, probe_audio
from models.errors import GijirokuError
from models.types import SAMPLE_RATE

CLIP = Path(__file__).parents[1] / "fixtures" / "ja_short.wav"


def _encode(source: Path, target: Path, container: str, codec: str, rate: int, video: bool = False) -> Path:
    """Re-encode the fixture with PyAV (no system ffmpeg), optionally with a video track."""
    with av.open(str(source)) as src, av.open(str(target), "w", format=container) as dst:
        audio_out = dst.add_stream(codec, rate=rate)
        audio_out.layout = "mono"
        if video:
            v = dst.add_stream("mpeg4" if container == "mp4" else "libvpx", rate=5)
            v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            for _ in range(5):
                for packet in v.encode(frame):
                    dst.mux(packet)
            for packet in v.encode():
                dst.mux(packet)
        resampler = av.AudioResampler(format=audio_out.format.name, layout="mono", rate=rate)
        for frame in src.decode(audio=0):
            for out in resampler.resample(frame):
                for packet in audio_out.encode(out):
                    dst.mux(packet)
        for packet in audio_out.encode():
            dst.mux(packet)
    return target


@pytest.mark.parametrize(
    ("name", "container", "codec", "rate", "video"),
    [
        ("clip.mp3", "mp3", "libmp3lame", 44100, False),
        ("clip.flac", "flac", "flac", 16000, False),
        ("clip.ogg", "ogg", "libopus", 48000, False),
        ("clip.m4a", "ipod", "aac", 44100, False),
        ("clip.mp4", "mp4", "aac", 44100, True),
        ("clip.webm", "webm", "libopus", 48000, True),
    ],
)
def test_common_formats_decode_to_16k_mono(tmp_path, name, container, codec, rate, video) -> None:
    path = _encode(CLIP, tmp_path / name, container, codec, rate, video)
    audio = decode_audio(path)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(len(audio) / SAMPLE_RATE - 4.1) < 0.2
    assert 0.01 < float(np.abs(audio).max()) <= 1.0


def test_the_file_name_does_not_matter(tmp_path) -> None:
    path = _encode(CLIP, tmp_path / "recording.txt", "flac", "flac", 16000)
    assert abs(len(decode_audio(path)) / SAMPLE_RATE - 4.1) < 0.2


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _png(path: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * 4 for _ in range(4))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda d: _write(d / "empty.wav", b""), "empty_file"),
        (lambda d: _write(d / "notes.wav", "会議のメモ\n".encode() * 100), "not_audio"),
        (lambda d: _write(d / "cut.wav", CLIP.read_bytes()[:40000]), "truncated"),
        (lambda d: _png(d / "image.mp3"), "no_audio_stream"),
    ],
)
def test_bad_files_give_a_bilingual_error(tmp_path, make, code) -> None:
    with pytest.raises(GijirokuError) as err:
        decode_audio(make(tmp_path))
    assert err.value.code == code
    assert any("\u3040" <= c <= "\u9fff" for c in err.value.ja) and err.value.en.isascii()


def test_silence_only_is_rejected(tmp_path) -> None:
    path = tmp_path / "silence.wav"
    with av.open(str(path), "w", format="wav") as dst:
        stream = dst.add_stream("pcm_s16le", rate=SAMPLE_RATE)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(np.zeros((1, SAMPLE_RATE * 3), np.int16), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for packet in stream.encode(frame):
            dst.mux(packet)
        for packet in stream.encode():
            dst.mux(packet)
    assert probe_audio(path).duration == pytest.approx(3.0, abs=0.05)
    with pytest.raises(GijirokuError) as err:
        decode_audio(path)
    assert err.value.code == "silence"
