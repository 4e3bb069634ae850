"""Normalisation rules documented in evaluation/normalize.py, one case per rule."""

import pytest

from evaluation.normalize import (
    normalize_chars,
    normalize_for_cer,
    normalize_words,
    numeral_value,
    unify_numerals,
)


def test_normalize_chars_folds_width_and_drops_punctuation_spaces_controls():
    assert normalize_chars("ＡＢＣ　１２３、。「ﾃｽﾄ」・\u200b\n") == "ABC123テスト"


@pytest.mark.parametrize(
    ("run", "value"),
    [
        ("六", 6),
        ("二十四", 24),
        ("百二十", 120),
        ("千", 1000),
        ("三千五百", 3500),
        ("一千万", 10_000_000),
        ("三億五千万", 350_000_000),
        ("3億5000万", 350_000_000),
        ("二〇二四", 2024),
        ("2024", 2024),
        ("一兆二億", 1_000_200_000_000),
        ("万", 10_000),
    ],
)
def test_numeral_value(run, value):
    assert numeral_value(run) == value


def test_unify_numerals_rewrites_runs_inside_text():
    assert unify_numerals("令和六年度第三回") == "令和6年度第3回"


@pytest.mark.parametrize(
    ("kanji", "arabic"),
    [
        ("令和六年", "令和6年"),
        ("三億五千万円", "350000000円"),
        ("三億五千万円", "3億5000万円"),
        ("三千五百円", "3,500円"),
        ("二〇二四年", "2024年"),
    ],
)
def test_numeral_variant_makes_both_spellings_equal(kanji, arabic):
    assert normalize_for_cer(kanji, numerals=True) == normalize_for_cer(arabic, numerals=True)
    assert normalize_for_cer(kanji) != normalize_for_cer(arabic)


def test_idioms_with_numeral_characters_change_the_same_way_on_both_sides():
    assert normalize_for_cer("一般会計", numerals=True) == "1般会計"


def test_normalize_words_for_space_delimited_languages():
    assert normalize_words("Hello,  World!\tＯＫ") == "hello world ok"
