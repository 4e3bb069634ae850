"""What a new 単語登録 entry would do to text already written, before it is added.

A vocabulary rule rewrites every future draft of the department, silently. A rule learnt from one
misrecognition can be wrong everywhere else: 自動→児童 (Whisper heard 児童 as 自動) also turns every
自動車 into 児童車. So the entry is first run over the department's past transcripts (their latest,
corrected text, where every change is a change to text staff accepted) and the caller is told:

- how many places would change, in how many texts, with a few examples (before / after);
- which sources (variants) are one character long: such a rule fires inside countless words;
- which sources the past text uses inside longer words (自動 in 自動車): the rule would split them.
  A "longer word" is the run of characters of the source's own script around the match — kanji
  (with 々〆ヶ), katakana (with ー) or Latin letters and digits — since Japanese text has no spaces
  and a compound noun is written as one such run (自動車, 自動運転). Hiragana sources are not
  extended: hiragana runs are particles and endings, not longer words.

The rule is matched exactly as ``Vocabulary.apply`` will match it, together with the department's
existing entries (longest first, canonical spellings protected), so a place an existing entry
already owns is not counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from models.draft.vocabulary import Vocabulary, VocabularyEntry

CONTEXT_CHARS = 12  # characters of text shown on each side of an example change
K = TypeVar("K", bound=Hashable)  # the caller's key for a text (e.g. a meeting id)


@dataclass(frozen=True)
class ImpactExample(Generic[K]):
    """One change in context: ``prefix + old + suffix`` now, ``prefix + new + suffix`` after."""

    source: K  # which text
    prefix: str
    old: str
    new: str
    suffix: str


@dataclass(frozen=True)
class LongerWord:
    source: str  # the rule's variant as found in the text
    word: str  # the longer word it was found inside
    count: int


@dataclass
class VocabularyImpact(Generic[K]):
    changes: int = 0  # places the rule would change
    texts_changed: int = 0  # how many of the caller's texts (by key) contain at least one
    examples: list[ImpactExample[K]] = field(default_factory=list)
    one_character: list[str] = field(default_factory=list)  # variants one character long
    longer_words: list[LongerWord] = field(default_factory=list)  # most frequent first

    @property
    def risky(self) -> bool:
        """Whether adding the entry should need an explicit confirmation."""
        return bool(self.one_character or self.longer_words)


def _script(ch: str) -> str:
    """The script class that makes up one written word with ``ch``; "" for anything else."""
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch in "々〆ヶ":
        return "kanji"
    if "\u30a1" <= ch <= "\u30fa" or ch in "ーヽヾ":
        return "katakana"
    if (ch.isascii() and ch.isalnum()) or ("\uff10" <= ch <= "\uff5a" and ch.isalnum()):
        return "latin"
    return ""


def _word_around(text: str, start: int, end: int) -> str:
    """The match widened to the run of its own script on each side (自動 in 自動車 → 自動車)."""
    left, right = _script(text[start]), _script(text[end - 1])
    while left and start > 0 and _script(text[start - 1]) == left:
        start -= 1
    while right and end < len(text) and _script(text[end]) == right:
        end += 1
    return text[start:end]


def vocabulary_impact(
    entry: VocabularyEntry,
    existing: list[VocabularyEntry],
    texts: Iterable[tuple[K, str]],
    max_examples: int = 5,
) -> VocabularyImpact[K]:
    """Run ``entry`` over ``texts`` ((key, text) pairs) next to the ``existing`` entries."""
    before = Vocabulary(existing)
    after = Vocabulary([*existing, entry])
    impact: VocabularyImpact[K] = VocabularyImpact(one_character=[v for v in entry.variants if len(v) == 1])
    longer: Counter[tuple[str, str]] = Counter()
    changed_keys: set[K] = set()
    for key, text in texts:
        new = sorted(set(after.replacements(text)) - set(before.replacements(text)))
        if not new:
            continue
        changed_keys.add(key)
        impact.changes += len(new)
        for start, end, replacement in new:
            word = _word_around(text, start, end)
            if len(word) > end - start:
                longer[(text[start:end], word)] += 1
            if len(impact.examples) < max_examples:
                lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
                impact.examples.append(ImpactExample(key, text[lo:start], text[start:end], replacement, text[end:hi]))
    impact.texts_changed = len(changed_keys)
    impact.longer_words = [LongerWord(s, w, n) for (s, w), n in longer.most_common()]
    return impact
