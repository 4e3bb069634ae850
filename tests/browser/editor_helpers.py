"""Helpers the editor's browser tests share."""

from __future__ import annotations

from playwright.sync_api import Page
from sqlalchemy import select

from service.db.models import TranscriptRevision


def place_caret(page: Page, index: int, offset: int) -> None:
    """A mouse click into turn ``index``, then the caret at character ``offset`` of its text."""
    page.locator(f"#turn-{index} .turn-text").click()
    page.evaluate(
        """([i, off]) => { const node = document.querySelector(`#turn-${i} .turn-text`);
        const w = document.createTreeWalker(node, NodeFilter.SHOW_TEXT); let pos = 0;
        for (let t = w.nextNode(); t; t = w.nextNode()) { if (off <= pos + t.length) {
          const r = document.createRange(); r.setStart(t, off - pos); r.collapse(true);
          const s = getSelection(); s.removeAllRanges(); s.addRange(r); return; } pos += t.length; } }""",
        [index, offset],
    )


def saved_minutes(live_server, meeting_id: int) -> dict:
    """The minutes of the meeting's latest revision, read from the database."""
    with live_server.sessions() as db:
        row = db.scalar(
            select(TranscriptRevision)
            .where(TranscriptRevision.meeting_id == meeting_id)
            .order_by(TranscriptRevision.revision.desc())
            .limit(1)
        )
        return row.minutes
