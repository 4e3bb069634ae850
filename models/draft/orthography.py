"""公用文 spelling of auxiliary verbs and formal nouns (表記の統一).

Whisper spells the same spoken words either way (「検討して参ります」「検討してまいります」), and
minutes staff unify them by the rule of 「公用文における漢字使用等について」: auxiliary verbs and
formal nouns are written in kana. Only contexts where the word cannot be the content word are
rewritten: 「参ります」 right after て/で (auxiliary, not 参る "to visit"), 「通り」 after a
modifier (「御指摘の通り」, not 「大通り」), 「下さい」「頂く」「致す」「欲しい」 after て/で or
お/ご-phrases, 「他に」 at the start of a phrase (「他に質疑は」 → 「ほかに」, the list's 「ほか」), and
the set phrases 「お疲れさま」「ご苦労さま」 as minutes write them. Nothing else is touched, so a
clerk's own wording survives.
"""

from __future__ import annotations

import re

from models.draft.set_phrases import fix_set_phrases

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=[てで])参り"), "まいり"),
    (re.compile(r"(?<=[てで])参る"), "まいる"),
    (re.compile(r"(?<=[てで])下さ(?=[いる])"), "くださ"),
    (re.compile(r"(?<=[てで])頂(?=[いきくけこ])"), "いただ"),
    (re.compile(r"(?<=[てで])致(?=[しすせ])"), "いた"),
    (re.compile(r"(?<=[ぁ-ゖ一-龯])致し(?=ま[すせし])"), "いたし"),  # 「説明致します」「お願い致します」
    (re.compile(r"(?<=[のたる])通り(?![をにが道沿])"), "とおり"),
    (re.compile(r"(?<=[のたる])様に"), "ように"),
    (re.compile(r"(?<=[てで])欲し(?=[いかくけ])"), "ほし"),  # 「残して欲しい」: auxiliary ほしい
    # 「他に質疑は」: ほか as "other/else" (the 2010 list's 「そのほか」); 「その他」 (そのた) is left.
    (re.compile(r"(?:^|(?<=[、。\s]))他に"), "ほかに"),
    (re.compile(r"(?<=[お御ご]疲れ)様"), "さま"),  # 「お疲れさまでした」「ご苦労さま」
    (re.compile(r"(?<=[お御ご]苦労)様"), "さま"),
)


def kana_auxiliaries(text: str) -> str:
    """Write auxiliary verbs and formal nouns in kana, as 公用文 does."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def standard_spelling(text: str) -> str:
    """The spelling both minutes texts share: 公用文 kana, then the council set phrases."""
    return fix_set_phrases(kana_auxiliaries(text))
