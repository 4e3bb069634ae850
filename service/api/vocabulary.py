"""Per-department vocabulary (単語登録): every job of the department drafts with it."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.errors import GijirokuError
from service.audit import record
from service.db.models import VocabularyEntry
from service.deps import Editor, PathId, SessionDep, SettingsDep, Viewer, client_ip
from service.schemas import VocabularyImpactOut, VocabularyIn, VocabularyOut, VocabularyRule, VocabularyUpdate
from service.scope import department_for_user, vocabulary_entry_for_user
from service.vocabulary_impact import department_impact, refuse_risky

router = APIRouter(prefix="/api/vocabulary", tags=["vocabulary"])


def _duplicate() -> GijirokuError:
    return GijirokuError("conflict", "この用語は既に登録されています。", "This term is already registered.", status=409)


def _clean(variants: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in variants if v.strip()))


@router.get("", response_model=list[VocabularyOut])
def list_entries(
    user: Viewer, db: SessionDep, department_id: int | None = Query(default=None, ge=1, le=2**31 - 1)
) -> list[VocabularyEntry]:
    department = department_for_user(db, user, department_id)
    stmt = select(VocabularyEntry).where(VocabularyEntry.department_id == department.id).order_by(VocabularyEntry.term)
    return list(db.scalars(stmt))


@router.post("/preview", response_model=VocabularyImpactOut)
def preview_entry(
    body: VocabularyRule,
    user: Editor,
    db: SessionDep,
    settings: SettingsDep,
    department_id: int | None = Query(default=None, ge=1, le=2**31 - 1),
    entry_id: int | None = Query(default=None, ge=1, le=2**31 - 1),
) -> VocabularyImpactOut:
    """What the rule would change in the department's past transcripts, before it is added (or, with
    ``entry_id``, before that entry is changed to it); ``needs_confirmation`` says whether adding
    it needs ``confirmed: true``."""
    if entry_id is not None:
        department_id = vocabulary_entry_for_user(db, user, entry_id).department_id
    department = department_for_user(db, user, department_id)
    return department_impact(db, settings, department.id, body.term, body.variants, exclude_entry_id=entry_id)


@router.post("", response_model=VocabularyOut, status_code=201)
def create_entry(
    body: VocabularyIn,
    user: Editor,
    db: SessionDep,
    settings: SettingsDep,
    request: Request,
    department_id: int | None = Query(default=None, ge=1, le=2**31 - 1),
) -> VocabularyEntry:
    """Add an entry; a risky rule (see the preview) is refused with 409 unless ``confirmed``."""
    department = department_for_user(db, user, department_id)
    if body.variants and not body.confirmed:
        refuse_risky(department_impact(db, settings, department.id, body.term, body.variants))
    entry = VocabularyEntry(
        department_id=department.id,
        term=body.term.strip(),
        variants=_clean(body.variants),
        note=body.note,
        created_by_id=user.id,
    )
    db.add(entry)
    try:
        db.flush()
    except IntegrityError:
        raise _duplicate() from None
    record(
        db,
        user,
        "vocabulary_added",
        target_type="vocabulary",
        target_id=entry.id,
        department_id=department.id,
        ip=client_ip(request),
    )
    db.commit()
    return entry


@router.patch("/{entry_id}", response_model=VocabularyOut)
def update_entry(
    entry_id: PathId, body: VocabularyUpdate, user: Editor, db: SessionDep, settings: SettingsDep, request: Request
) -> VocabularyEntry:
    entry = vocabulary_entry_for_user(db, user, entry_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    new_variants = set(_clean(changes.get("variants", []))) - set(entry.variants)
    if new_variants and not body.confirmed:  # only what the edit adds needs confirming
        term = changes.get("term", entry.term)
        impact = department_impact(
            db, settings, entry.department_id, term, sorted(new_variants), exclude_entry_id=entry.id
        )
        refuse_risky(impact)
    if "term" in changes:
        entry.term = changes["term"].strip()
    if "variants" in changes:
        entry.variants = _clean(changes["variants"])
    if "note" in changes:
        entry.note = changes["note"]
    try:
        db.flush()
    except IntegrityError:
        raise _duplicate() from None
    record(
        db,
        user,
        "vocabulary_edited",
        target_type="vocabulary",
        target_id=entry.id,
        department_id=entry.department_id,
        ip=client_ip(request),
    )
    db.commit()
    return entry


@router.delete("/{entry_id}", status_code=204)
def delete_entry(entry_id: PathId, user: Editor, db: SessionDep, request: Request) -> Response:
    entry = vocabulary_entry_for_user(db, user, entry_id)
    record(
        db,
        user,
        "vocabulary_deleted",
        target_type="vocabulary",
        target_id=entry.id,
        department_id=entry.department_id,
        ip=client_ip(request),
        term=entry.term,
    )
    db.delete(entry)
    db.commit()
    return Response(status_code=204)
