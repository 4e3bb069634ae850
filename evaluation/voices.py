"""``python -m evaluation voices``: how well the voice registry (issue 13) names people across meetings.

Enrols every voice of one meeting from its reference turns (``--enrol``, one print per audio variant
given), then diarizes another (``--test``) with the bundled diarizer and measures, on each variant:

- the calibration curve: share of same-voice and of other-voice comparisons that reach each
  similarity threshold, for whole-speaker prints (what matching decides on) and per-turn prints;
- at an operating point (``--threshold`` / ``--margin``, default the models' defaults): the share of
  the enrolled people's reference speech time that carries their own name, and a wrong name;
- never enrolled: each person in turn left out of the registry, the time of the diarized speakers
  that are mostly their voice which then get any name (must be 0);
- with ``--pipeline``, the same on the whole pipeline's turns and the matching's share of its time.

People are voices: a test speaker is "the same person" as an enrolled one when the corpus JSON gives
both the same TTS voice (``engine:voice``, speed ignored; ../shared/corpus/README.md).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.corpus import Meeting, load_meeting
from models.audio import decode_audio
from models.types import Minutes, SpeakerSegment
from models.voices.embedding import GE2E_ENCODER, embed_spans, speaker_embeddings, speaker_spans
from models.voices.matching import (
    DEFAULT_MARGIN,
    DEFAULT_THRESHOLD,
    MatchPolicy,
    Person,
    VoicePrint,
    VoiceRegistry,
    match_speakers,
    similarity,
)

THRESHOLDS = tuple(round(0.70 + 0.02 * i, 2) for i in range(14))


def add_voices_command(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("voices", help="voice registry: calibration and naming accuracy across meetings")
    p.add_argument("corpus_dir", type=Path)
    p.add_argument("--enrol", default="soumu_iinkai", help="meeting whose reference voices are enrolled")
    p.add_argument("--enrol-variant", nargs="+", default=["clean"], help="one print per person per variant")
    p.add_argument("--test", default="kyouiku_iinkai", help="meeting to name the speakers of")
    p.add_argument("--variant", nargs="+", default=["clean", "noisy"])
    p.add_argument("--cache", type=Path, required=True, help="diarizations and pipeline runs are kept here")
    p.add_argument("--pipeline", action="store_true", help="also run the whole pipeline (Whisper) per variant")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    p.add_argument("--margin", type=float, default=DEFAULT_MARGIN)


def voice_of(meeting: Meeting, key: str) -> str:
    data = json.loads((meeting.audio["clean"].parent / f"{meeting.name}.json").read_text(encoding="utf-8"))
    return str(data["speakers"][key]["voice"]).split()[0]


def _role(meeting: Meeting, key: str) -> str:
    data = json.loads((meeting.audio["clean"].parent / f"{meeting.name}.json").read_text(encoding="utf-8"))
    return str(data["speakers"][key]["role"])


def enrol_reference(encoder, meeting: Meeting, variants: Sequence[str]) -> list[Person]:
    """A person per reference speaker (id = its key, label 委員長（chair）), one print per variant."""
    prints: dict[str, list[VoicePrint]] = {}
    for variant in variants:
        audio = decode_audio(meeting.audio[variant])
        for key, vector in speaker_embeddings(encoder, audio, meeting.speaker_segments()).items():
            prints.setdefault(key, []).append(VoicePrint(f"{key}.{variant}", GE2E_ENCODER, vector))
    return [Person(key, f"{_role(meeting, key)}（{key}）", prints=tuple(p)) for key, p in prints.items()]


def _cached_segments(cache: Path, name: str, variant: str, diarizer, audio: np.ndarray) -> list[SpeakerSegment]:
    path = cache / f"{name}.{variant}.diarization.json"
    if path.exists():
        return [SpeakerSegment(**s) for s in json.loads(path.read_text())]
    segments = diarizer.diarize(audio)
    path.write_text(json.dumps([s.__dict__ for s in segments]))
    return segments


@dataclass(frozen=True)
class Naming:
    own: float  # share of the enrolled people's reference speech time carrying their own name
    wrong: float  # ... carrying another enrolled person's name


def naming(
    reference: Sequence[SpeakerSegment], hypothesis: Sequence[SpeakerSegment], expected: dict[str, str]
) -> Naming:
    """``reference`` labelled by test key, ``hypothesis`` by the person id it was named after (or
    anything else when unnamed); ``expected`` test key → person id, for the enrolled voices only."""
    total = own = wrong = 0.0
    named = set(expected.values())
    for ref in reference:
        person = expected.get(ref.speaker)
        if person is None:
            continue
        total += ref.end - ref.start
        for hyp in hypothesis:
            overlap = min(ref.end, hyp.end) - max(ref.start, hyp.start)
            if overlap <= 0:
                continue
            if hyp.speaker == person:
                own += overlap
            elif hyp.speaker in named:
                wrong += overlap
    return Naming(own / total if total else 0.0, wrong / total if total else 0.0)


def majority_voice(
    segments: Sequence[SpeakerSegment], reference: Sequence[SpeakerSegment], expected: dict[str, str]
) -> dict[str, str]:
    """Diarized speaker → the enrolled person whose voice covers most of its time (unenrolled
    voices count as "")."""
    totals: dict[str, dict[str, float]] = {}
    for hyp in segments:
        for ref in reference:
            overlap = min(ref.end, hyp.end) - max(ref.start, hyp.start)
            if overlap > 0:
                person = expected.get(ref.speaker, "")
                totals.setdefault(hyp.speaker, {}).setdefault(person, 0.0)
                totals[hyp.speaker][person] += overlap
    return {sid: max(t, key=lambda k: t[k]) for sid, t in totals.items()}


def named_segments(segments: Sequence[SpeakerSegment], names: dict[str, str]) -> list[SpeakerSegment]:
    return [SpeakerSegment(s.start, s.end, names.get(s.speaker, "")) for s in segments]


def _curve(scores: list[tuple[bool, float]]) -> list[tuple[float, float, float]]:
    same = [s for is_same, s in scores if is_same]
    other = [s for is_same, s in scores if not is_same]
    return [
        (t, sum(s >= t for s in same) / max(len(same), 1), sum(s >= t for s in other) / max(len(other), 1))
        for t in THRESHOLDS
    ]


def voices_command(args: argparse.Namespace) -> int:
    from models.diarization.bundled import BundledDiarizer

    args.cache.mkdir(parents=True, exist_ok=True)
    diarizer = BundledDiarizer()
    encoder = diarizer.encoder
    enrol = load_meeting(args.corpus_dir / f"{args.enrol}.json")
    test = load_meeting(args.corpus_dir / f"{args.test}.json")
    people = enrol_reference(encoder, enrol, args.enrol_variant)
    by_voice = {voice_of(enrol, p.id): p.id for p in people}
    expected = {
        key: by_voice[voice_of(test, key)]
        for key in dict.fromkeys(s.speaker for s in test.speaker_segments())
        if voice_of(test, key) in by_voice
    }
    policy = MatchPolicy(args.threshold, args.margin)
    out: list[str] = [
        f"enrolled: {args.enrol} {'+'.join(args.enrol_variant)} ({len(people)} people); test: {args.test}; "
        f"same voice: {expected}; threshold {policy.threshold}, margin {policy.margin}",
        "",
    ]
    curves: dict[str, list[tuple[float, float, float]]] = {}
    rows: list[str] = []
    for variant in args.variant:
        audio = decode_audio(test.audio[variant])
        reference = test.speaker_segments()
        segments = _cached_segments(args.cache, test.name, variant, diarizer, audio)
        started = time.perf_counter()
        prints = speaker_embeddings(encoder, audio, segments)
        embed_s = time.perf_counter() - started
        matches = match_speakers(prints, people, GE2E_ENCODER, policy)
        match_s = time.perf_counter() - started
        names = {m.speaker: m.person_id for m in matches}
        result = naming(reference, named_segments(segments, names), expected)
        voice = majority_voice(segments, reference, expected)
        left_out = []
        for person_id in sorted(set(expected.values())):
            rest = [p for p in people if p.id != person_id]
            named = {m.speaker for m in match_speakers(prints, rest, GE2E_ENCODER, policy)}
            own = [sid for sid, v in voice.items() if v == person_id]  # diarized speakers of that voice
            named_s = sum(s.end - s.start for s in segments if s.speaker in own and s.speaker in named)
            left_out.append(f"{person_id} {named_s:.1f} s")
        rows.append(
            f"| {variant} | diarizer | {100 * result.own:.1f} % | {100 * result.wrong:.2f} % | "
            f"{', '.join(left_out)} | {embed_s:.2f} s / {match_s - embed_s:.3f} s |"
        )
        if args.pipeline:
            rows.append(_pipeline_row(args, test, variant, people, policy, expected))
        # calibration: whole-speaker prints (reference and diarized) and per-turn prints
        scores: dict[str, list[tuple[bool, float]]] = {"speaker": [], "turn": []}
        ref_prints = speaker_embeddings(encoder, audio, reference)
        for key, vector in ref_prints.items():
            for person in people:
                sim = similarity(vector, person, GE2E_ENCODER)
                if sim is not None:
                    scores["speaker"].append((expected.get(key) == person.id, sim))
        for key, spans in speaker_spans(reference).items():
            for span in spans:
                turn = embed_spans(encoder, audio, [span])
                if turn is None:
                    continue
                for person in people:
                    sim = similarity(turn, person, GE2E_ENCODER)
                    if sim is not None:
                        scores["turn"].append((expected.get(key) == person.id, sim))
        for kind, pairs in scores.items():
            curves[f"{variant} {kind}"] = _curve(pairs)
            same = sorted(s for ok, s in pairs if ok)
            other = sorted(s for ok, s in pairs if not ok)
            out.append(
                f"{variant} {kind} prints: same voice n={len(same)} min {same[0]:.3f} median {np.median(same):.3f}; "
                f"other voices n={len(other)} max {other[-1]:.3f} median {np.median(other):.3f}"
            )
    out += ["", "| threshold | " + " | ".join(f"{k} same / other" for k in curves) + " |"]
    out.append("|---" * (len(curves) + 1) + "|")
    for i, t in enumerate(THRESHOLDS):
        cells = [f"{100 * c[i][1]:.0f} / {100 * c[i][2]:.0f} %" for c in curves.values()]
        out.append(f"| {t:.2f} | " + " | ".join(cells) + " |")
    out += [
        "",
        "| test audio | speakers from | own name | wrong name | left out: their speaker named | embed / match |",
        "|---|---|---|---|---|---|",
        *rows,
    ]
    print("\n".join(out))
    return 0


def _pipeline_row(
    args: argparse.Namespace,
    test: Meeting,
    variant: str,
    people: list[Person],
    policy: MatchPolicy,
    expected: dict[str, str],
) -> str:
    """The whole pipeline with the registry (cached as minutes JSON with its stage seconds)."""
    from models.settings import ModelSettings

    path = args.cache / f"{test.name}.{variant}.{'+'.join(args.enrol_variant)}.pipeline.json"
    if path.exists():
        saved = json.loads(path.read_text())
    else:
        from models.pipeline import RunOptions

        run = (
            ModelSettings()
            .pipeline()
            .run_timed(test.audio[variant], options=RunOptions(voices=VoiceRegistry(tuple(people), policy)))
        )
        by_label = {p.label: p.id for p in people}
        persons = {s.id: by_label.get(s.label, "") for s in run.minutes.speakers}
        saved = {"minutes": run.minutes.to_dict(), "stage_seconds": run.stage_seconds, "persons": persons}
        path.write_text(json.dumps(saved, ensure_ascii=False))
    minutes = Minutes.from_dict(saved["minutes"])
    turns = [SpeakerSegment(t.start, t.end, saved["persons"].get(t.speaker, "")) for t in minutes.turns]
    result = naming(test.speaker_segments(), turns, expected)
    seconds = saved["stage_seconds"]
    share = seconds.get("voices", 0.0) / sum(seconds.values())
    return (
        f"| {variant} | pipeline turns | {100 * result.own:.1f} % | {100 * result.wrong:.2f} % | — | "
        f"{seconds.get('voices', 0.0):.2f} s = {100 * share:.1f} % of {sum(seconds.values()):.0f} s |"
    )
