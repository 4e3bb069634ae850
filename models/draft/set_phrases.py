"""議会の定型句: homophones that Whisper picks wrongly inside fixed procedural phrases.

Every council meeting is run with the same phrases (「以上で質疑を終結いたします」「以上をもちまして
閉会いたします」), and Whisper base writes their homophones where the context rules them out:
「質疑を集結」 (集結 is troops assembling: nothing can gather a 質疑), 「異常をもちまして」
(異常 "abnormal" never opens a closing formula), 「質疑はありませんか。内容ですので」 (the chair's
「ないようですので」), 「予算を形状する」 (計上). Only such impossible collocations are rewritten,
so this is safe on any council's minutes, unlike a department's own vocabulary (単語登録), which
stays the user's. 「をもって／をもちまして」 is also written in kana here, as 公用文 does (以て).
"""

from __future__ import annotations

import re

_PROCEEDINGS = "質疑|討論|審議|採決|議事|協議|質問"
_CLOSING = "をもちまして|を持ちまして|をもって|を持って"

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # 「質疑を集結いたします」 → 終結
    (re.compile(rf"(?<={_PROCEEDINGS})(を|は)集結"), r"\1終結"),
    # 「異常で質疑を終結」「異常をもちまして閉会」 → 以上
    (re.compile(rf"異常(?=で(?:{_PROCEEDINGS}|本日|説明|報告)|{_CLOSING})"), "以上"),
    # 「以上を持ちまして」「本日を持って」 → kana もって (以て), not 持つ "to hold"
    (re.compile(r"(?<=以上|これ|本日)を持(ちまして|って)"), r"をも\1"),
    # The chair's 「質疑はありませんか。ないようですので」: 内容 "content" cannot answer the question.
    (
        re.compile(r"((?:ありませんか|ございませんか)[。、？?](?:えー)?、?)内容(?=ですので|でございますので)"),
        r"\1ないよう",
    ),
    # 「3,600万円を形状する」: 形状 "shape" is no verb; 計上 (to budget) is.
    (re.compile(r"(円|予算|経費|費用)を形状(?=し|す)"), r"\1を計上"),
)


def fix_set_phrases(text: str) -> str:
    """Rewrite impossible homophones inside council procedure phrases (see module docstring)."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
