from pathlib import Path

import numpy as np
import pytest

from models.diarization.clustering import (
    APART_TURN,
    MIN_TURN_WINDOWS,
    PITCH_MIN_WINDOWS,
    PITCH_VETO_ST,
    SAME_VOICE,
    SURE_VOICE,
    merge_same_voice,
    spectral_centroids,
    split_distinct_turns,
    turns,
    voice_similarity,
)
from models.diarization.resegment import absorb_blips, frames_to_segments, viterbi
from models.types import SpeakerCountHint

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "diarization"


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
    pitch = np.where(labels == 0, 0.0, 12.0)  # per-window pitch is subsampled with the windows
    assert len(spectral_centroids(emb, SpeakerCountHint(), max_points=400, pitch=pitch)) == 2


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


def _degraded(condition: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Real GE2E windows of the 5-voice soumu_iinkai meeting after issue 12's degradations
    (scripts/make_diarization_fixture.py): (embeddings, reference speaker per window or -1,
    window starts)."""
    data = np.load(FIXTURES / f"soumu_iinkai.{condition}.windows.npz")
    emb = data["emb"].astype(np.float64)
    return emb / np.linalg.norm(emb, axis=1, keepdims=True), data["speaker"], data["starts"]


@pytest.mark.parametrize("condition", ["moderate", "snr10"])
def test_degraded_meeting_keeps_every_voice_including_a_four_second_one(condition):
    """Reverb + 18 dB noise + 48 kbps MP3 made the eigengap on a self-tuned dense graph merge the
    clerk (one 4 s turn) and another voice: 3 of 5 speakers (issue 12). The turn split must not
    add a sixth."""
    emb, speaker, starts = _degraded(condition)
    for centroids in (
        spectral_centroids(emb, SpeakerCountHint()),
        spectral_centroids(emb, SpeakerCountHint(), starts=starts),
    ):
        assert len(centroids) == 5
        assert _purity(emb[speaker >= 0], centroids, speaker[speaker >= 0]) > 0.95


@pytest.mark.parametrize("condition", ["moderate", "snr10"])
def test_one_degraded_voice_is_not_split_into_many(condition):
    emb, speaker, starts = _degraded(condition)
    for voice in np.unique(speaker[speaker >= 0]):
        mine = speaker == voice
        if mine.sum() >= 12:  # a voice with at least ~6 s of speech
            assert len(spectral_centroids(emb[mine], SpeakerCountHint(), starts=starts[mine])) <= 2


def test_hints_are_obeyed_strictly_on_degraded_audio():
    emb, _, _ = _degraded("moderate")
    assert len(spectral_centroids(emb, SpeakerCountHint(min=6))) == 6
    assert len(spectral_centroids(emb, SpeakerCountHint(max=3))) == 3
    assert len(spectral_centroids(emb, SpeakerCountHint(num=2))) == 2
    assert 2 <= len(spectral_centroids(emb, SpeakerCountHint(min=2, max=4))) <= 4


def test_voice_similarity_does_not_depend_on_cluster_size():
    """A plain centroid cosine calls 5 windows of a voice a different voice from 60 windows of it,
    because the mean of few noisy windows is short; the debiased one does not."""
    emb, _ = _clusters([65, 60], spread=0.6)
    small, large, other = np.arange(5), np.arange(5, 65), np.arange(65, 125)
    sims = voice_similarity(emb, [small, large, other])
    assert sims[0, 1] > 0.95 > sims[0, 2]
    centroid = lambda idx: emb[idx].mean(0) / np.linalg.norm(emb[idx].mean(0))  # noqa: E731
    assert centroid(small) @ centroid(large) < sims[0, 1]


def test_two_clusters_of_one_voice_are_merged_but_never_below_the_minimum():
    emb, _ = _clusters([60, 60], spread=0.3)
    groups = [np.arange(30), np.arange(30, 60), np.arange(60, 120)]
    merged = merge_same_voice(emb, groups, low=1, same_voice=0.9)
    assert sorted(len(g) for g in merged) == [60, 60]
    assert len(merge_same_voice(emb, groups, low=3, same_voice=0.9)) == 3


def _two_close_voices(cosine: float, n: int = 40, seed: int = 0) -> tuple[np.ndarray, list[np.ndarray]]:
    """Two clusters of unit vectors whose true centres have the given cosine (as two voices GE2E
    pulls together on reverberant or noisy audio)."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.normal(size=(64, 3)))[0].T
    tilt = np.sqrt(1 / cosine - 1)  # cos(c + t·a, c + t·b) = 1 / (1 + t²) for orthonormal c, a, b
    points = np.concatenate([basis[0] + tilt * basis[i] + 0.02 * rng.normal(size=(n, 64)) for i in (1, 2)])
    return points / np.linalg.norm(points, axis=1, keepdims=True), [np.arange(n), np.arange(n, 2 * n)]


def test_pitch_keeps_apart_two_voices_that_ge2e_finds_alike():
    emb, groups = _two_close_voices(0.92)
    assert SAME_VOICE <= voice_similarity(emb, groups)[0, 1] < SURE_VOICE
    assert len(merge_same_voice(emb, groups, low=1, same_voice=SAME_VOICE)) == 1  # GE2E alone: one voice
    apart = np.repeat([4.0, 4.0 + PITCH_VETO_ST + 1], 40)  # e.g. 126 Hz against 200 Hz
    assert len(merge_same_voice(emb, groups, low=1, same_voice=SAME_VOICE, pitch=apart)) == 2
    together = np.repeat([4.0, 4.0 + PITCH_VETO_ST - 1], 40)
    assert len(merge_same_voice(emb, groups, low=1, same_voice=SAME_VOICE, pitch=together)) == 1


def test_pitch_veto_needs_enough_voiced_windows_and_yields_to_a_sure_voice():
    emb, groups = _two_close_voices(0.92)
    apart = np.repeat([4.0, 4.0 + PITCH_VETO_ST + 1], 40)
    few = apart.copy()
    few[40 + PITCH_MIN_WINDOWS - 1 :] = np.nan  # one phrase's F0 says nothing of the voice's register
    assert len(merge_same_voice(emb, groups, low=1, same_voice=SAME_VOICE, pitch=few)) == 1
    emb, groups = _two_close_voices(0.97)  # octave errors must not split one voice GE2E is sure of
    assert voice_similarity(emb, groups)[0, 1] >= SURE_VOICE
    assert len(merge_same_voice(emb, groups, low=1, same_voice=SAME_VOICE, pitch=apart)) == 1


def _meeting_of_turns(voices: list[int], per_turn: int = 12) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Windows (1.25 s every 0.5 s) of consecutive turns 3 s apart, each turn spoken by ``voices[i]``
    of two voices GE2E finds alike (cosine 0.92: merged by the 0.9 rule, as on reverberant audio).
    Returns (embeddings, window starts, voice of each window)."""
    emb, groups = _two_close_voices(0.92, n=per_turn * len(voices))
    taken = [0, 0]
    rows: list[int] = []
    starts: list[float] = []
    owner: list[int] = []
    for turn, voice in enumerate(voices):
        rows.extend(groups[voice][taken[voice] : taken[voice] + per_turn])
        taken[voice] += per_turn
        starts.extend(turn * (0.5 * per_turn + 3.0) + 0.5 * np.arange(per_turn))
        owner.extend([voice] * per_turn)
    return emb[rows], np.array(starts), owner


def test_turns_are_cut_at_pauses_longer_than_the_gap():
    starts = np.array([0.0, 0.5, 1.0, 3.5, 4.0, 9.0])  # 1.25 s windows: gaps of 1.25 s and 3.75 s
    assert [t.tolist() for t in turns(starts, np.array([5, 0, 1, 2, 3, 4]), 1.25)] == [[0, 1, 2], [3, 4], [5]]


def test_a_turn_of_another_voice_is_split_off_its_cluster():
    """Four turns of voice 0 and one of voice 1, all in one cluster (the merge rule calls the two
    voices one at 0.92): the distinct turn becomes a cluster of its own, exactly its windows."""
    emb, starts, owner = _meeting_of_turns([0, 0, 1, 0, 0])
    everything = [np.arange(len(emb))]
    assert len(merge_same_voice(emb, [np.flatnonzero(np.array(owner) == v) for v in (0, 1)], 1, SAME_VOICE)) == 1
    split = split_distinct_turns(emb, everything, starts, 1.25, high=8)
    assert sorted(sorted(np.array(owner)[g].tolist()) for g in split) == [[0] * 48, [1] * 12]
    assert len(split_distinct_turns(emb, everything, starts, 1.25, high=1)) == 1  # never above the hint


def test_two_turns_of_the_other_voice_come_back_as_one_cluster():
    emb, starts, owner = _meeting_of_turns([0, 0, 1, 0, 0, 1, 0, 0])
    split = split_distinct_turns(emb, [np.arange(len(emb))], starts, 1.25, high=8)
    assert sorted(sorted(np.array(owner)[g].tolist()) for g in split) == [[0] * 72, [1] * 24]
    # a limit, not a goal: when the other voice holds 2 of 5 turns the rest is too mixed for any
    # single turn to stand out (0.954-0.957 here), and nothing is split
    emb, starts, _ = _meeting_of_turns([0, 1, 0, 1, 0])
    assert len(split_distinct_turns(emb, [np.arange(len(emb))], starts, 1.25, high=8)) == 1


def test_turns_of_one_voice_are_not_split():
    emb, starts, _ = _meeting_of_turns([0, 0, 0, 0, 0])
    assert len(split_distinct_turns(emb, [np.arange(len(emb))], starts, 1.25, high=8)) == 1


def test_a_turn_shorter_than_the_minimum_is_not_judged():
    """Under MIN_TURN_WINDOWS a turn's mean is too noisy (one voice's 3-4 window turns scored down to
    0.873 against the rest of it), so even another voice's short turn stays."""
    emb, starts, _ = _meeting_of_turns([0, 1, 0], per_turn=MIN_TURN_WINDOWS - 1)
    assert len(split_distinct_turns(emb, [np.arange(len(emb))], starts, 1.25, high=8)) == 1


def test_a_turn_like_another_cluster_is_not_split_off():
    """A new cluster must be a new voice: a distinct turn that sounds like a cluster already found
    (over APART_TURN) is left to the resegmentation, not made a third speaker."""
    emb, starts, owner = _meeting_of_turns([0, 0, 1, 0, 0, 1])
    voice = np.array(owner)
    first_turns = np.flatnonzero(starts < 5 * (0.5 * 12 + 3.0))  # turns 0-4: voice 1's first turn inside
    other = np.flatnonzero(starts >= 5 * (0.5 * 12 + 3.0))  # voice 1's second turn, a cluster of its own
    assert voice_similarity(emb, [first_turns[voice[first_turns] == 1], other])[0, 1] > APART_TURN
    assert len(split_distinct_turns(emb, [first_turns, other], starts, 1.25, high=8)) == 2
    assert len(split_distinct_turns(emb, [first_turns], starts, 1.25, high=8)) == 2  # alone, it is split
