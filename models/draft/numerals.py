"""Kanji numerals → Arabic digits, as 公用文 writes quantities and dates.

「公用文作成の考え方」(2022) writes numbers in Arabic digits but keeps kanji in words whose
numeral is not a quantity (一般, 一部, 統一, 第三者, 一つ, 一人). Whisper already writes most
numbers in Arabic digits; this converts the kanji numbers it does emit, and only where the
number is plainly a count: it must be followed by a counter (年, 月, 日, 円, 人, 件, 校, 割, …)
or be the second half of a fraction (三分の一 → 3分の1). Everything else is left alone, which keeps
idioms and most place names (三重, 九州, 八王子, 一宮) intact; the known collisions with counters
(十分に, 一時, 一日も早く, 四日市, 六本木, …) are listed below, and a user's vocabulary words are
never touched (``protected``).

Output format: groups of up to four digits with 万・億・兆 kept as kanji and no thousands comma
inside a group — 三億五千万円 → 3億5000万円, 二千二十四年 → 2024年. That is how Whisper writes
large numbers (「5万5000円」), so converted and recognised numbers look alike. 元年 stays 元年.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_DIGITS = dict(zip("〇零一二三四五六七八九", (0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}
_KANJI_NUMERAL = set(_DIGITS) | set(_SMALL_UNITS)

# A run of numeral characters; Arabic digits are included because Whisper mixes them (「5千万」).
_RUN = re.compile(r"(?<![0-9,.])[0-9〇零一二三四五六七八九十百千万億兆]+")
_TOKEN = re.compile(r"[0-9]+|.")

_COUNTERS = tuple(
    sorted(
        (
            "年",
            "月",
            "日",
            "時",
            "分",
            "秒",
            "週",
            "か月",
            "ヶ月",
            "カ月",
            "ケ月",
            "箇月",
            "円",
            "ドル",
            "人",
            "名",
            "世帯",
            "件",
            "台",
            "校",
            "回",
            "度",
            "条",
            "項",
            "号",
            "次",
            "期",
            "歳",
            "才",
            "個",
            "本",
            "枚",
            "冊",
            "部",
            "割",
            "厘",
            "倍",
            "点",
            "位",
            "番",
            "階",
            "棟",
            "戸",
            "社",
            "組",
            "代",
            "学年",
            "学級",
            "クラス",
            "か所",
            "カ所",
            "ヶ所",
            "箇所",
            "%",
            "％",
            "パーセント",
            "キロ",
            "メートル",
            "センチ",
            "ミリ",
            "グラム",
            "トン",
            "リットル",
            "ヘクタール",
            "平方",
            "立方",
        ),
        key=len,
        reverse=True,
    )
)
_RANGE_MARKS = "〜～~－-"

# Fixed words starting with a numeral and a counter; kept in kanji wherever they occur.
_FIXED_WORDS = (
    "一人",
    "二人",
    "一部",
    "一度",
    "一番",
    "一本化",
    "一枚岩",
    "一個人",
    "三位一体",
    "一点張り",
    "一回り",
    "一期一会",
    "一件落着",
    "百人一首",
    "十人十色",
    "三日月",
    "三日坊主",
    "五月雨",
    "五月晴",
    "四日市",
    "十日町",
    "五日市",
    "二日市",
    "八日市",
    "二本松",
    "六本木",
    "三本木",
    "一本松",
    "一本木",
    "八千代",
    "千代田",
)
# A numeral right after these is part of a word (統一, 同一年度, 数十人, 何百人), not a count.
_WORD_PREFIXES = set("統同単唯均画随逐専無不合帰純択数何幾")


def _parse(run: str) -> int | None:
    """The value of a numeral run, or None where it is not one number (二三日 means 2 or 3 days)."""
    if len(run) > 1 and set(run) <= set(_DIGITS) and ("〇" in run or "零" in run):
        return int("".join(str(_DIGITS[ch]) for ch in run))  # positional: 二〇二四 → 2024
    total = section = 0
    digit: int | None = None
    last_small, last_large = 10**4, 10**13
    for tok in _TOKEN.findall(run):
        if tok.isdigit() or tok in _DIGITS:
            if digit is not None:
                return None
            digit = int(tok) if tok.isdigit() else _DIGITS[tok]
        elif tok in _SMALL_UNITS:
            unit = _SMALL_UNITS[tok]
            if unit >= last_small:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_small = None, unit
        else:
            unit = _LARGE_UNITS[tok]
            section += digit or 0
            if unit >= last_large or section == 0:
                return None
            total += section * unit
            section, digit, last_small, last_large = 0, None, 10**4, unit
    return total + section + (digit or 0)


def _format(value: int) -> str:
    parts = []
    for unit, size in (("兆", 10**12), ("億", 10**8), ("万", 10**4)):
        count, value = divmod(value, size)
        if count:
            parts.append(f"{count}{unit}")
    if value or not parts:
        parts.append(str(value))
    return "".join(parts)


def _is_counted(text: str, end: int) -> bool:
    """Is the number ending at ``end`` followed by a counter, directly or via a range (三〜四人)?"""
    if text.startswith(_COUNTERS, end):
        return True
    if end < len(text) and text[end] in _RANGE_MARKS:
        nxt = _RUN.match(text, end + 1)
        return nxt is not None and text.startswith(_COUNTERS, nxt.end())
    return False


def _is_fraction_denominator(text: str, start: int) -> bool:
    """三分の一: the 一 after 「数字分の」 is a count as well."""
    return (
        text[max(0, start - 2) : start] == "分の"
        and start >= 3
        and text[start - 3] in (set(_DIGITS) | set(_SMALL_UNITS) | set(_LARGE_UNITS) | set("0123456789"))
    )


def _kept_in_context(text: str, start: int, run: str) -> bool:
    """Numeral + counter pairs that are words unless the context makes them a time or date."""
    rest = text[start + len(run) :]
    before = text[max(0, start - 2) : start]
    if run == "一" and rest.startswith("時"):  # 一時中断 (temporarily) vs 午後一時, 一時間
        return not (before in ("午前", "午後") or rest[1:].startswith(("間", "半", "頃", "ごろ")))
    if run == "一" and rest.startswith("日"):  # 一日も早く vs 五月一日, 一日間
        return not (before.endswith("月") or rest[1:].startswith("間"))
    if run == "十" and rest.startswith("分"):  # 十分に (enough) vs 十時十分, 十分間
        after = ("間", "後", "前", "程度", "ほど", "くらい", "ぐらい", "頃", "ごろ", "以", "未満")
        return not (before.endswith("時") or rest[1:].startswith(after))
    if run == "一" and rest.startswith("円"):  # 市内一円 (throughout the city)
        return before.endswith("内")
    return False


def kanji_numbers_to_arabic(text: str, protected: Iterable[str] = ()) -> str:
    """Convert counted kanji numbers; text inside any ``protected`` word is left as it is."""
    words = sorted({w for w in protected if w}, key=len, reverse=True)
    spans = [m.span() for m in re.finditer("|".join(map(re.escape, words)), text)] if words else []

    def convert(m: re.Match[str]) -> str:
        run, start, end = m.group(), m.start(), m.end()
        if not _KANJI_NUMERAL & set(run) or run[0] in _LARGE_UNITS:
            return run
        if any(s < end and start < e for s, e in spans):
            return run
        if start > 0 and text[start - 1] in _WORD_PREFIXES:
            return run
        if text.startswith(_FIXED_WORDS, start) or _kept_in_context(text, start, run):
            return run
        if not (_is_counted(text, end) or _is_fraction_denominator(text, start)):
            return run
        value = _parse(run)
        return run if value is None else _format(value)

    return _RUN.sub(convert, text)
