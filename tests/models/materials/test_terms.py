"""Terms, figures and sentences of materials written here (not from the corpus)."""

from __future__ import annotations

import pytest

from models.materials import build_materials
from models.materials.reading import fold_reading, reading_of
from models.materials.terms import figure_value, file_terms, merge_terms, terms_from_json, terms_to_json

MATERIALS = """産業振興委員会　資料
資料1　島本町と千早赤阪村の連携事業について
企画調整課
（1）RFIの実施　令和7年度
（2）ミナモト工業団地の拡張　約2億4,000万円
（3）対象事業者　38社
出席者　委員長　渡部、委員　大槻
"""


@pytest.fixture(scope="module")
def materials():
    return build_materials([MATERIALS])


def test_proper_nouns_foreign_words_and_compounds_are_terms_with_readings(materials) -> None:
    terms = {t.surface: t for t in materials.terms}
    assert terms["千早赤阪村"].kind == "place" and terms["千早赤阪村"].reading == fold_reading("チハヤアカサカムラ")
    assert terms["島本町"].kind == "place"
    assert terms["RFI"].kind == "foreign" and terms["RFI"].reading == fold_reading("アールエフアイ")
    assert terms["企画調整課"].kind == "compound"
    assert terms["渡部"].kind == "person"
    assert "ミナモト工業団地" in terms


def test_everyday_words_are_kept_apart_and_eras_units_and_counters_dropped(materials) -> None:
    """Everyday nouns (資料, 実施) are kind "word": used only to correct exact homophones."""
    kinds = {t.surface: t.kind for t in materials.terms}
    assert {kinds["資料"], kinds["実施"], kinds["拡張"]} == {"word"}
    assert not set(kinds) & {"令和", "社", "km"}
    assert not any(s[0].isdigit() for s in kinds)


def test_terms_are_ranked_proper_nouns_first(materials) -> None:
    kinds = [t.kind for t in materials.terms]
    assert kinds[0] in ("place", "person", "organization", "proper")
    assert [t.score for t in materials.terms] == sorted((t.score for t in materials.terms), reverse=True)


def test_figures_keep_their_wording_and_line(materials) -> None:
    figures = {f.surface: f for f in materials.figures}
    assert figures["約2億4,000万円"].value == 240_000_000 and figures["約2億4,000万円"].unit == "円"
    assert figures["約2億4,000万円"].context == "ミナモト工業団地の拡張　約2億4,000万円"
    assert "38社" not in figures  # 社 is not one of the units (terms._UNITS)
    assert "令和7年度" in figures and "7年度" not in figures  # the era year whole (terms._ERA_YEAR)


@pytest.mark.parametrize(
    ("line", "surfaces"),
    [
        ("計画期間は令和元年度から令和5年度までとします。", ["令和元年度", "令和5年度"]),
        ("平成30年に策定した方針を、令和8年に見直す予定です。", ["平成30年", "令和8年"]),
        ("昭和63年度に建てた庁舎は、築36年となり、改修費は約3億円です。", ["昭和63年度", "36年", "約3億円"]),
        ("令和６年度の応募は１２件でした。", ["令和６年度", "１２件"]),
    ],
)
def test_an_era_year_is_one_figure_with_its_era(line: str, surfaces: list[str]) -> None:
    """「6年度」 alone would be another year: the era is part of the figure, 元年 included."""
    assert [f.surface for f in build_materials([line]).figures] == surfaces


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("約2,100万円", (21_000_000, "円")),
        ("5.5万円", (55_000, "円")),
        ("612人", (612, "人")),
        ("約28億円", (2.8e9, "円")),
        ("令和6年度", (2024, "年度")),  # an era year: the Gregorian year (its fiscal year begins in)
        ("令和元年", (2019, "年")),
        ("平成３１年度", (2019, "年度")),
        ("昭和64年", (1989, "年")),
    ],
)
def test_figure_values(surface: str, expected: tuple[float, str]) -> None:
    assert figure_value(surface) == expected


def test_readings_fold_what_the_ear_confuses() -> None:
    assert reading_of("所管") == reading_of("しょかん") == reading_of("ショーカン")
    assert reading_of("GIGA") == reading_of("ギガ")


def test_terms_stored_per_file_merge_into_the_terms_of_the_files_together() -> None:
    """What the service stores per file (``file_terms``) gives the same ranked list, counts and
    first contexts as extracting from all files at once."""
    second = "島本町の公民館について\n資料2　ミナモト工業団地　渡部\n"
    together = build_materials([MATERIALS, second]).terms
    stored = [terms_from_json(terms_to_json(file_terms(text))) for text in (MATERIALS, second)]
    files = [s for s in stored if s is not None]
    assert len(files) == 2
    assert merge_terms(files) == together
    assert build_materials([MATERIALS, second], files).terms == together
    assert {t.surface: t.count for t in together}["島本町"] == 2


def test_terms_stored_by_another_extractor_version_are_not_used() -> None:
    stored = terms_to_json(file_terms(MATERIALS))
    assert terms_from_json({**stored, "version": stored["version"] - 1}) is None
    assert terms_from_json(None) is None
