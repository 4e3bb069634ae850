"""Reading an evaluation corpus directory (format: ../shared/corpus/README.md).

The shared dev corpus, the held-out acceptance corpus and ``tests/fixtures`` all use one format,
so one reader serves benchmarks, acceptance runs and tests. ``corpus.json`` lists the meetings when
present; otherwise every ``<name>.json`` that has ``segments`` is a meeting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from models.errors import GijirokuError
from models.types import SpeakerSegment


@dataclass(frozen=True)
class RefSegment:
    """One reference utterance: who said exactly what, and when."""

    id: str
    speaker: str
    start: float
    end: float
    text: str  # verbatim (素起こし)
    text_clean: str  # ケバ取り target


@dataclass(frozen=True)
class Meeting:
    name: str
    title: str
    duration: float
    audio: dict[str, Path]  # variant ("clean", "noisy") → WAV path
    segments: tuple[RefSegment, ...]  # ordered by start time
    rttm: Path | None
    txt: Path | None
    clean_txt: Path | None

    @property
    def reference_text(self) -> str:
        return "".join(s.text for s in self.segments)

    @property
    def reference_clean_text(self) -> str:
        """The ケバ取り target: ``<name>.clean.txt`` when present, else the segments' text_clean."""
        if self.clean_txt is not None:
            return "".join(text for _, text in read_txt(self.clean_txt))
        return "".join(s.text_clean for s in self.segments)

    def speaker_segments(self) -> list[SpeakerSegment]:
        """Reference diarization: the RTTM when present, else the segment times."""
        if self.rttm is not None:
            return read_rttm(self.rttm)
        return [SpeakerSegment(s.start, s.end, s.speaker) for s in self.segments]


def _existing(directory: Path, name: str | None) -> Path | None:
    if not name:
        return None
    path = directory / name
    return path if path.is_file() else None


def load_meeting(json_path: Path) -> Meeting:
    """One ``<name>.json``; sibling files are ``<name>.*`` unless the JSON names them."""
    directory = json_path.parent
    try:
        data = json.loads(json_path.read_text(encoding="utf-8"))
        name = data["name"]
        segments = tuple(
            sorted(
                (
                    RefSegment(
                        id=str(s["id"]),
                        speaker=str(s["speaker"]),
                        start=float(s["start"]),
                        end=float(s["end"]),
                        text=s["text"],
                        text_clean=s.get("text_clean", s["text"]),
                    )
                    for s in data["segments"]
                ),
                key=lambda s: (s.start, s.end),
            )
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GijirokuError(
            "corpus_invalid",
            f"コーパスのファイル {json_path} を読み込めません: {exc}",
            f"Cannot read corpus file {json_path}: {exc}",
        ) from exc
    audio_names = data.get("audio") or {"clean": f"{name}.wav"}
    audio = {variant: directory / file for variant, file in audio_names.items()}
    return Meeting(
        name=name,
        title=data.get("title", ""),
        duration=float(data.get("duration", 0.0)),
        audio=audio,
        segments=segments,
        rttm=_existing(directory, data.get("rttm", f"{name}.rttm")),
        txt=_existing(directory, data.get("txt", f"{name}.txt")),
        clean_txt=_existing(directory, data.get("clean_txt", f"{name}.clean.txt")),
    )


def load_corpus(corpus_dir: Path) -> list[Meeting]:
    """All meetings of a corpus directory, in ``corpus.json`` order or by file name."""
    if not corpus_dir.is_dir():
        raise GijirokuError(
            "corpus_not_found",
            f"コーパスのディレクトリ {corpus_dir} が見つかりません。",
            f"Corpus directory {corpus_dir} not found.",
        )
    index = corpus_dir / "corpus.json"
    if index.is_file():
        listed = json.loads(index.read_text(encoding="utf-8"))["meetings"]
        paths = [corpus_dir / m.get("json", f"{m['name']}.json") for m in listed]
    else:
        paths = [p for p in sorted(corpus_dir.glob("*.json")) if _has_segments(p)]
    if not paths:
        raise GijirokuError(
            "corpus_empty",
            f"{corpus_dir} に会議のデータがありません。",
            f"No meetings found in {corpus_dir}.",
        )
    return [load_meeting(p) for p in paths]


def _has_segments(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "segments" in data


def read_rttm(path: Path) -> list[SpeakerSegment]:
    """``SPEAKER <file> 1 <start> <dur> <NA> <NA> <speaker> <NA> <NA>`` lines → segments."""
    segments = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if fields and fields[0] == "SPEAKER":
            start, duration = float(fields[3]), float(fields[4])
            segments.append(SpeakerSegment(start, start + duration, fields[7]))
    return segments


def read_txt(path: Path) -> list[tuple[str, str]]:
    """``speaker<TAB>text`` lines → (speaker, text) pairs, blank lines skipped."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            speaker, _, text = line.partition("\t")
            pairs.append((speaker, text))
    return pairs
