"""Spectral clustering of speaker embeddings with an eigengap estimate of the speaker count.

Agglomerative clustering with a fixed cosine threshold was brittle across recordings (the right
threshold moves with noise and voice similarity); the eigengap of a pruned, soft affinity graph
adapts to each recording, and so does the graph's pruning (``auto_neighbours``). The graph is built
on a bounded subsample so memory stays O(n_max²) whatever the recording length; all windows are then
assigned to the resulting centroids.
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
    """The graph pruning that makes the speaker count clearest (NME-SC, Park et al. 2019).

    A fixed neighbour count is fragile: on a short recording a handful of neighbours splits one
    voice into several components (six "speakers" in a 30 s two-person dialogue), while on a long
    one it can merge similar voices. Each candidate count p is scored by p / (largest eigengap in
    [low, high]); the smallest ratio wins: the sparsest graph whose gap is still clear.
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


def spectral_centroids(
    emb: np.ndarray,
    hint: SpeakerCountHint,
    *,
    max_points: int = 1500,
    neighbour_fraction: float = 0.05,
    seed: int = 0,
) -> np.ndarray:
    """Cluster L2-normalised embeddings; return one unit-norm centroid per speaker, shape (k, d)."""
    rng = np.random.default_rng(seed)
    sample = emb
    if len(emb) > max_points:
        sample = emb[np.sort(rng.choice(len(emb), max_points, replace=False))]
    low, high = hint.bounds(len(sample))
    if high == 1 or len(sample) < 3:
        return _normalise(sample.mean(0, keepdims=True))
    high = min(high, len(sample) - 1)
    neighbours = auto_neighbours(sample, low, high, neighbour_count(len(sample), neighbour_fraction))
    values, vectors = laplacian_spectrum(soft_affinity(sample, neighbours))
    k = eigengap_count(values, low, high)
    if k == 1:
        return _normalise(sample.mean(0, keepdims=True))
    spectral = _normalise(vectors[:, :k])
    labels = kmeans(spectral, k, rng)
    centroids = np.array([sample[labels == j].mean(0) for j in range(k) if np.any(labels == j)])
    return refine_centroids(emb, _normalise(centroids))


def refine_centroids(emb: np.ndarray, centroids: np.ndarray, iters: int = 3) -> np.ndarray:
    """A few spherical k-means steps over *all* windows, so centroids fit windows left out of the
    subsample; a centroid that loses every window is dropped."""
    for _ in range(iters):
        labels = np.argmax(emb @ centroids.T, axis=1)
        kept = [emb[labels == j].mean(0) for j in range(len(centroids)) if np.any(labels == j)]
        centroids = _normalise(np.array(kept))
    return centroids


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
