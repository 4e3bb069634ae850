"""Corrections reach both texts of a turn (issue 14, item 3), on sentences made up for the tests."""

from __future__ import annotations

from models.draft import clean_text
from models.draft.corrections import carry, correct, word_spans
from models.draft.vocabulary import Vocabulary, VocabularyEntry
from models.types import Minutes, Turn, Word

VERBATIM = "えー、来年度の図書館の開館時間について、あのー、ご説明します。"
CLEAN = "来年度の図書館の開館時間について、ご説明します。"
MONEY = "えー、改修費は二億円です。"
MONEY_CLEAN = "改修費は2億円です。"


def chars(text: str) -> list[str]:
    """Words as the scripted test pipeline makes them: one per character."""
    return list(text)


def test_the_test_sentences_are_what_kebatori_makes() -> None:
    assert clean_text(VERBATIM) == CLEAN and clean_text(MONEY) == MONEY_CLEAN


def test_a_cleaned_text_fix_reaches_the_verbatim_text() -> None:
    fixed = correct(VERBATIM, CLEAN, False, chars(VERBATIM), "clean_text", CLEAN.replace("開館", "閉館"))
    assert fixed.text == VERBATIM.replace("開館", "閉館")
    assert fixed.clean_text == CLEAN.replace("開館", "閉館") and not fixed.clean_edited


def test_an_insertion_before_a_removed_filler_lands_after_it() -> None:
    fixed = correct(VERBATIM, CLEAN, False, chars(VERBATIM), "clean_text", "詳しく" + CLEAN)
    assert fixed.text == "えー、詳しく" + VERBATIM[3:] and not fixed.clean_edited
    middle = CLEAN.replace("、ご説明", "、詳しくご説明")
    assert correct(VERBATIM, CLEAN, False, [], "clean_text", middle).text == VERBATIM.replace("ご説明", "詳しくご説明")


def test_a_verbatim_fix_is_cleaned_again_numerals_and_all() -> None:
    fixed = correct(MONEY, MONEY_CLEAN, False, chars(MONEY), "text", MONEY.replace("二億", "三億"))
    assert fixed.text == "えー、改修費は三億円です。"
    assert fixed.clean_text == "改修費は3億円です。" and not fixed.clean_edited


def test_rederiving_keeps_what_the_verbatim_cannot_rebuild() -> None:
    """A removal the pipeline made from Whisper's pauses (not in the verbatim text) stays made."""
    clean = "改修費は2億円です。"  # as if the pipeline had also dropped 「その」 from 「その改修費」
    fixed = correct("その改修費は二億円です。", clean, False, [], "text", "その改修費は三億円です。")
    assert fixed.clean_text == "改修費は3億円です。"


def test_a_fix_of_text_kebatori_rewrote_stays_in_the_cleaned_text_and_marks_it() -> None:
    fixed = correct(MONEY, MONEY_CLEAN, False, chars(MONEY), "clean_text", "改修費は2.5億円です。")
    assert fixed.text == MONEY  # 「2」 is 「二」 in the verbatim text: not the same words
    assert fixed.clean_text == "改修費は2.5億円です。" and fixed.clean_edited


def test_hand_edited_cleaned_text_is_not_overwritten_by_a_verbatim_fix() -> None:
    edited = "来年度の図書館の開館時間を、ご説明します。"  # staff rephrased it
    fixed = correct(VERBATIM, edited, True, [], "text", VERBATIM.replace("図書館", "公民館"))
    assert fixed.clean_text == "来年度の公民館の開館時間を、ご説明します。" and fixed.clean_edited


def test_a_fix_where_the_other_text_differs_is_not_carried_to_another_occurrence() -> None:
    """Only the occurrence whose neighbours match is changed, never a lookalike elsewhere."""
    verbatim = "議長、議長の発言を求めます。"
    clean = "議長の発言を求めます。"  # the repeated 「議長、」 was dropped
    fixed = correct(verbatim, clean, False, [], "clean_text", "副議長の発言を求めます。")
    assert fixed.text == "議長、副議長の発言を求めます。"


def test_carry_changes_nothing_when_the_words_are_not_there() -> None:
    assert carry("あいうえお", "あいXえお", "かきくけこ").text == "かきくけこ"
    assert carry("同じ", "同じ", "別").text == "別"


def test_vocabulary_applies_when_the_cleaned_text_is_derived_again() -> None:
    vocabulary = Vocabulary([VocabularyEntry("ギガスクール", ["ぎがすくーる"])])
    verbatim, clean = "えー、ぎがすくーるの件です。", "ギガスクールの件です。"
    fixed = correct(verbatim, clean, False, [], "text", "えー、ぎがすくーるの予算の件です。", vocabulary)
    assert fixed.clean_text == "ギガスクールの予算の件です。"


def test_the_words_a_correction_touches_are_reported() -> None:
    words = ["来年度", "の", "図書館", "の", "開館", "時間"]
    text = "来年度の図書館の開館時間"
    assert [s[2] for s in word_spans(text, words)] == [0, 1, 2, 3, 4, 5]
    fixed = correct(text, text, False, words, "clean_text", "来年度の図書館の閉館時間")
    assert fixed.touched == [4]  # 開館; 時間 and the rest are untouched
    inserted = correct(text, text, False, words, "text", "来年度の市立図書館の開館時間")
    assert inserted.touched == [1, 2]  # typed between の and 図書館: both edges


def test_flags_round_trip_and_stay_out_of_untouched_drafts() -> None:
    turn = Turn("S0", 0.0, 1.0, "あ", "あ", [Word(0.0, 1.0, "あ", 0.3)])
    minutes = Minutes.from_dict({"turns": [], "speakers": []})
    minutes.turns.append(turn)
    plain = minutes.to_dict()["turns"][0]
    assert "clean_edited" not in plain and "confirmed" not in plain["words"][0]
    turn.clean_edited = True
    turn.words[0] = Word(0.0, 1.0, "あ", 0.3, confirmed=True)
    again = Minutes.from_dict(minutes.to_dict()).turns[0]
    assert again.clean_edited and again.words[0].confirmed
