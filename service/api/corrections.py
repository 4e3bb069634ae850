"""Carry a correction typed in one text of a turn to the other (素起こし ↔ ケバ取り).

The editor calls this when staff finish changing a turn's text; the rules live in
``models.draft.corrections`` so the editor holds no copy of them. Nothing is stored here: the
editor puts the answer into its transcript and saves it as a revision as usual. The ケバ取り text is
re-derived with the meeting's department vocabulary, as the draft was.
"""

from __future__ import annotations

from fastapi import APIRouter

from models.draft.corrections import correct
from service.department_vocabulary import department_vocabulary
from service.deps import Editor, SessionDep, VisibleMeeting
from service.schemas import CorrectionIn, CorrectionOut

router = APIRouter(prefix="/api/meetings/{meeting_id}/transcript", tags=["transcripts"])


@router.post("/correction", response_model=CorrectionOut)
def carry_correction(body: CorrectionIn, meeting: VisibleMeeting, _: Editor, db: SessionDep) -> CorrectionOut:
    """Both texts of the turn after ``field`` became ``new_text``, and the words it touched."""
    result = correct(
        body.text,
        body.clean_text,
        body.clean_edited,
        body.words,
        body.field,
        body.new_text,
        department_vocabulary(db, meeting.department_id),
    )
    return CorrectionOut(
        text=result.text, clean_text=result.clean_text, clean_edited=result.clean_edited, touched=result.touched
    )
