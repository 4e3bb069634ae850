"""The 会議録 header block (日時・場所・出席者・議題), shared by the .docx and .txt exports."""

from __future__ import annotations

import re

from exporters.wareki import format_wareki
from models.types import MeetingInfo

_CLOCK = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*$")


def document_title(meeting: MeetingInfo) -> str:
    """「総務委員会」 → 「総務委員会 会議録」; a title that already says 会議録/議事録 is kept."""
    title = meeting.title.strip() or "会議録"
    return title if title.endswith(("会議録", "議事録")) else f"{title} 会議録"


def format_clock(value: str) -> str:
    """「13:30」 → 「午後1時30分」 as minutes write times; other text is printed as typed."""
    m = _CLOCK.match(value)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return value.strip()
    hour, minute = int(m.group(1)), int(m.group(2))
    return f"{'午前' if hour < 12 else '午後'}{hour % 12}時{minute:02d}分"  # noon is 午後0時


def header_rows(meeting: MeetingInfo) -> list[tuple[str, list[str]]]:
    """(label, lines) for each header field that was given; empty fields are left out."""
    rows: list[tuple[str, list[str]]] = []
    when = " ".join(
        part
        for part in (
            format_wareki(meeting.date) if meeting.date else "",
            format_clock(meeting.start_time) if meeting.start_time else "",
        )
        if part
    )
    if when:
        rows.append(("日時", [when]))
    if meeting.place.strip():
        rows.append(("場所", [meeting.place.strip()]))
    attendees = [a.strip() for a in meeting.attendees if a.strip()]
    if attendees:
        rows.append(("出席者", ["、".join(attendees)]))
    agenda = [a.strip() for a in meeting.agenda if a.strip()]
    if len(agenda) == 1:
        rows.append(("議題", agenda))
    elif agenda:
        rows.append(("議題", [f"（{i}）{item}" for i, item in enumerate(agenda, start=1)]))
    return rows
