"""models.draft.vocabulary_impact on sentences written for these tests (not from the corpus)."""

from __future__ import annotations

from models.draft.vocabulary import Vocabulary, VocabularyEntry
from models.draft.vocabulary_impact import vocabulary_impact

TEXTS = [
    (1, "駅前の自動車交通量を調べました。"),
    (1, "自動車税の収入は前年並みです。"),
    (2, "自動の照明に切り替えます。"),
    (3, "児童館の利用者は増えました。"),
]


def test_counts_changes_per_text_and_gives_examples_in_context() -> None:
    impact = vocabulary_impact(VocabularyEntry("児童", ["自動"]), [], TEXTS)
    assert (impact.changes, impact.texts_changed) == (3, 2)
    first = impact.examples[0]
    assert (first.source, first.prefix, first.old, first.new) == (1, "駅前の", "自動", "児童")
    assert first.suffix.startswith("車交通量")
    assert [(w.word, w.count) for w in impact.longer_words] == [("自動車交通量", 1), ("自動車税", 1)]
    assert impact.risky


def test_examples_are_capped() -> None:
    impact = vocabulary_impact(VocabularyEntry("児童", ["自動"]), [], TEXTS, max_examples=1)
    assert impact.changes == 3 and len(impact.examples) == 1


def test_standalone_use_is_not_a_longer_word() -> None:
    impact = vocabulary_impact(VocabularyEntry("児童", ["自動"]), [], [(2, "自動の照明に切り替えます。")])
    assert impact.changes == 1 and impact.longer_words == [] and not impact.risky


def test_existing_canonical_protects_its_word() -> None:
    impact = vocabulary_impact(VocabularyEntry("児童", ["自動"]), [VocabularyEntry("自動車", [])], TEXTS)
    assert impact.changes == 1 and impact.texts_changed == 1 and impact.longer_words == []


def test_own_canonical_containing_the_variant_is_not_flagged() -> None:
    impact = vocabulary_impact(VocabularyEntry("緑ヶ丘公民館", ["緑ヶ丘公"]), [], [(1, "緑ヶ丘公民館で開催します。")])
    assert impact.changes == 0 and not impact.risky


def test_latin_and_katakana_runs_are_words_hiragana_is_not() -> None:
    entry = VocabularyEntry("ICT", ["IC", "シーティー", "あいしー"])
    texts = [(1, "ICOCAのICチップ、ICT、シーティーエス、あいしーの日程。")]
    impact = vocabulary_impact(entry, [], texts)
    # ICOCA: Latin run; シーティーエス: katakana run; IC before チ and あいし before の: not extended
    assert [w.word for w in impact.longer_words] == ["ICOCA", "シーティーエス"]
    assert impact.changes == 4


def test_one_character_source_is_risky_without_any_text() -> None:
    impact = vocabulary_impact(VocabularyEntry("市", ["し", "市役所"]), [], [])
    assert impact.one_character == ["し"] and impact.risky and impact.changes == 0


def test_replacements_are_what_apply_changes() -> None:
    vocab = Vocabulary([VocabularyEntry("朝日町", ["旭町", "あさひまち"])])
    text = "旭町と朝日町とアサヒマチ"
    spans = vocab.replacements(text)
    assert [(text[s:e], r) for s, e, r in spans] == [("旭町", "朝日町"), ("アサヒマチ", "朝日町")]
    rebuilt = text
    for s, e, r in reversed(spans):
        rebuilt = rebuilt[:s] + r + rebuilt[e:]
    assert rebuilt == vocab.apply(text)
