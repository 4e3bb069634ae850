"""The degraded dev set builder (``python -m evaluation degrade``) on a tiny generated corpus.

The fixture meetings are harmonic tone bursts with pauses (speech-like on/off structure), written
to ``tmp_path`` by the test itself, so nothing here reads ../shared.
"""

import json
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from scipy import signal

from evaluation.__main__ import main
from evaluation.corpus import load_corpus
from evaluation.degraded import (
    CONDITIONS,
    Condition,
    build_degraded_corpus,
    degrade,
    speech_rms,
)
from models.audio import decode_audio
from models.errors import GijirokuError
from models.types import SAMPLE_RATE

DURATION_S = 3.0
BURSTS = [(0.3, 1.2), (1.6, 2.6)]  # (start, end) s of "speech"


def _bursts(f0: float) -> np.ndarray:
    t = np.arange(int(DURATION_S * SAMPLE_RATE)) / SAMPLE_RATE
    voice = sum(np.sin(2 * np.pi * f0 * h * t) / h for h in range(1, 8)) * (1 + 0.3 * np.sin(2 * np.pi * 4 * t))
    gate = np.zeros_like(t)
    for start, end in BURSTS:
        gate[(t >= start) & (t < end)] = 1.0
    return (0.2 * voice * gate).astype(np.float32)


def _write_wav(path: Path, audio: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((audio * 32767).astype("<i2").tobytes())


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    directory = tmp_path / "corpus"
    directory.mkdir()
    for name, f0 in (("m1", 140.0), ("m2", 220.0)):
        _write_wav(directory / f"{name}.wav", _bursts(f0))
        segments = [
            {"id": f"u{i}", "speaker": f"s{i}", "start": s, "end": e, "text": "はい。"}
            for i, (s, e) in enumerate(BURSTS)
        ]
        meta = {"name": name, "duration": DURATION_S, "audio": {"clean": f"{name}.wav"}, "segments": segments}
        (directory / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        (directory / f"{name}.txt").write_text("s0\tはい。\ns1\tはい。\n", encoding="utf-8")
    return directory


def _lag(a: np.ndarray, b: np.ndarray) -> int:
    """Samples by which ``a`` is late against ``b`` (cross-correlation peak)."""
    corr = signal.correlate(a, b, mode="full", method="fft")
    return int(np.argmax(corr)) - (len(b) - 1)


def test_grid_is_a_corpus_with_one_variant_per_condition(corpus, tmp_path):
    names = ["reverb", "babble10", "quiet", "opus16", "mp3_32", "aac48", "telephone"]
    out = tmp_path / "degraded"
    written = build_degraded_corpus(corpus, out, names)
    assert len(written) == 2 * len(names)
    meetings = load_corpus(out)
    assert [m.name for m in meetings] == ["m1", "m2"]
    for meeting in meetings:
        assert list(meeting.audio) == names
        assert [s.start for s in meeting.segments] == [s for s, _ in BURSTS]  # same references
        assert meeting.txt is not None and meeting.txt.parent == out
    # deterministic and resumable: nothing is rewritten when the files exist
    assert build_degraded_corpus(corpus, out, names) == []


@pytest.mark.parametrize("name", ["opus16", "mp3_32", "aac48", "telephone", "farfield"])
def test_codecs_keep_length_and_timing(corpus, tmp_path, name):
    """Reference timestamps apply only if the codec's priming delay is compensated on decoding."""
    build_degraded_corpus(corpus, tmp_path / "out", [name])
    meeting = load_corpus(tmp_path / "out")[0]
    clean = decode_audio(corpus / "m1.wav")
    decoded = decode_audio(meeting.audio[name])
    # AAC in m4a ends on a whole 1024-sample frame (+ its priming frame): silence after the end
    assert 0 <= len(decoded) - len(clean) <= (2048 if name == "aac48" else SAMPLE_RATE // 100)
    assert abs(_lag(decoded[: len(clean)], clean[: len(decoded)])) <= 16  # ≤ 1 ms


def test_telephone_file_has_no_energy_above_4khz(corpus, tmp_path):
    build_degraded_corpus(corpus, tmp_path / "out", ["telephone"])
    path = tmp_path / "out" / "m1.telephone.wav"
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert (stream.codec_context.name, stream.rate) == ("pcm_mulaw", 8000)
    decoded = decode_audio(path)
    freqs, power = signal.welch(decoded, fs=SAMPLE_RATE, nperseg=1024)
    assert power[freqs > 4200].sum() < 1e-3 * power.sum()


@pytest.mark.parametrize("snr", [5.0, 10.0, 20.0])
@pytest.mark.parametrize("kind", ["hum", "brown", "babble", "music"])
def test_noise_is_added_at_the_asked_snr(kind, snr):
    clean = _bursts(140.0)
    noisy = degrade(clean, Condition("x", noise=kind, snr_db=snr), seed=3, babble_sources=[_bursts(220.0)])
    noise = noisy.astype(np.float64) - clean
    measured = 20 * np.log10(speech_rms(clean) / np.sqrt(np.mean(noise**2)))
    assert measured == pytest.approx(snr, abs=0.1)


def test_babble_needs_speech():
    with pytest.raises(GijirokuError):
        degrade(_bursts(140.0), Condition("x", noise="babble", snr_db=10.0), babble_sources=[])


def test_reverberation_rings_after_the_speech_stops():
    clean = _bursts(140.0)
    wet = degrade(clean, Condition("x", rt60_s=0.7, drr_db=0.0))
    after = slice(int(1.25 * SAMPLE_RATE), int(1.5 * SAMPLE_RATE))  # a pause, just after the first burst
    assert np.abs(clean[after]).max() == 0.0
    assert speech_rms(wet[after]) > 0.01 * speech_rms(wet)
    assert len(wet) == len(clean)
    assert abs(_lag(wet, clean)) <= 16  # the direct sound stays where it was


def test_level_conditions():
    clean = _bursts(140.0)
    quiet = degrade(clean, CONDITIONS["quiet"])
    assert 20 * np.log10(np.abs(quiet).max()) == pytest.approx(-30.0, abs=0.01)
    clipped = degrade(clean, CONDITIONS["clipped"])
    assert np.abs(clipped).max() == pytest.approx(1.0)
    assert np.mean(np.abs(clipped) >= 0.999) > 0.05
    # conditions that do not ask for clipping never clip
    loud_noise = degrade(clean * 4.5, Condition("x", noise="brown", snr_db=5.0))
    assert np.abs(loud_noise).max() <= 0.99 + 1e-6


def test_unknown_condition_is_refused(corpus, tmp_path):
    with pytest.raises(GijirokuError) as err:
        build_degraded_corpus(corpus, tmp_path / "out", ["reverb", "underwater"])
    assert "underwater" in err.value.message


def test_cli_builds_the_set_and_score_reads_it_per_condition(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["degrade", str(corpus), str(out), "--conditions", "band", "hum20"]) == 0
    hyps = tmp_path / "hyps"
    hyps.mkdir()
    minutes = {
        "meeting": {},
        "speakers": [{"id": "A", "label": "話者1"}],
        "turns": [{"speaker": "A", "start": 0.3, "end": 2.6, "text": "はいはい", "clean_text": "はいはい"}],
        "duration": DURATION_S,
    }
    for name in ("m1", "m2"):
        for variant in ("band", "hum20"):
            (hyps / f"{name}.{variant}.json").write_text(json.dumps(minutes), encoding="utf-8")
    capsys.readouterr()
    assert main(["score", str(out), "--variant", "all", "--hyp-dir", str(hyps)]) == 0
    rows = [line.split(" | ")[:2] for line in capsys.readouterr().out.splitlines()[2:]]
    assert rows == [
        ["| m1", "band"],
        ["| m1", "hum20"],
        ["| m2", "band"],
        ["| m2", "hum20"],
        ["| ALL", "band"],
        ["| ALL", "hum20"],
        ["| ALL", "all"],
    ]
