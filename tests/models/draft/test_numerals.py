"""Numeral choices per 公用文: counts and dates in Arabic digits, words and idioms in kanji."""

import pytest

from models.draft.numerals import kanji_numbers_to_arabic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和六年度", "令和6年度"),
        ("令和元年五月一日", "令和元年5月1日"),  # 元年 stays
        ("二千二十四年", "2024年"),
        ("二〇二四年", "2024年"),  # positional reading
        ("三億五千万円", "3億5000万円"),  # 万・億 stay kanji, no comma inside a group
        ("五万五千円", "5万5000円"),
        ("5千万円", "5000万円"),  # Whisper's mixed form
        ("百万円", "100万円"),
        ("六百十二人", "612人"),
        ("第三回", "第3回"),
        ("約三割", "約3割"),
        ("三〜四人", "3〜4人"),
        ("三分の一", "3分の1"),
        ("午後一時", "午後1時"),
        ("一時間", "1時間"),
        ("十時十分", "10時10分"),
        ("三十分", "30分"),
    ],
)
def test_counted_numbers_become_arabic(text: str, expected: str) -> None:
    assert kanji_numbers_to_arabic(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "一般",
        "一部",
        "統一",
        "第三者",
        "一つ",
        "一人一人",
        "二人で",
        "同一年度",
        "数十人",
        "十分に",
        "一時中断",
        "一日も早く",
        "一番目",
        "第一に",
        "第一小学校",
        "万一の場合",
        "二三日",  # "two or three days", not 23
        "三重県",
        "九州",
        "四日市市",
        "六本木",
        "八千代市",
        "四万十市",
        "市内一円",
    ],
)
def test_words_and_names_keep_kanji(text: str) -> None:
    assert kanji_numbers_to_arabic(text) == text


def test_protected_words_are_not_converted() -> None:
    assert kanji_numbers_to_arabic("三春町の三件", protected=["三春町"]) == "三春町の3件"


def test_arabic_numbers_are_left_as_written() -> None:
    assert kanji_numbers_to_arabic("1,000万円と5万5000円") == "1,000万円と5万5000円"
