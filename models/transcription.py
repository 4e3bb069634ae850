"""Speech → timed words with faster-whisper, clips cut at diarized speaker turns.

Why clips rather than one ``WhisperModel.transcribe`` over the whole file:
- A clip starts at a speaker turn, so a misrecognition never conditions the rest of the meeting
  (``condition_on_previous_text`` is off) and the domain prompt applies to every clip, not just the
  first 30 s window (sequential mode with a prompt on long audio dropped ~20 s of speech). Short
  consecutive turns share a clip (``pack_clips``): fewer encoder passes, more context.
- Clips are decoded in batches (``BatchedInferencePipeline`` with our own ``clip_timestamps``), which
  is where the speed over the sequential baseline comes from. Its default VAD chunking dropped whole
  turns, so clip boundaries always come from diarization/VAD here, capped at ``max_clip_s``.
- A hallucination guard drops what Whisper invents in silence or noise (see ``_is_hallucination``).
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from models.types import SAMPLE_RATE, SpeakerSegment, Word

# A short, generic council prompt: it biases Whisper towards 議会 vocabulary and written style
# (漢字, 、。) without naming anything meeting-specific. Measured in docs/benchmarks.md.
DEFAULT_PROMPT_JA = "令和6年度、議会の委員会の会議録です。委員長、質疑、答弁。"

# Phrases Whisper is known to produce from silence/noise (subtitle credits of its training data).
_HALLUCINATION_PHRASES = (
    "ご視聴ありがとうございました",
    "チャンネル登録",
    "字幕",
    "最後までご視聴",
    "おやすみなさい",
    "thank you for watching",
    "thanks for watching",
    "subscribe",
)
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
PROMPT_ECHO_SHARE = 0.5  # see prompt_echo
# Shorter stretches hold no word: Whisper invents one for them, and an empty clip crashes its batch.
MIN_CLIP_S = 0.1
# A stretch of a diarized turn this long with no recognised word is decoded again (``uncovered_segments``):
# about ten characters of Japanese, longer than the pauses the VAD leaves inside a turn (0.3 s).
RETRY_GAP_S = 1.5
# The longest a recognised word is taken to cover when looking for skipped speech: Whisper's own bound
# (twice the median word duration, itself at most 0.7 s: faster-whisper's ``add_word_timestamps``),
# which it enforces only at sentence marks and pauses. When decoding stops early, the last word's
# alignment stretches to the clip's end: 「…委員長、探索委員。」 with 「員。」 from 76.4 to 88.3 s hid a
# 10 s turn the clip never transcribed (clean kyouiku_iinkai, docs/benchmarks.md, issue 12).
MAX_WORD_S = 1.4
# Silero's speech probability on band-limited audio (8 kHz μ-law telephone) stays at 0.3–0.5 over
# clear speech, under the diarizer's VAD bar (0.5): whole turns were never decoded. Stretches above
# this lower bar that no diarized turn covers get the lost-speech retry (``faint_segments``).
FAINT_VAD_THRESHOLD = 0.3
# A turn (``speaker_turns``) with at least this much diarized speech whose recognised words read
# slower than ``TranscriptionOptions.slow_chars_per_s`` is decoded again whole (``slow_turns``):
# Whisper can skip a turn's first sentence and align the next one over it, so no stretch is left
# without words and ``uncovered_segments`` sees nothing (kyouiku_iinkai recorded quietly lost
# 「跡地の活用につきましては」 so; docs/benchmarks.md, "Turns read too slowly (session 7)").
SLOW_MIN_SPEECH_S = 3.0


@dataclass(frozen=True)
class Clip:
    """A stretch of audio decoded as one Whisper input; ``speaker`` is the diarizer's label, or
    None for turns of several speakers packed together (see ``pack_clips``)."""

    start: float
    end: float
    speaker: str | None


@dataclass(frozen=True)
class ClipWords:
    clip: Clip
    words: list[Word]


@dataclass
class TranscriptionOptions:
    language: str = "ja"  # "auto": detect per file
    beam_size: int = 5
    batch_size: int = 8
    prompt: str | None = DEFAULT_PROMPT_JA  # None: no prompt; only used when language is ja
    hotwords: str | None = None
    max_clip_s: float = 28.0
    merge_gap_s: float = 1.0  # same-speaker segments closer than this share a clip
    pack_s: float = 20.0  # consecutive clips share one Whisper window up to this span (0: never)
    pad_s: float = 0.2
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    # On the CPU the encoder hears each batch's longest clip plus this much padding instead of a
    # full 30 s window (``trimmed_features``); None: always 30 s. GPUs encode the full window.
    encoder_margin_s: float | None = 6.0
    # ``slow_turns``: turns read slower than this (visible characters per second of diarized
    # speech) are decoded again, and the retry replaces their words when it brings at least
    # ``slow_gain`` times as many characters; 0: never. Of 405 turns of the dev corpus and its
    # degraded grid, 10 read under 4.5 (median 5.3); the only two retries at 1.25× or more had
    # recovered a skipped phrase, and no other turn's retry gained that much (docs/benchmarks.md,
    # "Turns read too slowly (session 7)").
    slow_chars_per_s: float = 4.5
    slow_gain: float = 1.25

    @property
    def longest_clip_s(self) -> float:
        """The longest clip planned: a ``max_clip_s`` piece padded on both sides (under Whisper's 30 s)."""
        return self.max_clip_s + 2 * self.pad_s


def speaker_turns(segments: Sequence[SpeakerSegment], options: TranscriptionOptions) -> list[list[SpeakerSegment]]:
    """Diarized segments grouped into turns: consecutive segments of one speaker at most
    ``merge_gap_s`` apart, each turn spanning at most ``max_clip_s`` (longer ones start a new turn)."""
    turns: list[list[SpeakerSegment]] = []
    for seg in sorted(segments, key=lambda s: s.start):
        if seg.end <= seg.start:
            continue
        last = turns[-1] if turns else None
        if (
            last is not None
            and last[0].speaker == seg.speaker
            and seg.start - max(s.end for s in last) <= options.merge_gap_s
            and seg.end - last[0].start <= options.max_clip_s
        ):
            last.append(seg)
        else:
            turns.append([seg])
    return turns


def plan_clips(segments: Sequence[SpeakerSegment], duration: float, options: TranscriptionOptions) -> list[Clip]:
    """Group diarized segments into clips of one speaker (``speaker_turns``), each at most
    ``max_clip_s`` long before padding, returned as ``disjoint_clips`` makes them (sorted,
    disjoint, inside the audio).

    Padding never reaches past the midpoint to a neighbouring clip, so a clip hears as little of
    the next speaker as possible; overlapping speech shares one clip (or two that meet inside the
    overlap), because batched decoding needs disjoint clips.
    """
    spans = [(t[0].start, max(s.end for s in t), t[0].speaker) for t in speaker_turns(segments, options)]
    pieces = [(a, b, speaker) for start, end, speaker in spans for a, b in _split(start, end, options.max_clip_s)]
    return disjoint_clips(_padded(pieces, options.pad_s), duration, options.longest_clip_s)


def retry_clips(
    segments: Sequence[SpeakerSegment],
    clip_words: Sequence[ClipWords],
    duration: float,
    options: TranscriptionOptions,
) -> list[Clip]:
    """Clips for the second decoding of speech no word came back for (``uncovered_segments``).

    One clip per missed segment, padded like ``plan_clips`` but never merged with its same-speaker
    neighbours: the first pass already heard them together and came back empty (a prompt loop
    over 18 s of one speaker, issue 16), so each gets a short window of its own. Padded neighbours
    used to overlap, which made faster-whisper's batched decoding crash.
    """
    missing = uncovered_segments(segments, clip_words)
    pieces = [(s.start, s.end, s.speaker) for s in missing]
    return disjoint_clips(_padded(pieces, options.pad_s), duration, options.longest_clip_s)


def _split(start: float, end: float, max_s: float) -> list[tuple[float, float]]:
    """``[start, end]`` in equal consecutive pieces of at most ``max_s`` (none when empty)."""
    if end <= start:
        return []
    n = max(1, math.ceil((end - start) / max_s))
    step = (end - start) / n
    return [(start + i * step, end if i == n - 1 else start + (i + 1) * step) for i in range(n)]


def _padded(pieces: Sequence[tuple[float, float, str | None]], pad_s: float) -> list[Clip]:
    """Each piece widened by ``pad_s``, but never past the midpoint to a neighbour it does not
    overlap, so a clip hears as little of the next speaker as possible."""
    ordered = sorted(pieces, key=lambda p: (p[0], p[1]))
    clips: list[Clip] = []
    for i, (start, end, speaker) in enumerate(ordered):
        lo, hi = start - pad_s, end + pad_s
        if i > 0 and ordered[i - 1][1] <= start:
            lo = max(lo, (ordered[i - 1][1] + start) / 2)
        if i + 1 < len(ordered) and ordered[i + 1][0] >= end:
            hi = min(hi, (end + ordered[i + 1][0]) / 2)
        clips.append(Clip(lo, hi, speaker))
    return clips


def disjoint_clips(clips: Sequence[Clip], duration: float, max_s: float) -> list[Clip]:
    """Clips as faster-whisper's batched decoding needs them: sorted, within ``[0, duration]``,
    none overlapping, each from ``MIN_CLIP_S`` to ``max_s`` long, together covering the input.

    It refuses clips that are together longer than the audio (``AssertionError: non-negative
    timestamp expected``), crashes on an empty clip in a batch and hears only the first 30 s of a
    clip. Overlapping clips are joined (the words get speakers from the diarizer's times) while the
    join stays within ``max_s``; longer, the two meet at the middle of their overlap. Stretches
    shorter than ``MIN_CLIP_S`` are dropped: they hold no word, and Whisper invents one for them.
    """
    if max_s < 2 * MIN_CLIP_S:
        raise ValueError(f"max_s must be at least {2 * MIN_CLIP_S} s")
    pieces: list[tuple[float, float, str | None]] = []
    for clip in clips:
        start, end = max(0.0, clip.start), min(duration, clip.end)
        if end - start >= MIN_CLIP_S:
            pieces.extend((a, b, clip.speaker) for a, b in _split(start, end, max_s))
    pieces.sort(key=lambda p: (p[0], p[1]))
    out: list[Clip] = []
    for start, end, speaker in pieces:
        last = out[-1] if out else None
        if last is None or start >= last.end:
            out.append(Clip(start, end, speaker))
        elif max(end, last.end) - last.start <= max_s:
            out[-1] = Clip(last.start, max(end, last.end), last.speaker if last.speaker == speaker else None)
        else:  # too long together (so ``end > last.end``): meet inside the overlap, neither too short
            cut = min(max((start + last.end) / 2, last.start + MIN_CLIP_S), end - MIN_CLIP_S)
            out[-1] = Clip(last.start, cut, last.speaker)
            out.append(Clip(cut, end, speaker))
    return out


def pack_clips(clips: Sequence[Clip], pack_s: float) -> list[Clip]:
    """Join consecutive clips, whoever speaks, while the joined span stays within ``pack_s``.

    Every clip costs one pass of Whisper's encoder over a full 30 s window, however short the clip,
    and on CPUs where CTranslate2 runs on oneDNN (AMD) the encoder is most of the time: a meeting of
    short turns paid one window per 「鈴木委員。」. Packed, the turns also hear each other as context.
    Their words get speakers from the diarizer's times (``attribution.word_speaker``). Takes
    ``plan_clips``' sorted, disjoint clips and keeps them so (only clips that do not overlap are
    joined). Measured in docs/benchmarks.md.
    """
    packed: list[Clip] = []
    for clip in clips:
        last = packed[-1] if packed else None
        if last is not None and last.end <= clip.start and clip.end - last.start <= pack_s:
            speaker = last.speaker if last.speaker == clip.speaker else None
            packed[-1] = Clip(last.start, clip.end, speaker)
        else:
            packed.append(clip)
    return packed


def _heard(word: Word) -> tuple[float, float]:
    """The stretch a recognised word vouches for: its timing, at most ``MAX_WORD_S`` long."""
    return word.start, min(word.end, word.start + MAX_WORD_S)


def uncovered_segments(
    segments: Sequence[SpeakerSegment],
    clip_words: Sequence[ClipWords],
    min_duration_s: float = 0.5,
    min_gap_s: float = RETRY_GAP_S,
) -> list[SpeakerSegment]:
    """Diarized speech no recognised word covers: the words Whisper skipped.

    Whisper tends to drop a short phrase at the start or end of a clip (「はい、委員長。」 right after
    another speaker): a segment no word touches (at least ``min_duration_s`` long) is returned
    whole. On degraded audio it also stops early inside a long turn and skips its second half (a
    reverberant room lost 「大沢地区からは…いかがでしょうか」, 33 characters; docs/benchmarks.md, issue
    12), so a stretch of at least ``min_gap_s`` inside a touched segment with no word is returned
    too. Either gets a second, clip-of-its-own decoding. A word covers at most ``MAX_WORD_S``:
    the last word of a decoding that stopped early is aligned over the rest of the clip.
    """
    spans = sorted(_heard(w) for cw in clip_words for w in cw.words)
    starts = [a for a, _ in spans]
    missing = []
    for seg in segments:
        if seg.end - seg.start < min_duration_s:
            continue
        lo = bisect.bisect_left(starts, seg.start)
        hi = bisect.bisect_left(starts, seg.end)  # words starting before the segment ends ...
        inside = [(a, b) for a, b in spans[max(0, lo - 50) : hi] if b > seg.start]  # ... earlier ones are short
        if not inside:
            missing.append(seg)
            continue
        cursor = seg.start
        for a, b in [*inside, (seg.end, seg.end)]:
            if min(a, seg.end) - cursor >= min_gap_s:
                missing.append(SpeakerSegment(cursor, min(a, seg.end), seg.speaker))
            cursor = max(cursor, b)
    return missing


def faint_segments(
    regions: Sequence[tuple[float, float]],
    segments: Sequence[SpeakerSegment],
    min_duration_s: float = 0.5,
) -> list[SpeakerSegment]:
    """The parts of ``regions`` (speech found with a lower VAD bar, ``FAINT_VAD_THRESHOLD``) that no
    diarized segment covers, at least ``min_duration_s`` long, each given the speaker of the
    nearest segment (attribution re-assigns words by time anyway).

    They are decoded by the lost-speech retry like a turn no word came back for; where the lower
    bar only heard noise, Whisper's own no-speech rule and the hallucination guard drop the text.
    """
    if not segments:
        return []
    covered: list[list[float]] = []
    for start, end in sorted((s.start, s.end) for s in segments):
        if covered and start <= covered[-1][1]:
            covered[-1][1] = max(covered[-1][1], end)
        else:
            covered.append([start, end])
    starts = [a for a, _ in covered]
    out: list[SpeakerSegment] = []
    for lo, hi in regions:
        cursor = lo
        i = max(0, bisect.bisect_right(starts, lo) - 1)
        pieces = []
        for a, b in covered[i:]:
            if a >= hi:
                break
            if a > cursor:
                pieces.append((cursor, min(a, hi)))
            cursor = max(cursor, b)
        if cursor < hi:
            pieces.append((cursor, hi))
        for a, b in pieces:
            if b - a < min_duration_s:
                continue
            mid = (a + b) / 2
            nearest = min(segments, key=lambda s: max(s.start - mid, mid - s.end))
            out.append(SpeakerSegment(a, b, nearest.speaker))
    return out


def _place(merged: list[ClipWords], extra: list[ClipWords], clip: Clip, words: Sequence[Word]) -> None:
    """Insert ``words`` (a retry's, from ``clip``) in time order into the first-pass clip whose span
    holds each one's midpoint, so a stretch decoded again inside a long clip is read where it was
    said (words are attributed clip by clip); words outside every clip go to ``extra`` as ``clip``'s."""
    own: list[Word] = []
    for word in words:
        mid = (word.start + word.end) / 2
        home = next((m for m in merged if m.clip.start <= mid <= m.clip.end), None)
        if home is None:
            own.append(word)
        else:
            bisect.insort(home.words, word, key=lambda w: w.start)
    if own:
        extra.append(ClipWords(clip, own))


def merge_recovered(clip_words: Sequence[ClipWords], recovered: Sequence[ClipWords]) -> list[ClipWords]:
    """The first pass's words with the retry's added in time order (``_place``).

    A recovered word whose midpoint falls on a first-pass word is the same word heard again through
    the retry's padding, and is dropped.
    """
    spans = sorted(_heard(w) for cw in clip_words for w in cw.words)
    starts = [a for a, _ in spans]

    def heard(word: Word) -> bool:
        mid = (word.start + word.end) / 2
        i = bisect.bisect_right(starts, mid)
        return any(a <= mid <= b for a, b in spans[max(0, i - 50) : i])

    merged = [ClipWords(cw.clip, list(cw.words)) for cw in clip_words]
    extra: list[ClipWords] = []
    for cw in recovered:
        _place(merged, extra, cw.clip, [w for w in cw.words if not heard(w)])
    return merged + extra


def _chars(words: Iterable[Word]) -> int:
    """Visible characters of ``words``: what a reading rate counts."""
    return sum(len(_visible(w.word)) for w in words)


def _inside(word: Word, clip: Clip) -> bool:
    return clip.start <= (word.start + word.end) / 2 <= clip.end


def slow_turns(
    segments: Sequence[SpeakerSegment],
    clip_words: Sequence[ClipWords],
    duration: float,
    options: TranscriptionOptions,
) -> list[Clip]:
    """Clips for turns whose recognised words read too slowly for their speech: a lost sentence
    that no gap shows, because Whisper aligned the next one over it.

    A turn (``speaker_turns``) with at least ``SLOW_MIN_SPEECH_S`` of diarized speech and fewer
    than ``options.slow_chars_per_s`` visible characters per second of it (pauses inside the turn
    do not count) is decoded again whole, padded like ``plan_clips``; ``replace_slow`` decides.
    Recognised committee speech reads at a median 5.3 characters a second (docs/benchmarks.md).
    """
    if options.slow_chars_per_s <= 0:
        return []
    heard = sorted(((w.start + w.end) / 2, len(_visible(w.word))) for cw in clip_words for w in cw.words)
    mids = [mid for mid, _ in heard]
    read = np.concatenate([[0], np.cumsum([n for _, n in heard])])  # characters before each word
    pieces: list[tuple[float, float, str | None]] = []
    for turn in speaker_turns(segments, options):
        speech = sum(s.end - s.start for s in turn)
        if speech < SLOW_MIN_SPEECH_S:
            continue
        start, end = turn[0].start, max(s.end for s in turn)
        chars = read[bisect.bisect_right(mids, end)] - read[bisect.bisect_left(mids, start)]
        if chars < options.slow_chars_per_s * speech:
            pieces.append((start, end, turn[0].speaker))
    return disjoint_clips(_padded(pieces, options.pad_s), duration, options.longest_clip_s)


def replace_slow(clip_words: Sequence[ClipWords], retried: Sequence[ClipWords], gain: float) -> list[ClipWords]:
    """The words with each slow turn's retry in place of what was recognised there, where the retry
    reads at least ``gain`` times as many characters.

    A retry that only hears the same sentence again changes nothing: the rule replaces a turn's
    text only when a whole sentence more came back, never merges two decodings of the same speech
    (they would not agree on where each word was, and the text would be read twice).
    """
    merged = [ClipWords(cw.clip, list(cw.words)) for cw in clip_words]
    extra: list[ClipWords] = []
    for cw in retried:
        again = [w for w in cw.words if _inside(w, cw.clip)]
        before = _chars(w for m in merged for w in m.words if _inside(w, cw.clip))
        if _chars(again) < gain * max(before, 1):
            continue
        for m in merged:
            m.words[:] = [w for w in m.words if not _inside(w, cw.clip)]
        _place(merged, extra, cw.clip, again)
    return merged + extra


def _is_hallucination(
    text: str,
    language: str,
    no_speech_prob: float,
    avg_logprob: float,
    compression_ratio: float,
    options: TranscriptionOptions,
    prompt: str | None = None,
) -> bool:
    """Whisper's own silence rule, a repetition-loop rule, known phrases, wrong-script text, and
    the prompt said back where Whisper itself thinks nobody speaks (``prompt_echo``)."""
    stripped = text.strip()
    if not stripped:
        return True
    if no_speech_prob > options.no_speech_threshold and avg_logprob < options.log_prob_threshold:
        return True
    if no_speech_prob > options.no_speech_threshold and prompt and prompt_echo(stripped, prompt) >= PROMPT_ECHO_SHARE:
        return True
    if compression_ratio > options.compression_ratio_threshold:
        return True
    folded = unicodedata.normalize("NFKC", stripped).lower()
    if any(p in folded for p in _HALLUCINATION_PHRASES) and len(folded) < 40:
        return True
    # Japanese meeting audio that comes back as English sentences is noise made into words.
    return language == "ja" and not _JA_CHAR.search(stripped) and len(_LATIN_WORD.findall(stripped)) >= 2


def prompt_echo(text: str, prompt: str) -> float:
    """Share of ``text``'s characters (punctuation aside) inside pieces of two or more characters
    that also occur in ``prompt``.

    In room noise Whisper repeats its prompt with confidence (「委員長、質疑、答弁」 from the
    generic prompt, 「産業振興委員会の会議録」 once the materials' terms are in it: measured,
    tests/models/materials/test_silence_real_model.py); its log-probability is then high, so its
    own silence rule misses it, but its no-speech probability stays high.
    """
    chars = list(_visible(text))
    if not chars:
        return 0.0
    return sum(length for _, length in _prompt_runs(chars, _visible(prompt))) / len(chars)


def _visible(text: str) -> str:
    """``text`` without punctuation, spaces and control characters (what ``prompt_echo`` compares)."""
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZC")


def _prompt_runs(chars: Sequence[str], source: str) -> Iterator[tuple[int, int]]:
    """(start, length) of each run of two or more of ``chars`` found in ``source``, longest first
    from the left, scanning on after each run."""
    i = 0
    while i < len(chars):
        length = 0
        while i + length < len(chars) and "".join(chars[i : i + length + 1]) in source:
            length += 1
        if length >= 2:
            yield i, length
            i += length
        else:
            i += 1


def recited_prompt(words: Sequence[Word], prompt: str) -> list[bool]:
    """Per word: whether it belongs to the prompt recited as a list rather than heard.

    Where it hears little in noise Whisper falls back on its prompt, and with babble behind a
    speaker its no-speech probability stays low, so ``_is_hallucination`` keeps it: at 5 dB babble
    whole turns came back as 「質疑答弁」, 「答弁答弁」, 「委員長質疑答」 inside otherwise real text
    (docs/benchmarks.md, issue 12). A run of characters found in the prompt is taken as recited
    when it holds two or more of the prompt's items whole (the pieces between its punctuation:
    speech does not read out the prompt's list) or repeats the run just before it. A term of the
    prompt said once (「委員長」, 「産業振興委員会」) is kept. Words mostly inside such runs are
    marked, so the lost-speech retry decodes their stretch again without the prompt.
    """
    items = [item for item in "".join(c if _visible(c) else " " for c in prompt).split() if item]
    source = "".join(items)
    chars: list[str] = []
    owner: list[int] = []
    for k, word in enumerate(words):
        for c in _visible(word.word):
            chars.append(c)
            owner.append(k)
    flagged = [False] * len(chars)
    previous, previous_end = "", -1
    for i, length in _prompt_runs(chars, source):
        piece = "".join(chars[i : i + length])
        repeated = piece == previous and previous_end == i  # the same run again, right after it
        if sum(item in piece for item in items) >= 2 or repeated:
            flagged[i : i + length] = [True] * length
            if repeated:
                flagged[i - length : i] = [True] * length
        previous, previous_end = piece, i + length
    marked = [0] * len(words)
    sizes = [0] * len(words)
    for k, flag in zip(owner, flagged, strict=True):
        sizes[k] += 1
        marked[k] += flag
    return [sizes[k] > 0 and 2 * marked[k] >= sizes[k] for k in range(len(words))]


def drop_recited_prompt(clip_words: Sequence[ClipWords], prompt: str | None) -> list[ClipWords]:
    """``clip_words`` without the words ``recited_prompt`` marks, so the lost-speech retry
    (``retry_clips``) decodes their stretch again without the prompt."""
    if not prompt:
        return list(clip_words)
    out = []
    for cw in clip_words:
        recited = recited_prompt(cw.words, prompt)
        out.append(ClipWords(cw.clip, [w for w, r in zip(cw.words, recited, strict=True) if not r]))
    return out


class SecondPass(Protocol):
    """What a second decoding of some clips with another prompt needs (the meeting materials' terms,
    ``models.materials.two_pass``): which clips of a decoded batch to decode again, with which
    prompt, and whether to keep the second result."""

    def choose(self, texts: Sequence[str]) -> tuple[list[int], str | None]: ...

    def keep(self, first: str, second: str) -> bool: ...


def trimmed_features(features: np.ndarray, margin_s: float) -> np.ndarray:
    """A batch of log-mel windows (batch, mels, 3000 frames) cut after the last frame any of its
    clips fills, plus ``margin_s`` of the zero padding, rounded up to whole seconds.

    faster-whisper pads every clip's features with zeros to Whisper's 30 s window, and the encoder's
    cost grows with the frames it is given, so a batch of 5 s turns paid for 30 s each: the encoder
    was 38 % of a CPU run. Whisper was trained on padded windows and some padding after the speech
    matters: with none, noisy dev CER rose 11.77 → 12.29 %; with 6 s it was 11.36 % (clean 10.32 →
    10.26 %) (docs/benchmarks.md, "Encoder windows cut to the clips"). A column that is zero in every
    clip of the batch is padding: real log-mel frames are never all exactly zero.
    """
    frames_per_s = 100  # Whisper's 10 ms hop
    filled = np.flatnonzero(np.any(features != 0, axis=(0, 1)))
    content = int(filled[-1]) + 1 if filled.size else 0
    keep = int(math.ceil((content + margin_s * frames_per_s) / frames_per_s)) * frames_per_s
    if keep >= features.shape[-1]:
        return features
    return np.ascontiguousarray(features[..., :keep])


class _EncoderTap:
    """The ``WhisperModel`` as faster-whisper's batched pipeline sees it: it cuts each batch's
    encoder input to the clips' length (``trimmed_features``) and keeps the last batch's encoder
    output, so a second decoding of some of the same clips skips the encoder.

    A second pass that encoded its clips again cost the materials' hints up to 1.95× the single
    pass on noisy audio (docs/benchmarks.md); only the decoder depends on the prompt.
    """

    def __init__(self, model, margin_s: float | None = None) -> None:
        self._model = model
        self.margin_s = margin_s  # see ``trimmed_features``; None: the full 30 s window
        self.last: np.ndarray | None = None
        self.replay: np.ndarray | None = None
        self._held: np.ndarray | None = None  # what the replayed StorageView reads (it does not copy)

    def __getattr__(self, name: str):
        return getattr(self._model, name)

    def encode(self, features: np.ndarray):
        import ctranslate2

        if self.replay is not None:
            self._held, self.replay = self.replay, None
            return ctranslate2.StorageView.from_array(self._held)
        if self.margin_s is not None:
            features = trimmed_features(features, self.margin_s)
        output = self._model.encode(features)
        self.last = np.asarray(output)
        return output


class Transcriber:
    """Decodes one recording's clips with a loaded ``WhisperModel`` (one ``Transcriber`` per run:
    faster-whisper's batched pipeline keeps state between calls).

    Anything else given as ``model`` is used as the batched pipeline itself: an object with its
    ``transcribe(audio, *, clip_timestamps, ...) -> (segments, info)`` and the model's
    ``detect_language``, which is how the orchestration tests run without the real model.
    """

    def __init__(self, model, options: TranscriptionOptions) -> None:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        self.model = model
        self.options = options
        # Encoder input cut to the clips and outputs reused from host memory, on the CPU only:
        # on a GPU a full window's encoding is cheap.
        self._tap = (
            _EncoderTap(model, options.encoder_margin_s)
            if isinstance(model, WhisperModel) and model.model.device == "cpu"
            else None
        )
        self._batched = BatchedInferencePipeline(self._tap or model) if isinstance(model, WhisperModel) else model
        self.redecoded = 0  # clips decoded a second time (``SecondPass``) in this run

    def detect_language(self, audio: np.ndarray) -> str:
        language, _, _ = self.model.detect_language(audio[: 30 * SAMPLE_RATE])
        return language

    def transcribe(
        self,
        audio: np.ndarray,
        clips: Sequence[Clip],
        progress: Callable[[float], None] | None = None,
        language: str | None = None,
        prompt: str | None = None,
        prompted: bool = True,
        second: SecondPass | None = None,
    ) -> tuple[list[ClipWords], str]:
        """Decode every clip; returns the words per clip (absolute times, input order) and the
        language used (``language`` skips detection when the caller already knows it; ``prompt``
        replaces the options' prompt for these clips).

        ``prompted=False`` decodes without any prompt: the second chance for speech the prompted
        pass lost. On degraded audio the prompt is what Whisper falls back on when it hears little:
        a reverberant clip came back as 「答弁。答弁。答弁。」, the prompt's last word, where the same
        clip without it gave the speech (docs/benchmarks.md, "Real recording conditions").

        ``second``: right after each batch, the clips it chooses are decoded again with its prompt,
        reusing the batch's encoder output (``_EncoderTap``), and its ``keep`` decides per clip.

        Clips are batched shortest first: a batch of similar lengths wastes no decoding steps on
        finished short clips while the long one is still running.
        """
        opts = self.options
        if language is None:
            language = opts.language if opts.language != "auto" else self.detect_language(audio)
        prompt = (prompt or opts.prompt) if language == "ja" and prompted else None
        words: dict[int, list[Word]] = {}
        batch = max(1, opts.batch_size)
        order = sorted(range(len(clips)), key=lambda i: clips[i].end - clips[i].start)
        for first in range(0, len(order), batch):
            indexes = order[first : first + batch]
            group = [clips[i] for i in indexes]
            for i, found in zip(indexes, self._decode(audio, group, language, prompt), strict=True):
                words[i] = found
            if second is not None and language == "ja":
                self._decode_again(audio, group, [words[i] for i in indexes], language, second)
            if progress:
                progress(min(1.0, (first + len(group)) / max(1, len(clips))))
        return [ClipWords(clip, words[i]) for i, clip in enumerate(clips)], language

    def _decode(self, audio: np.ndarray, group: Sequence[Clip], language: str, prompt: str | None) -> list[list[Word]]:
        """One batch (at most ``batch_size`` clips, so one encoder call): the words per clip, with
        what the hallucination guard drops left out."""
        opts = self.options
        segments, _ = self._batched.transcribe(
            audio,
            language=language,
            task="transcribe",
            beam_size=opts.beam_size,
            batch_size=max(1, opts.batch_size),
            clip_timestamps=[{"start": c.start, "end": c.end} for c in group],
            initial_prompt=prompt,
            hotwords=opts.hotwords,
            condition_on_previous_text=False,
            word_timestamps=True,
            without_timestamps=True,
        )
        found: list[list[Word]] = [[] for _ in group]
        for seg in segments:
            if _is_hallucination(
                seg.text, language, seg.no_speech_prob, seg.avg_logprob, seg.compression_ratio, opts, prompt
            ):
                continue
            found[_clip_index(group, seg.start, seg.end)].extend(
                Word(round(w.start, 3), round(w.end, 3), w.word, round(w.probability, 4))
                for w in (seg.words or [])
                if w.word.strip()
            )
        return found

    def _decode_again(
        self, audio: np.ndarray, group: Sequence[Clip], found: list[list[Word]], language: str, second: SecondPass
    ) -> None:
        """``found`` (the batch's words per clip) with the clips ``second`` chooses decoded again."""
        chosen, prompt = second.choose(["".join(w.word for w in words).strip() for words in found])
        if not chosen:
            return
        if self._tap is not None and self._tap.last is not None:
            self._tap.replay = np.ascontiguousarray(self._tap.last[chosen])
        redone = self._decode(audio, [group[j] for j in chosen], language, prompt)
        self.redecoded += len(chosen)
        for j, words in zip(chosen, redone, strict=True):
            before, after = ("".join(w.word for w in ws).strip() for ws in (found[j], words))
            if second.keep(before, after):
                found[j][:] = words


def _clip_index(group: Sequence[Clip], start: float, end: float) -> int:
    """The clip a decoded segment came from: batched output is in clip order with absolute times."""
    mid = (start + end) / 2
    best, best_overlap = 0, -1.0
    for i, clip in enumerate(group):
        overlap = min(end, clip.end) - max(start, clip.start)
        if clip.start <= mid <= clip.end:
            overlap += 1000.0  # the midpoint decides when clips overlap
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best
