"""Resemblyzer's GE2E speaker encoder re-implemented in numpy.

Why numpy: the default install must stay free of torch (gigabytes), yet GE2E embeddings are what
make the bundled diarizer work. The network is small (3-layer LSTM, 256 units, 40 mel inputs), so
batched numpy matmuls run it at about RTF 0.01 on two cores. Everything here mirrors
``resemblyzer/audio.py``, ``hparams.py`` and ``voice_encoder.py`` (0.1.4): a *power* mel spectrogram
(librosa defaults: centred Hann STFT, n_fft 400, hop 160, Slaney mel filters; not a log-mel),
volume normalised up to -30 dBFS, then LSTM → final hidden state of the last layer → Linear → ReLU
→ L2 normalisation.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.diarization.torch_pickle import load_legacy_checkpoint
from models.errors import GijirokuError
from models.types import SAMPLE_RATE

N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
FRAMES_PER_SECOND = SAMPLE_RATE // HOP
TARGET_DBFS = -30.0
_LAYERS = 3


def hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    """Slaney's mel scale (librosa's default, ``htk=False``): linear below 1 kHz, log above."""
    hz = np.asarray(hz, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    linear = hz / f_sp
    log = min_log_mel + np.log(np.maximum(hz, min_log_hz) / min_log_hz) / logstep
    return np.where(hz >= min_log_hz, log, linear)


def mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(mel >= min_log_mel, min_log_hz * np.exp(logstep * (mel - min_log_mel)), f_sp * mel)


def mel_filterbank(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> np.ndarray:
    """``librosa.filters.mel(sr, n_fft, n_mels)``: triangles on the Slaney scale, each of area 1 Hz⁻¹."""
    fft_freqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.astype(np.float32)


_MEL_BASIS = mel_filterbank()
_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)  # periodic Hann


def mel_spectrogram(wav: np.ndarray, chunk_frames: int = 20_000) -> np.ndarray:
    """Power mel spectrogram, shape (frames, 40), frame i centred on sample ``i * 160``.

    Computed in chunks of frames so a two-hour recording never holds its whole STFT in memory.
    """
    wav = np.asarray(wav, dtype=np.float32)
    pad = N_FFT // 2
    padded = np.pad(wav, pad, mode="reflect") if len(wav) > pad else np.pad(wav, pad)
    n_frames = 1 + len(wav) // HOP
    out = np.empty((n_frames, N_MELS), dtype=np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    for start in range(0, n_frames, chunk_frames):
        block = frames[start : start + chunk_frames] * _WINDOW
        power = np.abs(np.fft.rfft(block, axis=1)).astype(np.float32) ** 2
        out[start : start + len(block)] = power @ _MEL_BASIS.T
    return out


def volume_gain(mean_square: float) -> float:
    """The factor Resemblyzer's ``normalize_volume(wav, -30, increase_only=True)`` applies to a
    waveform whose mean square (float samples) is ``mean_square``; only ever raises the level."""
    if mean_square <= 0:
        return 1.0
    change = TARGET_DBFS - 10 * np.log10(mean_square)
    return float(10 ** (change / 20)) if change > 0 else 1.0


def resemblyzer_weights_path() -> Path:
    """Where ``pip install --no-deps resemblyzer`` put ``pretrained.pt``, found without importing it
    (its ``__init__`` imports torch and librosa)."""
    spec = importlib.util.find_spec("resemblyzer")
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location) / "pretrained.pt"
        if path.is_file():
            return path
    raise GijirokuError(
        "diarizer_weights_missing",
        "話者識別モデル（Resemblyzer の pretrained.pt）が見つかりません。"
        "`pip install --no-deps resemblyzer==0.1.4` を実行してください。",
        "Speaker-encoder weights (Resemblyzer's pretrained.pt) not found; "
        "run `pip install --no-deps resemblyzer==0.1.4`.",
        status=500,
    )


@dataclass(frozen=True)
class _LstmLayer:
    """One LSTM layer with its gate blocks reordered from torch's (i, f, g, o) to (i, f, o, g), so
    the three sigmoid gates form one contiguous slice and take one in-place pass per time step."""

    w_ih_t: np.ndarray  # (in, 4H)
    w_hh_t: np.ndarray  # (H, 4H)
    bias: np.ndarray  # (4H,) = b_ih + b_hh

    @classmethod
    def from_torch(cls, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray) -> _LstmLayer:
        hidden = w_hh.shape[1]
        order = np.concatenate([np.arange(k * hidden, (k + 1) * hidden) for k in (0, 1, 3, 2)])
        return cls(
            np.ascontiguousarray(w_ih[order].T),
            np.ascontiguousarray(w_hh[order].T),
            (b_ih + b_hh)[order],
        )

    def run(self, x: np.ndarray, chunk_steps: int = 25) -> np.ndarray:
        """(T, B, in) → hidden states (T, B, H), in place where numpy allows (this is the hot loop).

        The input projection is one large matmul per ``chunk_steps`` time steps: large enough to be
        efficient, small enough that a batch of 512 windows needs ~50 MB for it.
        """
        steps, batch, _ = x.shape
        hidden = self.w_hh_t.shape[0]
        h = np.zeros((batch, hidden), dtype=np.float32)
        c = np.zeros((batch, hidden), dtype=np.float32)
        gates = np.empty((batch, 4 * hidden), dtype=np.float32)
        outputs = np.empty((steps, batch, hidden), dtype=np.float32)
        sig, g = gates[:, : 3 * hidden], gates[:, 3 * hidden :]
        i, f, o = sig[:, :hidden], sig[:, hidden : 2 * hidden], sig[:, 2 * hidden :]
        for t in range(steps):
            if t % chunk_steps == 0:
                pre = x[t : t + chunk_steps] @ self.w_ih_t + self.bias
            np.matmul(h, self.w_hh_t, out=gates)
            gates += pre[t % chunk_steps]
            sig *= 0.5  # sigmoid(x) = (1 + tanh(x / 2)) / 2: one tanh, no overflow
            np.tanh(sig, out=sig)
            sig += 1.0
            sig *= 0.5
            np.tanh(g, out=g)
            c *= f
            g *= i
            c += g
            h = outputs[t]
            np.tanh(c, out=h)
            h *= o
        return outputs


class SpeakerEncoder:
    """GE2E d-vectors for fixed-length mel windows; the weights are read once, in the constructor."""

    def __init__(self, weights: Path | None = None) -> None:
        path = weights or resemblyzer_weights_path()
        try:
            state = load_legacy_checkpoint(path)["model_state"]
        except (OSError, ValueError, KeyError) as exc:
            raise GijirokuError(
                "diarizer_weights_invalid",
                f"話者識別モデルを読み込めません: {path}",
                f"Cannot read the speaker-encoder weights: {path} ({exc})",
                status=500,
            ) from exc
        self.layers = [
            _LstmLayer.from_torch(
                state[f"lstm.weight_ih_l{k}"],
                state[f"lstm.weight_hh_l{k}"],
                state[f"lstm.bias_ih_l{k}"],
                state[f"lstm.bias_hh_l{k}"],
            )
            for k in range(_LAYERS)
        ]
        self.linear_w_t = np.ascontiguousarray(state["linear.weight"].T)
        self.linear_b = state["linear.bias"]

    def forward(self, mels: np.ndarray) -> np.ndarray:
        """Embed a batch of mel windows (B, T, 40) → (B, 256) L2-normalised, as ``VoiceEncoder.forward``."""
        x = np.ascontiguousarray(np.swapaxes(mels.astype(np.float32, copy=False), 0, 1))
        for layer in self.layers:
            x = layer.run(x)
        h = x[-1]
        raw = np.maximum(h @ self.linear_w_t + self.linear_b, 0.0)
        norm = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.maximum(norm, 1e-12)

    def embed_windows(
        self,
        mel: np.ndarray,
        starts: np.ndarray,
        length: int,
        *,
        batch_size: int = 512,
        progress: Callable[[float], None] | None = None,
    ) -> np.ndarray:
        """Embed ``mel[s : s + length]`` for each start frame, in batches to bound memory."""
        out = np.empty((len(starts), self.linear_b.shape[0]), dtype=np.float32)
        for lo, hi in _batches(len(starts), batch_size):
            idx = starts[lo:hi, None] + np.arange(length)[None, :]
            out[lo:hi] = self.forward(mel[idx])
            if progress:
                progress(hi / len(starts))
        return out


def _batches(n: int, size: int) -> Iterator[tuple[int, int]]:
    for lo in range(0, n, size):
        yield lo, min(n, lo + size)
