"""Reading-based correction on sentences written for these tests (not from the corpus): each
rule of ``models.materials.correction`` has a case where it replaces and one where it must not."""

from __future__ import annotations

import pytest

from models.materials import build_materials
from models.materials.correction import NEAR_SIMILARITY, correct_text

MATERIALS = build_materials(
    [
        """産業振興委員会　資料
1　島本町と千早赤阪村の連携事業について　企画調整課
2　RFIの実施　令和7年度
3　ミナモト工業団地の拡張
4　新校舎の整備により利用者は約3割の減少を見込む
担当　課長　渡部"""
    ]
)


@pytest.mark.parametrize(
    ("heard", "expected", "original"),
    [
        ("島元町と連携します。", "島本町と連携します。", "島元町"),  # same sounds, other kanji
        ("ちはやあかさか村の事業です。", "千早赤阪村の事業です。", "ちはやあかさか村"),  # a name in kana
        ("アールエフアイを実施します。", "RFIを実施します。", "アールエフアイ"),  # an acronym spelt out
        ("南元工業団地を拡張します。", "ミナモト工業団地を拡張します。", "南元工業団地"),  # near match (0.91)
        ("渡辺課長から説明します。", "渡部課長から説明します。", "渡辺"),  # short, but 課長 is its context
    ],
)
def test_spans_that_sound_like_a_term_are_replaced_and_recorded(heard: str, expected: str, original: str) -> None:
    text, replacements = correct_text(heard, MATERIALS)
    assert text == expected
    [r] = replacements
    assert r.original == original and text[r.start : r.start + len(r.replacement)] == r.replacement
    assert 0.0 < r.similarity <= 1.0


def test_everyday_words_of_the_materials_correct_exact_homophones_in_their_context() -> None:
    """減少/校舎 are no names, but the materials spell them; Whisper wrote 現象/校者."""
    text, replacements = correct_text("新しい校者の整備で、利用者は約3割現象します。", MATERIALS)
    assert text == "新しい校舎の整備で、利用者は約3割減少します。"
    assert [(r.original, r.replacement) for r in replacements] == [("校者", "校舎"), ("現象", "減少")]
    assert correct_text("不思議な現象です。", MATERIALS)[1] == []  # no word of its line around it
    assert correct_text("利用者の整備を十分に", MATERIALS)[1] == []  # everyday words: exact readings only


def test_a_particle_before_a_kana_name_is_kept() -> None:
    text, [r] = correct_text("島本町とちはやあかさか村の事業", MATERIALS)
    assert text == "島本町と千早赤阪村の事業" and r.original == "ちはやあかさか村"


@pytest.mark.parametrize(
    "heard",
    [
        "渡部さんが来ました。",  # already right
        "島本町と連携します。",  # already right
        "渡辺さんが来ました。",  # a short name without its context (課長) stays
        "工業用水の単価です。",  # shares a word, not the sounds
        "令和7年度に実施します。",  # figures and dates are never rewritten
        "企画の調整課です。",  # a particle inside: said differently from the compound 企画調整課
    ],
)
def test_no_replacement_without_matching_sounds_and_context(heard: str) -> None:
    assert correct_text(heard, MATERIALS) == (heard, [])


def test_near_matches_need_the_tested_similarity() -> None:
    """「ミナモト工業団地」 (8 folded kana): one kana off is 0.9 and replaced; three off is below
    the threshold and left alone."""
    assert NEAR_SIMILARITY == 0.8
    assert correct_text("ミナモド工業団地", MATERIALS)[0] == "ミナモト工業団地"
    assert correct_text("キナコモチ工業団地", MATERIALS)[1] == []


def test_without_materials_nothing_changes() -> None:
    assert correct_text("島元町と連携します。", build_materials([])) == ("島元町と連携します。", [])
