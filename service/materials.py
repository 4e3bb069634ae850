"""A meeting's materials (会議資料) in the service: checking the files staff attach, storing their
text, and turning a meeting's stored texts into the pipeline's ``Materials``.

Only the extracted text is kept (``MeetingMaterial.text``), not the file: it is all the pipeline
and the pages use, it is small, and a document that may hold personal data is not kept twice.
The terms found in it are kept beside it (``MeetingMaterial.terms``): finding them runs the
tokenizer over the whole text, which the 資料 list and every job would otherwise repeat.
Limits (``GIJIROKU_MAX_MATERIALS_MB`` per request, ``GIJIROKU_MAX_MATERIALS_PER_MEETING`` files)
answer in both languages, like audio uploads (``service.uploads``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.errors import GijirokuError
from models.materials import SUFFIXES, Materials, Term, build_materials, extract_text
from models.materials.terms import file_terms, terms_from_json, terms_to_json
from service.config import Settings
from service.db.models import Meeting, MeetingMaterial
from service.uploads import display_filename, materials_too_large, too_many_materials

MAX_TEXT_CHARS = 2_000_000  # the text of a 500-page report; more is not a meeting's materials


@dataclass(frozen=True)
class MaterialFile:
    filename: str
    data: bytes


def add_materials(
    db: Session, settings: Settings, meeting: Meeting, files: list[MaterialFile], user_id: int | None
) -> list[MeetingMaterial]:
    """Check every file first (type, size, readable text), then store them all, or none."""
    if not files:
        raise GijirokuError(
            "materials_missing",
            f"資料のファイルを選んでください（{'、'.join(SUFFIXES)}）。",
            f"Choose at least one material file ({', '.join(SUFFIXES)}).",
            status=422,
        )
    present = db.scalar(
        select(func.count()).select_from(MeetingMaterial).where(MeetingMaterial.meeting_id == meeting.id)
    )
    if (present or 0) + len(files) > settings.max_materials_per_meeting:
        raise too_many_materials(settings)
    if sum(len(f.data) for f in files) > settings.max_materials_mb * 1024 * 1024:
        raise materials_too_large(settings)
    rows = []
    for f in files:
        name = display_filename(f.filename)
        text = extract_text(f.data, name)
        if len(text) > MAX_TEXT_CHARS:
            raise GijirokuError(
                "materials_invalid",
                f"資料「{name}」の文字数が多すぎます（上限 {MAX_TEXT_CHARS:,} 文字）。",
                f"Material '{name}' holds more than {MAX_TEXT_CHARS:,} characters.",
                status=422,
            )
        rows.append(
            MeetingMaterial(
                meeting_id=meeting.id,
                filename=name,
                size=len(f.data),
                sha256=hashlib.sha256(f.data).hexdigest(),
                text=text,
                terms=terms_to_json(file_terms(text)),
                created_by_id=user_id,
            )
        )
    db.add_all(rows)
    return rows


def meeting_materials(db: Session, meeting_id: int) -> list[MeetingMaterial]:
    stmt = select(MeetingMaterial).where(MeetingMaterial.meeting_id == meeting_id).order_by(MeetingMaterial.id)
    return list(db.scalars(stmt))


def material_terms(row: MeetingMaterial) -> list[Term]:
    """The row's stored terms; a row without (stored before they were kept, or by an older
    extractor) gets them found and set here, for the caller's commit to keep."""
    terms = terms_from_json(row.terms)
    if terms is None:
        terms = file_terms(row.text)
        row.terms = terms_to_json(terms)
    return terms


def materials_for_run(db: Session, meeting_id: int) -> Materials | None:
    """The pipeline's ``Materials`` for a meeting's job (and its 資料 list), or None when it has
    none; built from the stored terms (``material_terms``: commit to keep any found here)."""
    rows = meeting_materials(db, meeting_id)
    if not rows:
        return None
    return build_materials([m.text for m in rows], [material_terms(m) for m in rows])
