"""Spectral clustering of speaker embeddings, then a merge check that holds the speaker count.

Agglomerative clustering with a fixed cosine threshold was brittle across recordings (the right
threshold moves with noise and voice similarity), and so was the eigengap alone: on reverberant,
noisy or compressed audio (issue 12) a graph dense enough to keep one voice together merged a
speaker with 4 s of speech into another (3 of 5 speakers), while a sparse one split one voice in
two. So the graph stays sparse (``neighbour_fraction`` of the windows, the share a short speaker
holds), the eigengap proposes a count of at least two, and clusters whose debiased centroid
similarity (``voice_similarity``) says "one voice" are merged back, down to the hint's minimum,
unless their median F0 says two voices (``pitch_vetoes``: GE2E alone confused voices on noisy audio).
Voices the count graph never separated (three small voices in one cluster on reverberant audio) are
looked for at turn level afterwards (``split_distinct_turns``).
The graph is built on a bounded subsample so memory stays O(n_max²) whatever the recording length;
all windows are then assigned to the resulting centroids.
"""

from __future__ import annotations

import numpy as np

from models.types import SpeakerCountHint


def soft_affinity(emb: np.ndarray, neighbours: int) -> np.ndarray:
    """Cosine affinity pruned to each row's ``neighbours`` most similar windows, then symmetrised.

    The kept weights stay soft (the cosine itself, not 1): near-duplicate windows weigh more than
    borderline ones. Pruning makes each speaker a nearly separate component, so the Laplacian has
    about one near-zero eigenvalue per speaker and the eigengap after them is clear.
    """
    sim = np.clip(emb @ emb.T, 0.0, 1.0)
    n = len(sim)
    p = min(max(1, neighbours), n)
    kth = np.partition(sim, n - p, axis=1)[:, n - p][:, None]
    aff = np.where(sim >= kth, sim, 0.0)
    return np.maximum(aff, aff.T)


def neighbour_count(n: int, fraction: float, minimum: int = 4) -> int:
    """Neighbours kept per window: a fraction of the windows, so that a speaker holding at least
    about that share of the speech can form a component of its own."""
    return max(minimum, int(np.ceil(fraction * n)))


def laplacian(aff: np.ndarray) -> np.ndarray:
    """The symmetric normalised Laplacian I - D^-½ A D^-½."""
    d = 1.0 / np.sqrt(np.maximum(aff.sum(axis=1), 1e-12))
    return np.eye(len(aff)) - d[:, None] * aff * d[None, :]


def laplacian_spectrum(aff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ascending eigenvalues/vectors of ``laplacian(aff)``."""
    return np.linalg.eigh(laplacian(aff))


def eigengaps(eigenvalues: np.ndarray, low: int, high: int) -> np.ndarray:
    """The jumps of the ascending spectrum after the k-th eigenvalue, for k = low .. high."""
    return np.diff(eigenvalues[: high + 1])[low - 1 : high]


def eigengap_count(eigenvalues: np.ndarray, low: int, high: int) -> int:
    """The k in [low, high] after which the Laplacian spectrum jumps the most."""
    return int(low + np.argmax(eigengaps(eigenvalues, low, high)))


def auto_neighbours(sample: np.ndarray, low: int, high: int, smallest: int, candidates: int = 8) -> int:
    """The graph pruning that makes a count of ``low``..``high`` clearest (NME-SC, Park et al. 2019).

    Used to split the windows once the count is known: on a short recording the counting graph's
    handful of neighbours splits one voice's noisy windows apart, while a denser one keeps them
    together. Each candidate count p is scored by p / (largest eigengap in [low, high]); the
    smallest ratio wins: the sparsest graph whose gap is still clear.
    """
    n = len(sample)
    largest = min(2 * smallest, max(smallest, n // 4))
    best, best_ratio = smallest, np.inf
    for p in np.unique(np.geomspace(smallest, largest, candidates).astype(int)):
        values = np.linalg.eigvalsh(laplacian(soft_affinity(sample, int(p))))
        gap = float(np.max(eigengaps(values, low, high)))
        ratio = p / max(gap, 1e-9)
        if ratio < best_ratio:
            best, best_ratio = int(p), ratio
    return best


def kmeans(points: np.ndarray, k: int, rng: np.random.Generator, restarts: int = 10, iters: int = 50) -> np.ndarray:
    """Plain Lloyd k-means with k-means++ seeding; returns labels of the best of ``restarts``."""
    best_labels, best_cost = np.zeros(len(points), dtype=int), np.inf
    for _ in range(restarts):
        seeds = [points[rng.integers(len(points))]]
        for _ in range(1, k):
            d2 = np.min(((points[:, None] - np.array(seeds)[None]) ** 2).sum(-1), axis=1)
            seeds.append(points[rng.choice(len(points), p=d2 / d2.sum())] if d2.sum() > 0 else seeds[0])
        centres = np.array(seeds)
        for _ in range(iters):
            labels = np.argmin(((points[:, None] - centres[None]) ** 2).sum(-1), axis=1)
            new = np.array([points[labels == j].mean(0) if np.any(labels == j) else centres[j] for j in range(k)])
            if np.allclose(new, centres):
                break
            centres = new
        cost = ((points - centres[labels]) ** 2).sum()
        if cost < best_cost:
            best_labels, best_cost = labels, cost
    return best_labels


# Debiased centroid cosine above which two clusters are one voice. GE2E windows of one speaker,
# split in halves, score 0.915-0.99 on the dev set (clean to 10 dB far-field); two different voices
# scored at most 0.886 on the synthetic corpus and 0.91 on pyannote's real sample (docs/benchmarks.md).
SAME_VOICE = 0.9
MIN_CLUSTER_WINDOWS = 3  # fewer windows than this (about 2 s of speech) cannot be told apart as a voice
# The pitch veto (``merge_same_voice``): on the degraded grid two different voices reached 0.90-0.94,
# so a pair under SURE_VOICE whose median F0 differ by PITCH_VETO_ST or more is kept apart. With
# oracle labels one voice's halves (PITCH_MIN_WINDOWS pitched windows each, 7.5 s of voicing) differed
# by median 0.5, p90 1.5 semitones, different voices by median 13; with fewer windows a median is one
# phrase's intonation, not the voice's register. Above SURE_VOICE GE2E decides alone: a band that
# removes a low voice's fundamental gives octave errors (a far-field chair's two clusters, 0.977, were
# 5.7 semitones apart). docs/benchmarks.md, "Diarization speaker count on the degraded grid (session 6)".
SURE_VOICE = 0.95
PITCH_VETO_ST = 3.0
PITCH_MIN_WINDOWS = 15
# The turn split (``split_distinct_turns``). Windows of a cluster more than TURN_GAP_S apart (end to
# start) belong to different turns. With oracle labels a turn of MIN_TURN_WINDOWS (3.75 s) or more
# scored >= 0.954 against the rest of its cluster when both were one voice, 0.897-0.948 when the turn
# was another voice; shorter turns of one voice went down to 0.873. docs/benchmarks.md, "Diarization:
# splitting a cluster of several voices (session 7)".
# APART_TURN: those turns scored <= 0.844 against every other cluster; a mixed turn of pyannote's
# sample (1.5 s / 0.5 s windows) that must stay scored 0.886.
TURN_GAP_S = 1.0
MIN_TURN_WINDOWS = 6
DISTINCT_TURN = 0.94
APART_TURN = 0.865


def spectral_centroids(
    emb: np.ndarray,
    hint: SpeakerCountHint,
    *,
    max_points: int = 1500,
    neighbour_fraction: float = 0.05,
    same_voice: float = SAME_VOICE,
    pitch: np.ndarray | None = None,
    starts: np.ndarray | None = None,
    window_s: float = 1.25,
    seed: int = 0,
) -> np.ndarray:
    """Cluster L2-normalised embeddings; return one unit-norm centroid per speaker, shape (k, d).

    ``pitch``: each window's median F0 in semitones (NaN if unvoiced, ``pitch.window_pitch``), used
    by the merge check's veto; None merges on GE2E alone. ``starts``: each window's start in seconds
    (windows ``window_s`` long), used to split a turn of another voice off a cluster
    (``split_distinct_turns``); None skips that check.
    """
    rng = np.random.default_rng(seed)
    sample = emb
    if len(emb) > max_points:
        chosen = np.sort(rng.choice(len(emb), max_points, replace=False))
        sample = emb[chosen]
        pitch = pitch[chosen] if pitch is not None else None
        starts = starts[chosen] if starts is not None else None
    low, high = hint.bounds(len(sample))
    if high == 1 or len(sample) < 3:
        return _normalise(sample.mean(0, keepdims=True))
    high = min(high, len(sample) - 1)
    neighbours = neighbour_count(len(sample), neighbour_fraction)
    values = np.linalg.eigvalsh(laplacian(soft_affinity(sample, neighbours)))
    # k = 1 is left to the merge check: λ₂ grows with the graph's density, not with the number of
    # voices, so its gap would win whenever two voices are close (far-field audio).
    k = eigengap_count(values, max(low, 2), high)
    # The count comes from the sparse graph; the windows are split on the graph that makes that
    # count clearest, where noisy windows of one voice stay connected (on pyannote's sample the
    # sparse graph's split cost 3 points of DER).
    vectors = laplacian_spectrum(soft_affinity(sample, auto_neighbours(sample, k, k, neighbours)))[1]
    labels = kmeans(_normalise(vectors[:, :k]), k, rng)
    groups = [np.flatnonzero(labels == j) for j in range(k) if np.any(labels == j)]
    if hint.num is None:
        groups = merge_same_voice(sample, groups, low, same_voice, pitch)
        if starts is not None:
            groups = split_distinct_turns(sample, groups, starts, window_s, high)
    centroids = np.array([sample[g].mean(0) for g in groups])
    return refine_centroids(emb, _normalise(centroids), low)


def voice_similarity(emb: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Cosine between the clusters' true centroids, estimated without each window's self-similarity.

    A plain centroid cosine depends on cluster size: the mean of five noisy windows is shorter than
    the mean of fifty, so small clusters of one voice look like different voices. Averaging the
    pairwise similarities of *distinct* windows (within: all pairs but i = j) removes that bias:
    S_ab / sqrt(S_aa S_bb) → 1 for two halves of one voice, whatever their sizes.
    """
    k = len(groups)
    sims = np.empty((k, k))
    for i, a in enumerate(groups):
        for j, b in enumerate(groups[i:], start=i):
            block = emb[a] @ emb[b].T
            if i == j:
                pairs = len(a) * (len(a) - 1)
                sims[i, i] = (block.sum() - np.trace(block)) / pairs if pairs else 1.0
            else:
                sims[i, j] = sims[j, i] = block.mean()
    norm = np.sqrt(np.maximum(np.diag(sims), 1e-12))
    return sims / norm[:, None] / norm[None, :]


def merge_same_voice(
    emb: np.ndarray,
    groups: list[np.ndarray],
    low: int,
    same_voice: float,
    pitch: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Merge the most similar pair of clusters while it is one voice (or one of them is too small
    to judge), never below ``low`` clusters; returns the surviving groups of window indexes.

    With ``pitch`` (per-window semitones), a pair that GE2E finds similar but not certainly one voice
    (under ``SURE_VOICE``) is not merged when both clusters' median F0 are known and differ by
    ``PITCH_VETO_ST`` or more (``pitch_vetoes``)."""
    groups = list(groups)
    while len(groups) > max(low, 1):
        sims = voice_similarity(emb, groups)
        np.fill_diagonal(sims, -np.inf)
        sizes = np.array([len(g) for g in groups])
        if sizes.min() < MIN_CLUSTER_WINDOWS:
            i = int(np.argmin(sizes))
            j = int(np.argmax(sims[i]))
        else:
            if pitch is not None:
                sims = np.where(pitch_vetoes(pitch, groups) & (sims < SURE_VOICE), -np.inf, sims)
            i, j = (int(x) for x in np.unravel_index(int(np.argmax(sims)), sims.shape))
            if sims[i, j] < same_voice:
                break
        keep, drop = min(i, j), max(i, j)
        groups[keep] = np.concatenate([groups[keep], groups[drop]])
        del groups[drop]
    return groups


def turns(starts: np.ndarray, members: np.ndarray, window_s: float, gap_s: float = TURN_GAP_S) -> list[np.ndarray]:
    """``members`` (window indexes) cut into turns: time-ordered runs in which no window starts more
    than ``gap_s`` after the previous one ends."""
    ordered = members[np.argsort(starts[members], kind="stable")]
    cuts = np.flatnonzero(starts[ordered][1:] - (starts[ordered][:-1] + window_s) > gap_s) + 1
    return np.split(ordered, cuts)


def split_distinct_turns(
    emb: np.ndarray,
    groups: list[np.ndarray],
    starts: np.ndarray,
    window_s: float,
    high: int,
    distinct: float = DISTINCT_TURN,
    apart: float = APART_TURN,
) -> list[np.ndarray]:
    """Split off each turn of a cluster that sounds like another voice than the rest of the cluster.

    Why: on reverberant or babble-noised audio soumu_iinkai's three female voices (one or two turns
    each, 5-10 s) form one component of the count graph, so the eigengap says 3 of 5 and no merge
    rule can help. A speaker who talks in a few contiguous turns is still separable at turn level:
    the mean of a turn's windows is far less noisy than one window. With oracle labels on the 29
    files of the degraded grid (and every one-voice set), a turn of ``MIN_TURN_WINDOWS`` or more
    windows scored a debiased similarity (``voice_similarity``) to the rest of its cluster of at
    least 0.954 when both were one voice (n = 700), and 0.897-0.948 when the turn was another voice
    (docs/benchmarks.md, "Diarization: splitting a cluster of several voices (session 7)").
    A turn is only judged when it is also unlike every other cluster (under ``apart``): a new cluster
    must be a new voice. Without that, on pyannote's sample with 1.5 s / 0.5 s windows (two voices
    0.88-0.91 apart, already mixed in both clusters) a 4 s turn of both voices scored 0.914 against
    its cluster and 0.886 against the other and became a third speaker; the turns split off on the
    grid scored at most 0.844 against every other cluster.
    The most distinct turn is split off while it scores under ``distinct``, then the turns split off
    one cluster are merged among themselves when they are one voice (``merge_same_voice``); they are
    not offered back to their cluster, whose 0.9 merge rule could not tell these voices apart. Never
    more than ``high`` clusters.
    """
    out: list[np.ndarray] = []
    for g, group in enumerate(groups):
        others = groups[:g] + groups[g + 1 :]
        rest = group
        pieces: list[np.ndarray] = []
        while len(out) + len(groups) - g + len(pieces) < high:
            candidates = [
                t
                for t in turns(starts, rest, window_s)
                if len(t) >= MIN_TURN_WINDOWS
                and len(rest) - len(t) >= MIN_TURN_WINDOWS
                and all(voice_similarity(emb, [t, o])[0, 1] < apart for o in others)
            ]
            if not candidates:
                break
            scores = [voice_similarity(emb, [t, np.setdiff1d(rest, t)])[0, 1] for t in candidates]
            best = int(np.argmin(scores))
            if scores[best] >= distinct:
                break
            pieces.append(candidates[best])
            rest = np.setdiff1d(rest, candidates[best])
        out.append(rest)
        out.extend(merge_same_voice(emb, pieces, 1, SAME_VOICE) if pieces else [])
    return out


def pitch_vetoes(pitch: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """(k, k) bool: True where both clusters have ``PITCH_MIN_WINDOWS`` pitched windows and their
    median F0 differ by at least ``PITCH_VETO_ST`` semitones."""
    medians = np.full(len(groups), np.nan)
    for i, g in enumerate(groups):
        voiced = pitch[g][~np.isnan(pitch[g])]
        if len(voiced) >= PITCH_MIN_WINDOWS:
            medians[i] = np.median(voiced)
    with np.errstate(invalid="ignore"):
        return np.abs(medians[:, None] - medians[None, :]) >= PITCH_VETO_ST  # NaN compares False


def refine_centroids(emb: np.ndarray, centroids: np.ndarray, low: int = 1, iters: int = 3) -> np.ndarray:
    """A few spherical k-means steps over *all* windows, so centroids fit windows left out of the
    subsample; a centroid that loses every window is dropped unless that would leave fewer than
    ``low`` (the caller's minimum speaker count), in which case it stays as it was."""
    for _ in range(iters):
        labels = np.argmax(emb @ centroids.T, axis=1)
        won = [j for j in range(len(centroids)) if np.any(labels == j)]
        kept = [emb[labels == j].mean(0) if j in won else centroids[j] for j in range(len(centroids))]
        if len(won) >= low:
            kept = [kept[j] for j in won]
        centroids = _normalise(np.array(kept))
    return centroids


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
