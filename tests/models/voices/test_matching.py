"""Matching diarized speakers to registered people on synthetic embeddings: one-to-one, threshold,
margin, like-with-like encoders, attendee narrowing, and never a name for an unknown voice."""

from __future__ import annotations

import numpy as np

from models.voices.matching import MatchPolicy, Person, VoicePrint, match_speakers, narrow_to_attendees

ENC = "ge2e-test"
RNG = np.random.default_rng(13)


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


VOICES = [unit(RNG.normal(size=64)) for _ in range(6)]  # random 64-d directions: cosines near 0


def near(v: np.ndarray, cos: float) -> np.ndarray:
    """A unit vector at cosine ``cos`` from ``v``."""
    other = RNG.normal(size=v.shape)
    other -= (other @ v) * v
    return unit(cos * v + np.sqrt(1 - cos**2) * unit(other))


def person(i: int, label: str, encoder: str = ENC) -> Person:
    return Person(id=f"p{i}", label=label, name=label, prints=(VoicePrint(f"v{i}", encoder, near(VOICES[i], 0.95)),))


POLICY = MatchPolicy(threshold=0.8, margin=0.05)


def test_each_speaker_gets_its_own_person_and_unknown_voices_stay_unnamed() -> None:
    people = [person(0, "委員長（佐藤）"), person(1, "教育長（高橋）"), person(2, "委員（鈴木）")]
    speakers = {"SPEAKER_00": near(VOICES[1], 0.95), "SPEAKER_01": near(VOICES[0], 0.95), "SPEAKER_02": VOICES[4]}
    matches = {m.speaker: m.label for m in match_speakers(speakers, people, ENC, POLICY)}
    assert matches == {"SPEAKER_00": "教育長（高橋）", "SPEAKER_01": "委員長（佐藤）"}


def test_two_speakers_never_share_a_person_and_the_loser_is_not_renamed() -> None:
    people = [person(0, "委員長（佐藤）"), person(1, "教育長（高橋）")]
    # both speakers resemble 佐藤; the weaker one must not fall back on 高橋, who resembles neither
    speakers = {"SPEAKER_00": near(VOICES[0], 0.97), "SPEAKER_01": near(VOICES[0], 0.9)}
    matches = match_speakers(speakers, people, ENC, POLICY)
    assert [(m.speaker, m.label) for m in matches] == [("SPEAKER_00", "委員長（佐藤）")]


def test_below_threshold_or_without_margin_stays_unnamed() -> None:
    low = {"SPEAKER_00": near(VOICES[0], 0.6)}
    assert match_speakers(low, [person(0, "A"), person(1, "B")], ENC, POLICY) == []
    # two enrolled people with nearly the same voice: the speaker is close to both, no clear winner
    twin = Person("p9", "B", prints=(VoicePrint("v9", ENC, near(VOICES[0], 0.99)),))
    close = {"SPEAKER_00": near(VOICES[0], 0.97)}
    assert match_speakers(close, [person(0, "A"), twin], ENC, POLICY) == []


def test_prints_from_another_encoder_are_never_compared() -> None:
    speakers = {"SPEAKER_00": near(VOICES[0], 0.99)}
    assert match_speakers(speakers, [person(0, "A", encoder="pyannote-wespeaker")], ENC, POLICY) == []


def test_best_print_of_a_person_counts() -> None:
    far, close = near(VOICES[0], 0.3), near(VOICES[0], 0.97)
    p = Person("p0", "A", prints=(VoicePrint("old", ENC, far), VoicePrint("new", ENC, close)))
    (match,) = match_speakers({"S": near(VOICES[0], 0.97)}, [p], ENC, POLICY)
    assert match.person_id == "p0" and match.score > 0.85 and match.margin == 1.0


def test_attendee_list_narrows_the_candidates() -> None:
    people = [person(0, "委員長（佐藤）"), person(1, "教育長（高橋）")]
    people[1] = Person("p1", "教育長（高橋）", name="高橋　一郎", prints=people[1].prints)
    assert [p.id for p in narrow_to_attendees(people, ["高橋一郎", "山本"])] == ["p1"]
    assert [p.id for p in narrow_to_attendees(people, ["委員長（佐藤）"])] == ["p0"]
    assert [p.id for p in narrow_to_attendees(people, ["佐藤", "山本"])] == ["p0"]  # the name inside the label
    assert narrow_to_attendees(people, []) == people
