"""単語登録: the user's dictionary of names and terms Whisper gets wrong.

Each entry is the spelling the minutes must use (``canonical``) and the spellings Whisper produces
instead (``variants``: wrong kanji, kana readings). ``apply`` corrects a transcript after decoding;
``hotwords`` gives the same words as a decoding hint, so the lead can bias Whisper towards them
as well.

Matching is one left-to-right pass over all canonicals and variants together, longest first. A
canonical spelling matches itself, so text already written correctly is consumed whole and a
variant inside it is never replaced (with variant 「朝日小」 for 「朝日小学校」, 「朝日小学校」 does
not become 「朝日小学校学校」). Kana variants match in hiragana and katakana alike, because Whisper
writes an unknown name in either; Latin letters match regardless of case.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from models.errors import GijirokuError

_HIRAGANA = "".join(chr(c) for c in range(ord("ぁ"), ord("ゖ") + 1))
_KATAKANA = "".join(chr(c) for c in range(ord("ァ"), ord("ヶ") + 1))
_TO_KATAKANA = str.maketrans(_HIRAGANA, _KATAKANA)
_TO_HIRAGANA = str.maketrans(_KATAKANA, _HIRAGANA)
_VARIANT_SEPARATOR = re.compile(r"[|;｜；]")
_HEADER_WORDS = {"canonical", "表記", "正しい表記", "単語"}


@dataclass(frozen=True)
class VocabularyEntry:
    canonical: str
    variants: list[str] = field(default_factory=list)


class Vocabulary:
    def __init__(self, entries: list[VocabularyEntry]) -> None:
        self.entries = entries
        table: dict[str, str] = {}
        for entry in entries:
            for variant in entry.variants:
                forms = {variant, variant.translate(_TO_KATAKANA), variant.translate(_TO_HIRAGANA)}
                for form in forms:
                    table.setdefault(form.casefold(), entry.canonical)
        for entry in entries:  # a canonical spelling always maps to itself
            table[entry.canonical.casefold()] = entry.canonical
        self._table = table
        keys = sorted((k for k in table if k), key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, keys)), re.IGNORECASE) if keys else None

    def __len__(self) -> int:
        return len(self.entries)

    def canonicals(self) -> list[str]:
        return [e.canonical for e in self.entries]

    def apply(self, text: str) -> str:
        """Replace every variant by its canonical spelling."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._table[m.group().casefold()], text)

    def replacements(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical) of every place ``apply`` changes, found by the same single pass
        (a match already spelled canonically is not a change)."""
        if self._pattern is None:
            return []
        found = (
            (m.start(), m.end(), m.group(), self._table[m.group().casefold()]) for m in self._pattern.finditer(text)
        )
        return [(start, end, canonical) for start, end, matched, canonical in found if matched != canonical]

    def hotwords(self, max_chars: int = 200) -> str:
        """Canonical words joined by 、 for Whisper's ``hotwords`` hint.

        Whisper's prompt holds about 220 tokens, so the list is cut at ``max_chars`` characters;
        earlier entries are kept, so users put their most important words first.
        """
        words: list[str] = []
        length = 0
        for word in dict.fromkeys(self.canonicals()):
            if length + len(word) + (1 if words else 0) > max_chars:
                break
            length += len(word) + (1 if words else 0)
            words.append(word)
        return "、".join(words)


def _entry(canonical: str, variants: list[str], where: str) -> VocabularyEntry:
    canonical = canonical.strip()
    if not canonical:
        raise GijirokuError(
            "vocabulary_invalid",
            f"単語登録ファイルの{where}に正しい表記がありません。",
            f"vocabulary file: {where} has no canonical spelling",
        )
    cleaned = [v.strip() for v in variants if v.strip() and v.strip() != canonical]
    return VocabularyEntry(canonical, list(dict.fromkeys(cleaned)))


def _read_text(path: Path) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS: Excel on Japanese Windows saves CSV as cp932."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GijirokuError(
            "vocabulary_unreadable",
            f"単語登録ファイルを読めません: {path}",
            f"cannot read vocabulary file: {path} ({exc.strerror})",
        ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise GijirokuError(
            "vocabulary_invalid",
            "単語登録ファイルの文字コードが UTF-8 でも Shift_JIS でもありません。",
            "vocabulary file is neither UTF-8 nor Shift_JIS",
        ) from exc


def _from_table(text: str, delimiter: str) -> list[VocabularyEntry]:
    entries = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if number == 1 and row[0].strip().lower() in _HEADER_WORDS:
            continue
        variants = [v for cell in row[1:] for v in _VARIANT_SEPARATOR.split(cell)]
        entries.append(_entry(row[0], variants, f"{number}行目"))
    return entries


def _from_json(text: str) -> list[VocabularyEntry]:
    invalid = GijirokuError(
        "vocabulary_invalid",
        "単語登録ファイル（JSON）の形式が正しくありません。",
        'vocabulary JSON must be [{"canonical": ..., "variants": [...]}] or {canonical: [variants]}',
    )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise invalid from exc
    if isinstance(data, dict):
        data = [{"canonical": k, "variants": v} for k, v in data.items()]
    if not isinstance(data, list):
        raise invalid
    entries = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("canonical"), str):
            raise invalid
        variants = item.get("variants") or []
        if isinstance(variants, str):
            variants = _VARIANT_SEPARATOR.split(variants)
        if not all(isinstance(v, str) for v in variants):
            raise invalid
        entries.append(_entry(item["canonical"], variants, f"{number}番目の項目"))
    return entries


def load_vocabulary(path: Path | str) -> Vocabulary:
    """Read a .json, .csv or .tsv (or tab-separated .txt) vocabulary file."""
    path = Path(path)
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return Vocabulary(_from_json(text))
    delimiter = "," if suffix == ".csv" else "\t"
    if suffix not in (".csv", ".tsv") and "\t" not in text and "," in text:
        delimiter = ","
    return Vocabulary(_from_table(text, delimiter))
