"""A department's 単語登録 as the draft rules apply it (``models.draft.Vocabulary``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.draft.vocabulary import Vocabulary, VocabularyEntry
from service.db.models import VocabularyEntry as VocabularyRow


def department_vocabulary(db: Session, department_id: int) -> Vocabulary | None:
    """The department's entries in the order they were added (Whisper's hint keeps the earliest);
    None when it has none."""
    rows = db.execute(
        select(VocabularyRow.term, VocabularyRow.variants)
        .where(VocabularyRow.department_id == department_id)
        .order_by(VocabularyRow.id)
    ).all()
    return Vocabulary([VocabularyEntry(term, list(variants)) for term, variants in rows]) if rows else None
