"""clean_text on committee-meeting sentences as Whisper writes them (spaces, fillers, repeats)."""

import pytest

from models.draft import Vocabulary, VocabularyEntry, clean_text, verbatim_text


@pytest.mark.parametrize(
    ("verbatim", "expected"),
    [
        # fillers at the start, in the middle, several in a row
        ("えー、本日の議題は二件です。", "本日の議題は2件です。"),
        ("令和5年度の決算額は、えー、3億2000万円でございます。", "令和5年度の決算額は、3億2000万円でございます。"),
        ("まあ、あのー、予算の執行状況について伺います。", "予算の執行状況について伺います。"),
        ("えっと、資料の3ページをご覧ください。", "資料の3ページをご覧ください。"),
        ("えーとですね、担当課から説明します。", "担当課から説明します。"),
        ("うーん、その点は検討が必要です。", "その点は検討が必要です。"),
        ("そのー、補助金の件ですが、", "補助金の件ですが、"),
        (
            "ほかにございませんか。えー、ないようですので、質疑を終結します。",
            "ほかにございませんか。ないようですので、質疑を終結します。",
        ),
        # a filler left between 、 and 。 must not leave 「、。」
        ("以上でございますが、えー。", "以上でございますが。"),
        # Whisper's spaces: pauses mark fillers, then disappear
        ("えー 統合 によって 通学 距離 が 長く なります", "統合によって通学距離が長くなります"),
        ("まあ バスの運行は必要です", "バスの運行は必要です"),
        # stutters and restarted words
        ("こ、こちらの資料をご覧ください。", "こちらの資料をご覧ください。"),
        ("来年度の予算、予算は前年度並みです。", "来年度の予算は前年度並みです。"),
        ("まあ、この、この点について伺います。", "この点について伺います。"),
        # full-width digits and kanji numerals
        ("児童数は６１２人です。", "児童数は612人です。"),
        ("令和六年十一月二十二日に開催します。", "令和6年11月22日に開催します。"),
        ("総事業費は三億五千万円を見込んでおります。", "総事業費は3億5000万円を見込んでおります。"),
    ],
)
def test_clean_text_removes_kebas(verbatim: str, expected: str) -> None:
    assert clean_text(verbatim) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "あの件については、所管課から回答します。",  # demonstrative, not a filler
        "その後、協議を進めてまいります。",
        "まあまあの成果であったと考えております。",
        "私は、はじめに確認します。",  # は、は is not a stutter here
        "東小学校、西小学校の2校です。",
        "会議、会議録の順に進めます。",  # a list, not a restart
        "ええ、そのとおりでございます。",  # ええ = yes
        "一般会計の一部を統一して、第三者の意見も一つ一つ伺います。",
        "十分に検討していただきたいと思います。",
        "一日も早い復旧を望みます。",
    ],
)
def test_clean_text_keeps_ordinary_words(sentence: str) -> None:
    assert clean_text(sentence) == sentence


def test_clean_text_applies_vocabulary_and_protects_its_words_from_numerals() -> None:
    vocabulary = Vocabulary(
        [
            VocabularyEntry("GIGAスクール", ["ギガスクール"]),
            VocabularyEntry("三春町", ["みはるまち"]),
        ]
    )
    text = "えー、ギガ スクール の端末を、みはるまち でも三台導入します。"
    assert clean_text(text, vocabulary) == "GIGAスクールの端末を、三春町でも3台導入します。"


def test_verbatim_text_only_normalises_spacing_and_digit_width() -> None:
    text = "えー　ギガ スクール の 端末は１２３台、えー、Wi Fi も 整備します"
    assert verbatim_text(text) == "えーギガスクールの端末は123台、えー、Wi Fiも整備します"


@pytest.mark.parametrize(
    ("whisper", "verbatim"),
    [
        ("教育長の高橋でございます。Aまず小学校", "教育長の高橋でございます。えーまず小学校"),
        ("A 通学距離が", "えー通学距離が"),
        ("A、それでは", "えー、それでは"),
        ("A4用紙で配布", "A4用紙で配布"),
        ("AIの活用", "AIの活用"),
        ("Aランクの評価", "Aランクの評価"),
        ("プランA。次に", "プランA。次に"),
        ("え、通学距離が", "えー、通学距離が"),
        ("え統合によって", "えー統合によって"),
        ("ええ、そうです", "ええ、そうです"),
        ("えっ、本当ですか", "えっ、本当ですか"),
        ("これはえんぴつ", "これはえんぴつ"),
        ("修理件数は、A142件でございました", "修理件数は、えー142件でございました"),
        ("予算に A 3,600万円を", "予算にえー3,600万円を"),
        ("資料は、A4判で", "資料は、A4判で"),
        ("会場は、A3サイズの", "会場は、A3サイズの"),
        ("このため、あの、東小学校", "このため、あのー、東小学校"),
        ("あの、現在の端末は", "あのー、現在の端末は"),
        ("あの件については", "あの件については"),
        ("このため、あの学校は", "このため、あの学校は"),
    ],
)
def test_whisper_filler_renderings_are_spelled_as_said_only_at_a_phrase_start(whisper: str, verbatim: str) -> None:
    assert verbatim_text(whisper) == verbatim


def test_romanised_filler_is_then_removed_by_cleaning() -> None:
    assert clean_text(verbatim_text("ございます。Aまず説明します。")) == "ございます。まず説明します。"
