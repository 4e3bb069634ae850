import pytest

from models.draft.set_phrases import fix_set_phrases


@pytest.mark.parametrize(
    ("whisper", "expected"),
    [
        ("以上で質疑を集結いたします。", "以上で質疑を終結いたします。"),
        ("これで討論を集結します", "これで討論を終結します"),
        ("異常で質疑を終結いたします。", "以上で質疑を終結いたします。"),
        ("異常をもちまして、委員会を閉会いたします。", "以上をもちまして、委員会を閉会いたします。"),
        ("異常を持ちまして閉会", "以上をもちまして閉会"),
        ("本日を持って終了します", "本日をもって終了します"),
        # ordinary uses stay
        ("部隊が集結した", "部隊が集結した"),
        ("住民が駅前に集結する", "住民が駅前に集結する"),
        ("検査で異常が見つかった", "検査で異常が見つかった"),
        ("数値は異常です", "数値は異常です"),
        ("責任を持って対応します", "責任を持って対応します"),
        ("以上です。", "以上です。"),
    ],
)
def test_impossible_homophones_in_procedure_phrases_are_fixed(whisper: str, expected: str) -> None:
    assert fix_set_phrases(whisper) == expected
