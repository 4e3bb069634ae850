"""The default diarizer: Silero VAD → GE2E windows (+ their F0) → spectral clustering → Viterbi resegmentation.

Needs nothing beyond the default install (numpy, onnxruntime via faster-whisper, and the Resemblyzer
weights file). Measured on the dev corpus and pyannote's sample: DER < 10 % at RTF ≈ 0.02–0.03 on
two cores. Memory is bounded for long recordings: the mel spectrogram is 40 floats per 10 ms,
windows are embedded in batches, and the affinity matrix is built on at most ``max_cluster_points``
windows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from models.diarization.clustering import spectral_centroids
from models.diarization.ge2e import FRAMES_PER_SECOND, SpeakerEncoder, mel_spectrogram, volume_gain
from models.diarization.pitch import f0_track, window_pitch
from models.diarization.resegment import BLIP_S, resegment
from models.diarization.single import one_speaker
from models.quality import BANDWIDTH_HZ, estimate_quality
from models.types import NO_HINT, SAMPLE_RATE, SpeakerCountHint, SpeakerSegment
from models.vad import speech_regions, widen


@dataclass(frozen=True)
class BundledConfig:
    # 1.25 s windows every 0.5 s (docs/benchmarks.md): short turns such as 「鈴木委員。」 get windows
    # of their own, and five voices in noisy audio stay apart, which 1.5 s / 0.75 s did not manage.
    window_s: float = 1.25
    hop_s: float = 0.5
    max_cluster_points: int = 1500
    neighbour_fraction: float = 0.05  # share of windows kept as each window's graph neighbours
    # Viterbi cost of a speaker change inside continuous speech, multiplied by pause_discount
    # across a pause. 0.5, not 2.0: a 1 s reply inside a region without a 0.3 s pause (pyannote's
    # sample: 7.55-8.35 s) was given to the other voice; 0.5 kept or lowered the pooled DER on
    # every condition of the degraded grid but telephone (+0.4) (docs/benchmarks.md).
    switch_penalty: float = 0.5
    pause_discount: float = 0.1
    # Segments are reported over the VAD regions widened by this much more on each side (0.1 s
    # pad + 0.1 s): on the degraded grid missed speech fell by 40-85 % for 2.4-4.1 s more false
    # alarm per 342 s condition (docs/benchmarks.md, "Diarization on the degraded grid").
    output_pad_s: float = 0.1
    # ... and, on band-limited audio (bandwidth under quality's 4.5 kHz "fair" limit: a phone line),
    # over the VAD's regions at this lower threshold: Silero's probabilities stay low on such speech
    # and 0.5 missed 38 s of the grid's telephone speech (0.35: 5 s; DER 16.0 -> 7.6 %). Applied
    # everywhere it cost 1.7 points of DER on 10 dB babble, so it is kept to narrowband audio.
    narrowband_vad_threshold: float = 0.35


def window_starts(regions: list[tuple[float, float]], window_s: float, hop_s: float, duration: float) -> np.ndarray:
    """Start times of embedding windows: tiled over each speech region and aligned to its end, so
    windows rarely straddle the pauses where speakers change; a region shorter than a window gets
    one window centred on it."""
    starts: list[float] = []
    latest = max(0.0, duration - window_s)
    for start, end in regions:
        length = end - start
        if length <= window_s:
            starts.append(min(max(0.0, start + length / 2 - window_s / 2), latest))
            continue
        n = int(np.ceil((length - window_s) / hop_s))
        tiled = start + hop_s * np.arange(n)
        starts.extend(min(s, latest) for s in tiled)
        starts.append(min(end - window_s, latest))
    return np.array(sorted(set(starts)), dtype=np.float64)


class BundledDiarizer:
    def __init__(self, config: BundledConfig | None = None) -> None:
        self.config = config or BundledConfig()
        self.encoder = SpeakerEncoder()  # reads the weights now: a missing file fails at load time

    def diarize(
        self,
        audio: np.ndarray,
        *,
        speakers: SpeakerCountHint = NO_HINT,
        progress: Callable[[float], None] | None = None,
    ) -> list[SpeakerSegment]:
        cfg = self.config
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        duration = len(audio) / SAMPLE_RATE
        regions = speech_regions(audio)
        if progress:
            progress(0.05)
        if not regions:
            return []
        windows = self.embed(audio, regions, progress=(lambda f: progress(0.05 + 0.85 * f)) if progress else None)
        if windows is None:  # recording shorter than one window
            return one_speaker(regions)
        starts, emb = windows
        centroids = spectral_centroids(
            emb,
            speakers,
            max_points=cfg.max_cluster_points,
            neighbour_fraction=cfg.neighbour_fraction,
            # F0 vetoes merging two voices GE2E confuses on degraded audio (clustering.pitch_vetoes);
            # a given speaker count skips the merge check, so its pitch track would go unused
            pitch=window_pitch(f0_track(audio), starts, cfg.window_s) if speakers.num is None else None,
            # turns of one cluster that sound like another voice are split off (clustering.split_distinct_turns)
            starts=starts,
            window_s=cfg.window_s,
        )
        segments = resegment(
            widen(self.output_regions(audio, regions), cfg.output_pad_s, duration),
            starts,
            cfg.window_s,
            emb @ centroids.T,
            duration,
            switch_penalty=cfg.switch_penalty,
            pause_discount=cfg.pause_discount,
            # the blip rule's 0.5 s is of unwidened speech: widening adds output_pad_s on each side
            # (a 0.45 s 「えー」 between one speaker's sentences came out as a third speaker's turn)
            blip_s=BLIP_S + 2 * cfg.output_pad_s,
        )
        if progress:
            progress(1.0)
        return segments

    def output_regions(self, audio: np.ndarray, regions: list[tuple[float, float]]) -> list[tuple[float, float]]:
        """The speech regions segments are reported over: the windows' own, or on band-limited
        audio those of a lower VAD threshold (``BundledConfig.narrowband_vad_threshold``)."""
        bandwidth = estimate_quality(audio).bandwidth_hz
        if bandwidth is None or bandwidth >= BANDWIDTH_HZ[0]:
            return regions
        return speech_regions(audio, threshold=self.config.narrowband_vad_threshold) or regions

    def embed(
        self,
        audio: np.ndarray,
        regions: list[tuple[float, float]],
        progress: Callable[[float], None] | None = None,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """(window start seconds, GE2E embeddings) over the speech ``regions``; None when the
        recording is shorter than one window. Also what scripts/make_diarization_fixture.py stores."""
        cfg = self.config
        starts = window_starts(regions, cfg.window_s, cfg.hop_s, len(audio) / SAMPLE_RATE)
        mel = mel_spectrogram(audio)
        mel *= volume_gain(_mean_square(audio, regions)) ** 2  # power mel: gain² == scaling the audio
        length = int(round(cfg.window_s * FRAMES_PER_SECOND))
        frame_starts = np.minimum(np.round(starts * FRAMES_PER_SECOND).astype(int), len(mel) - length)
        if frame_starts.size == 0 or frame_starts.min() < 0:
            return None
        return starts, self.encoder.embed_windows(mel, frame_starts, length, progress=progress)


def _mean_square(audio: np.ndarray, regions: list[tuple[float, float]]) -> float:
    total, count = 0.0, 0
    for start, end in regions:
        part = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)].astype(np.float64)
        total += float(np.dot(part, part))
        count += part.size
    return total / max(count, 1)
