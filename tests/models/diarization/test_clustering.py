import numpy as np

from models.diarization.clustering import spectral_centroids
from models.diarization.resegment import absorb_blips, frames_to_segments, viterbi
from models.types import SpeakerCountHint


def _clusters(sizes: list[int], spread: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors scattered around random non-negative centres (like GE2E d-vectors)."""
    rng = np.random.default_rng(seed)
    centres = np.abs(rng.normal(size=(len(sizes), 64)))
    points = np.concatenate(
        [c + spread * np.abs(rng.normal(size=(n, 64))) for c, n in zip(centres, sizes, strict=True)]
    )
    labels = np.repeat(np.arange(len(sizes)), sizes)
    return points / np.linalg.norm(points, axis=1, keepdims=True), labels


def _purity(emb: np.ndarray, centroids: np.ndarray, labels: np.ndarray) -> float:
    found = np.argmax(emb @ centroids.T, axis=1)
    return sum(np.bincount(found[labels == k]).max() for k in np.unique(labels)) / len(labels)


def test_eigengap_finds_the_number_of_speakers_even_when_unbalanced():
    emb, labels = _clusters([120, 60, 25])
    centroids = spectral_centroids(emb, SpeakerCountHint())
    assert len(centroids) == 3
    assert _purity(emb, centroids, labels) > 0.98


def test_hints_bound_the_count():
    emb, _ = _clusters([80, 80, 80, 80])
    assert len(spectral_centroids(emb, SpeakerCountHint(num=2))) == 2
    assert len(spectral_centroids(emb, SpeakerCountHint(max=3))) <= 3
    assert len(spectral_centroids(emb, SpeakerCountHint(num=1))) == 1


def test_subsampling_keeps_memory_bounded_and_still_separates():
    emb, labels = _clusters([3000, 2000])
    centroids = spectral_centroids(emb, SpeakerCountHint(), max_points=400)
    assert len(centroids) == 2
    assert _purity(emb, centroids, labels) > 0.99


def test_viterbi_ignores_a_short_blip_but_follows_a_real_change():
    scores = np.zeros((60, 2))
    scores[:, 0] = 1.0
    scores[10:12] = [0.0, 1.0]  # 2 frames of evidence for speaker 1: cheaper to ignore
    scores[30:] = [0.0, 1.0]  # a lasting change
    path = viterbi(scores, np.full(60, 3.0))
    assert (path[:30] == 0).all() and (path[30:] == 1).all()


def test_segments_are_named_by_first_appearance_and_split_at_pauses():
    labels = np.array([2, 2, 2, 0, 0, 2, 2])
    speech = np.array([True, True, False, True, True, True, True])
    segs = frames_to_segments(labels, speech)
    assert [(s.speaker, round(s.start, 2), round(s.end, 2)) for s in segs] == [
        ("SPEAKER_00", 0.0, 0.1),
        ("SPEAKER_01", 0.15, 0.25),
        ("SPEAKER_00", 0.25, 0.35),
    ]


def test_a_short_run_between_two_runs_of_one_speaker_is_given_back():
    speech = np.ones(60, dtype=bool)
    speech[20:24] = speech[32:36] = False  # pauses around the filler
    labels = np.zeros(60, dtype=np.int32)
    labels[24:32] = 1  # 0.4 s "えー" of speaker 0 labelled 1
    np.testing.assert_array_equal(absorb_blips(labels, speech, 10, 10), np.zeros(60))
    labels[36:] = 2  # ... but between two different speakers it is a reply and stays
    assert (absorb_blips(labels, speech, 10, 10)[24:32] == 1).all()
    labels[36:] = 0
    labels[20:40] = 1  # longer than max_frames: stays
    assert (absorb_blips(labels, speech, 10, 10)[24:32] == 1).all()
