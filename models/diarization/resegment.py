"""Frame-level speaker decisions from window scores: Viterbi smoothing with a switch penalty.

Windows are over a second long and overlap (1.25 s every 0.5 s by default), so a window-level
argmax places speaker changes up to a window's length off and flickers on ambiguous windows.
Spreading each window's similarity to every speaker over the frames it covers and decoding the best
path with a cost per speaker change gives clean turns; the change cost is much lower across a
pause, where meetings change speakers.
"""

from __future__ import annotations

import numpy as np

from models.types import SpeakerSegment

FRAME_S = 0.05
BLIP_S = 0.5  # the longest run ``absorb_blips`` gives back to the speaker on both sides


def frame_scores(
    window_starts: np.ndarray, window_s: float, similarities: np.ndarray, n_frames: int
) -> tuple[np.ndarray, np.ndarray]:
    """Average each frame's similarity to each speaker over the windows covering it.

    Returns (scores (n_frames, k), covered (n_frames,) bool). Uses cumulative sums over window
    boundaries, so it is linear in windows + frames.
    """
    k = similarities.shape[1]
    lo = np.clip(np.round(window_starts / FRAME_S).astype(int), 0, n_frames)
    hi = np.clip(np.round((window_starts + window_s) / FRAME_S).astype(int), 0, n_frames)
    total = np.zeros((n_frames + 1, k))
    count = np.zeros(n_frames + 1)
    np.add.at(total, lo, similarities)
    np.add.at(total, hi, -similarities)
    np.add.at(count, lo, 1)
    np.add.at(count, hi, -1)
    total, count = np.cumsum(total, 0)[:-1], np.cumsum(count)[:-1]
    covered = count > 0.5
    scores = np.where(covered[:, None], total / np.maximum(count, 1)[:, None], 0.0)
    return scores, covered


def viterbi(scores: np.ndarray, switch_cost: np.ndarray) -> np.ndarray:
    """Best label path maximising Σ score − Σ switch_cost[t] over frames t where the label changes.

    ``switch_cost[t]`` is the cost of changing between frame t-1 and t.
    """
    n, k = scores.shape
    back = np.zeros((n, k), dtype=np.int32)
    acc = scores[0].copy()
    for t in range(1, n):
        best_prev = int(np.argmax(acc))
        stay = acc
        move = acc[best_prev] - switch_cost[t]
        back[t] = np.where(stay >= move, np.arange(k), best_prev)
        acc = np.maximum(stay, move) + scores[t]
    path = np.empty(n, dtype=np.int32)
    path[-1] = int(np.argmax(acc))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def regions_to_frames(regions: list[tuple[float, float]], n_frames: int) -> np.ndarray:
    speech = np.zeros(n_frames, dtype=bool)
    for start, end in regions:
        speech[int(round(start / FRAME_S)) : int(round(end / FRAME_S))] = True
    return speech


def frames_to_segments(labels: np.ndarray, speech: np.ndarray) -> list[SpeakerSegment]:
    """Runs of speech frames with one label → segments named SPEAKER_00.. by first appearance."""
    names: dict[int, str] = {}
    segments: list[SpeakerSegment] = []
    run_start = None
    for t in range(len(labels) + 1):
        ends = t == len(labels) or not speech[t] or (run_start is not None and labels[t] != labels[run_start])
        if run_start is not None and ends:
            label = int(labels[run_start])
            name = names.setdefault(label, f"SPEAKER_{len(names):02d}")
            segments.append(SpeakerSegment(round(run_start * FRAME_S, 3), round(t * FRAME_S, 3), name))
            run_start = None
        if t < len(labels) and speech[t] and run_start is None:
            run_start = t
    return segments


def absorb_blips(labels: np.ndarray, speech: np.ndarray, max_frames: int, max_gap_frames: int) -> np.ndarray:
    """Give a speech run of at most ``max_frames`` back to the speaker on both sides of it.

    A filler such as 「えー」 said between two of one speaker's sentences sounds unlike that speaker's
    words, and across the pauses around it a speaker change is cheap, so it can come out as a 0.4 s
    turn of somebody else; only runs with the same speaker within ``max_gap_frames`` on both sides
    are given back, so a short reply between two different speakers stays.
    """
    idx = np.flatnonzero(speech)
    if idx.size == 0:
        return labels
    cuts = np.flatnonzero(np.diff(labels[idx])) + 1
    runs = [(int(r[0]), int(r[-1])) for r in np.split(idx, cuts)]  # first and last frame of each run
    out = labels.copy()
    for (_, before_end), (start, end), (after_start, _) in zip(runs, runs[1:], runs[2:], strict=False):
        same_sides = labels[before_end] == labels[after_start]
        close = start - before_end <= max_gap_frames and after_start - end <= max_gap_frames
        if same_sides and close and end - start + 1 <= max_frames:
            out[start : end + 1] = labels[before_end]
    return out


def resegment(
    regions: list[tuple[float, float]],
    window_starts: np.ndarray,
    window_s: float,
    similarities: np.ndarray,
    duration: float,
    *,
    switch_penalty: float = 2.0,
    pause_discount: float = 0.1,
    blip_s: float = BLIP_S,
) -> list[SpeakerSegment]:
    """Speaker segments over the speech ``regions`` given each window's similarity to each speaker."""
    n_frames = max(1, int(np.ceil(duration / FRAME_S)))
    speech = regions_to_frames(regions, n_frames)
    scores, _ = frame_scores(window_starts, window_s, similarities, n_frames)
    idx = np.flatnonzero(speech)
    if idx.size == 0:
        return []
    cost = np.full(idx.size, switch_penalty)
    cost[1:][np.diff(idx) > 1] *= pause_discount  # a pause separates these speech frames
    labels = np.zeros(n_frames, dtype=np.int32)
    labels[idx] = viterbi(scores[idx], cost)
    blip = int(round(blip_s / FRAME_S))
    return frames_to_segments(absorb_blips(labels, speech, blip, blip), speech)
