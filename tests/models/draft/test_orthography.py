import pytest

from models.draft.orthography import kana_auxiliaries


@pytest.mark.parametrize(
    ("whisper", "expected"),
    [
        ("保護者の意見も伺いながら検討して参ります。", "保護者の意見も伺いながら検討してまいります。"),
        ("御指摘の通りでございます。", "御指摘のとおりでございます。"),
        ("次の通り報告いたします。", "次のとおり報告いたします。"),
        ("説明致します。", "説明いたします。"),
        ("御理解を頂きたいと思います。", "御理解を頂きたいと思います。"),
        ("ご協力して頂きたい", "ご協力していただきたい"),
        ("資料をご覧下さい。", "資料をご覧下さい。"),
        ("お知らせして下さい。", "お知らせしてください。"),
        ("申し上げた様に", "申し上げたように"),
        # content words stay
        ("神社に参ります。", "神社に参ります。"),
        ("駅前の大通りを通ります。", "駅前の大通りを通ります。"),
        ("この通りを北へ", "この通りを北へ"),
    ],
)
def test_auxiliaries_in_kana_content_words_untouched(whisper: str, expected: str) -> None:
    assert kana_auxiliaries(whisper) == expected
