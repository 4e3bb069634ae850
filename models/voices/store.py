"""The CLI's voice registry: one JSON file (``gijiroku voices enroll STORE …``).

The service keeps its registry in the database, per department; this file is the same people and
prints for someone running ``gijiroku transcribe`` alone. Prints are biometric data: the file is
written with mode 600, atomically, and nothing in it is ever copied into an export.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import GijirokuError
from models.voices.enrol import MAX_PRINTS_PER_PERSON
from models.voices.matching import Person, VoicePrint

FORMAT_VERSION = 1


class VoiceStore:
    """People (by label) with their prints; ``load`` of a missing file is an empty store."""

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = path
        self.data: dict[str, Any] = data or {"version": FORMAT_VERSION, "people": []}

    @classmethod
    def load(cls, path: Path) -> VoiceStore:
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != FORMAT_VERSION or not isinstance(data.get("people"), list):
                raise ValueError("not a voice store")
        except (OSError, ValueError, AttributeError) as exc:
            raise GijirokuError(
                "voice_store_invalid",
                f"話者登録ファイルを読み込めません: {path}",
                f"Cannot read the voice store: {path} ({exc})",
                status=400,
            ) from exc
        return cls(path, data)

    def add_print(self, label: str, vector: np.ndarray, encoder: str, source: str) -> str:
        """Add a print to the person printed as ``label`` (created if new); keeps the newest
        ``MAX_PRINTS_PER_PERSON``. Returns the person's id."""
        person = next((p for p in self.data["people"] if p["label"] == label), None)
        if person is None:
            person = {"id": uuid.uuid4().hex, "label": label, "name": "", "title": "", "prints": []}
            self.data["people"].append(person)
        person["prints"].append(
            {
                "id": uuid.uuid4().hex,
                "encoder": encoder,
                "vector": [round(float(x), 6) for x in vector],
                "source": source,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
        )
        del person["prints"][:-MAX_PRINTS_PER_PERSON]
        return str(person["id"])

    def people(self) -> list[Person]:
        return [
            Person(
                id=p["id"],
                label=p["label"],
                name=p.get("name", ""),
                title=p.get("title", ""),
                prints=tuple(
                    VoicePrint(v["id"], v["encoder"], np.asarray(v["vector"], dtype=np.float32)) for v in p["prints"]
                ),
            )
            for p in self.data["people"]
        ]

    def summary(self) -> list[dict[str, Any]]:
        """What ``voices list`` shows: people and where their prints came from, never the vectors."""
        return [
            {
                "label": p["label"],
                "prints": [
                    {"source": v["source"], "encoder": v["encoder"], "created": v["created"]} for v in p["prints"]
                ],
            }
            for p in self.data["people"]
        ]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".voices-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.data, fh, ensure_ascii=False)
            os.replace(tmp, self.path)  # mkstemp made it 600
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
