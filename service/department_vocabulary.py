"""A department's 単語登録 as the draft rules apply it (``models.draft.Vocabulary``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.draft.vocabulary import Vocabulary, VocabularyEntry
from service.db.models import VocabularyEntry as VocabularyRow


def department_vocabulary(db: Session, department_id: int, *, exclude_id: int | None = None) -> Vocabulary | None:
    """The department's entries in the order they were added (Whisper's hint keeps the earliest);
    None when it has none. ``exclude_id`` leaves one entry out: the impact preview of an edit
    weighs the changed rule against all the others."""
    stmt = select(VocabularyRow.term, VocabularyRow.variants).where(VocabularyRow.department_id == department_id)
    if exclude_id is not None:
        stmt = stmt.where(VocabularyRow.id != exclude_id)
    rows = db.execute(stmt.order_by(VocabularyRow.id)).all()
    return Vocabulary([VocabularyEntry(term, list(variants)) for term, variants in rows]) if rows else None
