"""単語登録: correction, file formats and decoding hints."""

from pathlib import Path

import pytest

from models.draft import Vocabulary, VocabularyEntry, load_vocabulary
from models.errors import GijirokuError


def _vocabulary() -> Vocabulary:
    return Vocabulary(
        [
            VocabularyEntry("朝日小学校", ["朝日小", "旭小学校"]),
            VocabularyEntry("GIGAスクール", ["ぎがすくーる"]),
            VocabularyEntry("高橋教育長", ["高橋強育長"]),
        ]
    )


def test_apply_replaces_variants_by_canonical() -> None:
    text = "旭小学校の校舎と高橋強育長の説明"
    assert _vocabulary().apply(text) == "朝日小学校の校舎と高橋教育長の説明"


def test_apply_does_not_replace_inside_a_canonical_word() -> None:
    # 「朝日小」 is a variant, but inside 「朝日小学校」 it must stay as it is.
    assert _vocabulary().apply("朝日小学校と朝日小") == "朝日小学校と朝日小学校"


def test_kana_variants_match_hiragana_and_katakana_and_latin_ignores_case() -> None:
    vocabulary = _vocabulary()
    assert vocabulary.apply("ギガスクール構想") == "GIGAスクール構想"
    assert vocabulary.apply("gigaスクール構想") == "GIGAスクール構想"


def test_hotwords_lists_canonicals_within_the_limit() -> None:
    vocabulary = _vocabulary()
    assert vocabulary.hotwords() == "朝日小学校、GIGAスクール、高橋教育長"
    assert vocabulary.hotwords(max_chars=14) == "朝日小学校、GIGAスクール"


def test_load_csv_with_header_comments_and_both_separators(tmp_path: Path) -> None:
    path = tmp_path / "words.csv"
    path.write_text(
        "canonical,variants\n# 地名\n朝日町,旭町|あさひまち\n大沢地区,大澤地区;おおさわちく\n\n",
        encoding="utf-8",
    )
    vocabulary = load_vocabulary(path)
    assert vocabulary.entries == [
        VocabularyEntry("朝日町", ["旭町", "あさひまち"]),
        VocabularyEntry("大沢地区", ["大澤地区", "おおさわちく"]),
    ]


def test_load_tsv_and_shift_jis_csv_from_excel(tmp_path: Path) -> None:
    tsv = tmp_path / "words.tsv"
    tsv.write_text("佐藤委員長\t佐藤委員鳥\n", encoding="utf-8")
    assert load_vocabulary(tsv).entries == [VocabularyEntry("佐藤委員長", ["佐藤委員鳥"])]
    sjis = tmp_path / "excel.csv"
    sjis.write_bytes("朝日町,旭町,あさひまち\r\n".encode("cp932"))
    assert load_vocabulary(sjis).entries == [VocabularyEntry("朝日町", ["旭町", "あさひまち"])]


def test_load_json_list_and_mapping(tmp_path: Path) -> None:
    listed = tmp_path / "a.json"
    listed.write_text('[{"canonical": "朝日町", "variants": ["旭町"]}]', encoding="utf-8")
    mapped = tmp_path / "b.json"
    mapped.write_text('{"朝日町": ["旭町"]}', encoding="utf-8")
    expected = [VocabularyEntry("朝日町", ["旭町"])]
    assert load_vocabulary(listed).entries == expected
    assert load_vocabulary(mapped).entries == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [("bad.json", "{not json"), ("bad.json", '[{"variants": ["x"]}]'), ("bad.csv", ",旭町\n")],
)
def test_invalid_files_raise_a_user_error(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GijirokuError) as info:
        load_vocabulary(path)
    assert info.value.code == "vocabulary_invalid"


def test_missing_file_raises_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(GijirokuError) as info:
        load_vocabulary(tmp_path / "none.csv")
    assert info.value.code == "vocabulary_unreadable"
