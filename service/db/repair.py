"""``gijiroku db repair``: rewrite stored text that cannot be sent, exported or moved to PostgreSQL.

Before requests were checked (``service.body_guard``), a JSON body could store an unpaired
surrogate (SQLite keeps it escaped inside JSON columns) or a control character; such a row made
every read of it fail. Reads of transcripts now repair on the fly, but the rows themselves stay
broken until this runs: it walks every text and JSON column of every table and replaces what
``models.safe_text`` calls unstorable with U+FFFD. A command rather than a migration because it
can be run again whenever old data is imported, and says what it changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Enum, String, Table, select, update
from sqlalchemy.orm import Session

import service.db.models  # noqa: F401  (puts every table on Base.metadata)
from models.safe_text import scrubbed
from service.db.base import Base


def _repair_table(db: Session, table: Table) -> int:
    columns = [c for c in table.columns if isinstance(c.type, String | JSON) and not isinstance(c.type, Enum)]
    if not columns:
        return 0
    (key,) = table.primary_key.columns
    changes: list[tuple[Any, dict[str, Any]]] = []
    rows = db.execute(select(key, *columns).execution_options(yield_per=500))
    for row in rows:
        changed = {c.name: new for c, old in zip(columns, row[1:], strict=True) if (new := scrubbed(old)) != old}
        if changed:
            changes.append((row[0], changed))
    for row_key, values in changes:
        db.execute(update(table).where(key == row_key).values(**values))
    return len(changes)


def repair_text(db: Session) -> dict[str, int]:
    """Rows rewritten per table (tables without any are left out); the caller commits."""
    counts = {table.name: _repair_table(db, table) for table in Base.metadata.sorted_tables}
    return {name: count for name, count in counts.items() if count}
