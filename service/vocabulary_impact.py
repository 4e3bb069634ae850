"""The impact of a 単語登録 rule on a department's past transcripts, and the confirmation it needs.

``models.draft.vocabulary_impact`` does the matching; this module feeds it the department's text
(the cleaned text of the latest revision of its most recent meetings: the vocabulary rewrites the
cleaned text, and the latest revision is what staff accepted), turns the result into the API's
answer with Japanese warnings, and refuses an unconfirmed risky rule (one-character source, or a
source the department's own transcripts use inside longer words).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.draft.vocabulary import VocabularyEntry as Rule
from models.draft.vocabulary_impact import VocabularyImpact, vocabulary_impact
from models.errors import GijirokuError
from service.config import Settings
from service.db.models import Meeting, TranscriptRevision, latest_revision_ids
from service.department_vocabulary import department_vocabulary
from service.schemas import LongerWordOut, VocabularyExampleOut, VocabularyImpactOut

_WORDS_NAMED = 3  # longer words named in a warning, most frequent first


def _latest_texts(db: Session, department_id: int, limit: int) -> tuple[dict[int, str], Iterator[tuple[int, str]]]:
    """Titles of the department's ``limit`` most recent meetings with a transcript, and their
    turns' cleaned text as (meeting id, text) pairs, read one revision at a time."""
    department = select(Meeting.id).where(Meeting.department_id == department_id)
    rows = db.execute(
        select(Meeting.id, Meeting.title, TranscriptRevision.id)
        .join(TranscriptRevision, TranscriptRevision.meeting_id == Meeting.id)
        .where(TranscriptRevision.id.in_(latest_revision_ids(TranscriptRevision.meeting_id.in_(department))))
        .order_by(Meeting.created_at.desc(), Meeting.id.desc())
        .limit(limit)
    ).all()
    titles = {meeting_id: title for meeting_id, title, _ in rows}

    def texts() -> Iterator[tuple[int, str]]:
        for meeting_id, _, revision_id in rows:
            minutes = db.scalar(select(TranscriptRevision.minutes).where(TranscriptRevision.id == revision_id)) or {}
            for turn in minutes.get("turns", []):
                text = turn.get("clean_text") if isinstance(turn, dict) else None
                if isinstance(text, str) and text:
                    yield meeting_id, text

    return titles, texts()


def _warnings(term: str, impact: VocabularyImpact[int]) -> list[str]:
    warnings = [
        f"「{v}」は1文字です。1文字の言い換えは、ほかの多くの語の中でも「{term}」に置き換わります。"
        for v in impact.one_character
    ]
    by_source: dict[str, list[str]] = {}
    for w in impact.longer_words:
        by_source.setdefault(w.source, []).append(f"「{w.word}」（{w.count}回）")
    for source, words in by_source.items():
        named = "、".join(words[:_WORDS_NAMED]) + ("など" if len(words) > _WORDS_NAMED else "")
        warnings.append(
            f"「{source}」は過去の会議録で{named}のように長い語の一部として使われています。"
            f"登録すると、その語の中の「{source}」も「{term}」に置き換わります。"
        )
    return warnings


def department_impact(
    db: Session,
    settings: Settings,
    department_id: int,
    term: str,
    variants: list[str],
    *,
    exclude_entry_id: int | None = None,
) -> VocabularyImpactOut:
    """What adding (or, with ``exclude_entry_id``, changing) the rule ``term ← variants`` would
    change in the department's past transcripts, next to its other entries."""
    term = term.strip()
    cleaned = [v.strip() for v in variants if v.strip() and v.strip() != term]
    rule = Rule(term, list(dict.fromkeys(cleaned)))
    others = department_vocabulary(db, department_id, exclude_id=exclude_entry_id)
    titles, texts = _latest_texts(db, department_id, settings.vocabulary_impact_meetings)
    impact = vocabulary_impact(rule, others.entries if others else [], texts)
    return VocabularyImpactOut(
        changes=impact.changes,
        meetings_changed=impact.texts_changed,
        meetings_searched=len(titles),
        examples=[
            VocabularyExampleOut(
                meeting_id=e.source,
                title=titles.get(e.source, ""),
                prefix=e.prefix,
                old=e.old,
                new=e.new,
                suffix=e.suffix,
            )
            for e in impact.examples
        ],
        one_character=impact.one_character,
        longer_words=[LongerWordOut(source=w.source, word=w.word, count=w.count) for w in impact.longer_words],
        needs_confirmation=impact.risky,
        warnings=_warnings(term, impact),
    )


def refuse_risky(impact: VocabularyImpactOut) -> None:
    """409 ``vocabulary_needs_confirmation`` for a risky rule (called when it was not confirmed)."""
    if impact.needs_confirmation:
        raise GijirokuError(
            "vocabulary_needs_confirmation",
            "この登録は影響が大きいため、確認が必要です。" + "".join(impact.warnings),
            "This rule is risky (a one-character source, or part of longer words in past transcripts); "
            "preview it and send confirmed=true to add it anyway.",
            status=409,
        )
