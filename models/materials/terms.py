"""Terms, figures and sentences of a meeting's materials, found with a Japanese tokenizer.

What clerks look up in the 資料 when they correct minutes, and what Whisper base gets wrong most:

- proper nouns (places 島本町, people 佐藤, organisations) — Sudachi's 固有名詞;
- katakana and Latin words and acronyms (GIGAスクール, ICT支援員, RFI);
- noun compounds that name a programme, a school or a department (北山小学校, 情報政策課長,
  住民記録システム): runs of nouns, prefixes and noun suffixes, cut at numbers and symbols;
- figures with their unit (約2,100万円, 612人, 令和9年, 4月) and the line they stand on, because a
  figure must be copied from the material, never guessed.

Terms are ranked: proper nouns and foreign words first, then by how often the materials use them
and how long they are (a long reading is a safe match; a two-kana one is not).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from models.eras import ERAS, FIRST_YEAR, gregorian_year
from models.materials.reading import Token, fold_reading, tokenize

# "word": any other noun of two kanji or more (減少, 校舎, 敷地): Whisper writes their homophones
# (現象, 校者, 式地); used for correction under the context rule, ranked last, not shown as terms.
_KIND_WEIGHT = {
    "place": 3.0, "person": 3.0, "organization": 3.0, "proper": 2.5, "foreign": 2.0, "compound": 1.5, "word": 0.5,
}  # fmt: skip
_PROPER_KIND = {"地名": "place", "人名": "person", "組織名": "organization"}
_KATAKANA_OR_LATIN = re.compile(r"^[\u30a0-\u30ffA-Za-zＡ-Ｚａ-ｚ・]+$")
_HAS_FOREIGN = re.compile(r"[\u30a1-\u30faA-Za-zＡ-Ｚａ-ｚ]{2,}")
# A figure: an optional 約/およそ, digits (with , and .), 万/億 groups, then a unit. Units are the
# counters of council documents; 年/月/日 make dates (令和9年4月) figures too.
_UNITS = (
    "億円|万円|千円|円|人|名|台|件|校|路線|割|km|ｋｍ|キロ|メートル|m|%|％|年度|年|か月|ヶ月|月|日|時間|分|"
    "回|戸|世帯|ha|平方メートル|歳|学級|本|箇所|か所|倍"
)
# An era year is one figure with its era (令和6年度, 平成31年, 令和元年): 「6年度」 alone is another
# year (平成6年度 is 1994). Its first year is written 元年 (models.eras), and horizontal official text
# writes the number in arabic numerals (「公用文作成の考え方」, 文化審議会建議, 令和4年1月: 横書きでは
# 算用数字を使う), so kanji numerals (令和六年) are not looked for.
_ERA_YEAR = rf"(?P<era>{'|'.join(name for _, name in ERAS)})(?P<year>[0-9０-９]+|{FIRST_YEAR})(?P<unit>年度|年)"
FIGURE = re.compile(rf"{_ERA_YEAR}|(?:約|およそ)?[0-9０-９][0-9０-９,，.．]*(?:[万億兆][0-9０-９,，.．]*)*(?:{_UNITS})")
_QUALIFIERS = frozenset("等上中内分比毎別")
_KANA = re.compile(r"^[\u3040-\u30ff]+$")
_DIGIT = re.compile(r"[0-9０-９]")
_LATIN_UNIT = re.compile(r"^[a-zａ-ｚ]{1,2}$")  # km, ha, m: units, not terms; acronyms are upper case
_ENUMERATION = re.compile(r"^\s*(?:[（(]?[0-9０-９]+[）)．.]?|資料[0-9０-９]+|[・●○■□◆◇※-])[\s　]*")
MIN_SENTENCE_CHARS = 8
# Terms stored with a material (``terms_to_json``) carry this; raise it whenever what
# ``extract_terms`` finds changes, so that stored lists are found again by the new rules.
TERMS_VERSION = 1


@dataclass(frozen=True)
class Term:
    """A word of the materials worth spelling right: ``reading`` is folded katakana for matching
    (``reading.fold_reading``), ``kana`` the reading as shown to staff; ``context`` the line it
    first appears on."""

    surface: str
    reading: str
    kind: str
    count: int
    score: float
    context: str = ""
    kana: str = ""


@dataclass(frozen=True)
class Figure:
    """A number with its unit as the materials write it, and the line around it."""

    surface: str
    value: float
    unit: str
    context: str


@dataclass(frozen=True)
class Materials:
    """What a meeting's documents offer the pipeline: ranked terms, figures and sentences."""

    terms: list[Term] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.text.strip())


def build_materials(texts: list[str], terms: Sequence[Sequence[Term]] | None = None) -> Materials:
    """Materials from the extracted text of each file (``extract.extract_text``).

    ``terms``: each file's ``file_terms``, when they were stored with it (the service keeps them
    with the material, so the tokenizer runs once per file, not on every page view or job);
    otherwise they are extracted here. Both give the same list (``merge_terms``).
    """
    text = "\n".join(t.strip() for t in texts if t.strip())
    lines = _lines(text)
    merged = merge_terms(terms) if terms is not None else extract_terms(lines)
    return Materials(terms=merged, figures=extract_figures(lines), sentences=split_sentences(lines), text=text)


def _lines(text: str) -> list[str]:
    lines = [_clean_line(line) for line in text.splitlines()]
    return [line for line in lines if line]


def file_terms(text: str) -> list[Term]:
    """The ranked terms of one file's text: what is worth storing with the file, since
    ``merge_terms`` of the files' lists equals the terms of their joined text (terms are found
    line by line)."""
    return extract_terms(_lines(text))


def merge_terms(groups: Iterable[Sequence[Term]]) -> list[Term]:
    """The terms of several files as ``extract_terms`` finds them in the files' joined text:
    each surface once, as it first appears (files in order), its counts summed and re-scored."""
    counts: Counter[str] = Counter()
    first: dict[str, Term] = {}
    for group in groups:
        for term in group:
            counts[term.surface] += term.count
            first.setdefault(term.surface, term)
    return _ranked(first.values(), counts)


def terms_to_json(terms: Sequence[Term]) -> dict[str, Any]:
    """``terms`` as stored (JSON) with the ``TERMS_VERSION`` that found them."""
    return {"version": TERMS_VERSION, "terms": [asdict(t) for t in terms]}


def terms_from_json(stored: dict[str, Any] | None) -> list[Term] | None:
    """Stored terms, or None when there are none or an older extractor found them."""
    if not stored or stored.get("version") != TERMS_VERSION:
        return None
    return [Term(**t) for t in stored["terms"]]


def _clean_line(line: str) -> str:
    """A line without its list numbering (（1）, 1　, 資料1) and outer spaces."""
    line = line.strip().strip("　")
    previous = None
    while previous != line:
        previous, line = line, _ENUMERATION.sub("", line, count=1)
    return line.strip()


def _is_nominal(token: Token) -> bool:
    """Part of a noun compound: a noun (not a number), a prefix, or a noun suffix (課, 員, 町)."""
    if token.is_number or not token.reading or _DIGIT.search(token.surface):
        return False
    return token.is_noun or token.pos[0] == "接頭辞" or token.pos[:2] == ("接尾辞", "名詞的")


def _compounds(tokens: list[Token]) -> list[list[Token]]:
    """Runs of nominal tokens. A run right after a number loses its first token, the number's
    counter (令和5年度修理件数 → 修理件数, 3名体制 → 体制)."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    for i, token in enumerate(tokens):
        if _is_nominal(token) and current and current[-1].end == token.start:
            current.append(token)
            continue
        if current:
            runs.append(current)
        current = []
        if _is_nominal(token) and not (i > 0 and _DIGIT.search(tokens[i - 1].surface)):
            current = [token]
    if current:
        runs.append(current)
    # A compound neither starts with a prefix such as 約/全 nor ends with one.
    return [r for r in (_trim(run) for run in runs) if r]


def _trim(run: list[Token]) -> list[Token]:
    """Without a leading prefix or suffix, and without a trailing prefix or a suffix that only
    qualifies the list or the time (防災拠点等, 移行期間中, プラットフォーム上)."""
    while run and run[0].pos[0] in ("接頭辞", "接尾辞"):
        run = run[1:]
    while run and (run[-1].pos[0] == "接頭辞" or (run[-1].pos[0] == "接尾辞" and run[-1].surface in _QUALIFIERS)):
        run = run[:-1]
    return run


def _kind(run: list[Token]) -> str | None:
    """Why a run of nouns is worth listing, or None for an everyday word (資料, 概要)."""
    surface = "".join(t.surface for t in run)
    if len(run) == 1 and run[0].is_proper:
        # Era names (令和, 平成) are 固有名詞 too, but short and on every page: not a term.
        if run[0].pos[2] == "一般" and len(run[0].reading) <= 3:
            return None
        return _PROPER_KIND.get(run[0].pos[2], "proper")
    if any(t.is_proper for t in run):
        return "proper"
    if _LATIN_UNIT.match(surface):
        return None
    if _KATAKANA_OR_LATIN.match(surface) or _HAS_FOREIGN.search(surface):
        return "foreign"
    if len(run) >= 2 or len(surface) >= 3:  # 公民館, 基本計画: a single word of three kanji or more
        return "compound"
    if len(surface) >= 2 and run[0].is_noun and not _KANA.match(surface):
        return "word"
    return None


def extract_terms(lines: list[str]) -> list[Term]:
    """Ranked terms of the materials (best first), each listed once."""
    counts: Counter[str] = Counter()
    found: dict[str, Term] = {}
    for line in lines:
        tokens = tokenize(line)
        for run in _compounds(tokens):
            candidates = [run]
            # A proper noun inside a compound is a term of its own (北山 in 北山小学校), and so is
            # each noun of it, as a "word" (校舎 in 新校舎).
            candidates += [[t] for t in run if len(run) > 1 and (t.is_proper or t.is_noun)]
            for candidate in candidates:
                kind = _kind(candidate)
                surface = "".join(t.surface for t in candidate)
                kana = "".join(t.reading for t in candidate)
                reading = fold_reading(kana)
                if kind is None or len(reading) < 2:
                    continue
                counts[surface] += 1
                if surface not in found:
                    found[surface] = Term(surface, reading, kind, 0, 0.0, line, kana)
    return _ranked(found.values(), counts)


def _ranked(terms: Iterable[Term], counts: Counter[str]) -> list[Term]:
    scored = [replace(t, count=counts[t.surface], score=_score(t.kind, counts[t.surface], t.reading)) for t in terms]
    return sorted(scored, key=lambda t: (-t.score, t.surface))


def _score(kind: str, count: int, reading: str) -> float:
    return round(_KIND_WEIGHT[kind] * (1 + 0.5 * (count - 1)) * min(len(reading), 10) / 10, 3)


def figure_value(surface: str) -> tuple[float, str] | None:
    """(value, unit) of a figure as written: 約2,100万円 → (21000000.0, "円"), 5.5万円 → 55000.

    An era year's value is its Gregorian year, which a 年度 begins in (April, 地方自治法第208条):
    令和6年度 → (2024.0, "年度"), 令和元年 → (2019.0, "年").
    """
    text = unicodedata.normalize("NFKC", surface).replace(",", "").removeprefix("約").removeprefix("およそ")
    era = re.fullmatch(_ERA_YEAR, text)
    if era:
        year = 1 if era["year"] == FIRST_YEAR else int(era["year"])
        return float(gregorian_year(era["era"], year)), era["unit"]
    match = re.match(r"^([0-9.]+(?:[万億兆][0-9.]*)*)(.*)$", text)
    if not match:
        return None
    number, unit = match.groups()
    for big, factor in (("億円", 1e8), ("万円", 1e4), ("千円", 1e3)):
        if unit == big:
            number, unit = f"{number}*{factor}", "円"
    total = 0.0
    scale_parts = re.findall(r"([0-9.]*)([万億兆]?)", number.split("*")[0])
    scales = {"兆": 1e12, "億": 1e8, "万": 1e4, "": 1.0}
    try:
        for digits, scale in scale_parts:
            if digits or scale:
                total += float(digits or 1) * scales[scale]
        if "*" in number:
            total *= float(number.split("*")[1])
    except ValueError:
        return None
    return total, unit


def extract_figures(lines: list[str]) -> list[Figure]:
    figures = []
    for line in lines:
        for match in FIGURE.finditer(line):
            parsed = figure_value(match.group())
            if parsed is not None:
                figures.append(Figure(match.group(), parsed[0], parsed[1], line))
    return figures


def split_sentences(lines: list[str]) -> list[str]:
    """Sentences of the materials (cut at 。), long enough to be read aloud."""
    sentences = []
    for line in lines:
        for part in re.split(r"(?<=。)", line):
            part = part.strip()
            if len(part) >= MIN_SENTENCE_CHARS:
                sentences.append(part)
    return sentences
