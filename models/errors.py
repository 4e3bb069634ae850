"""The one error type users see: a code plus a Japanese and an English message.

Bad input must never surface as a stack trace. Every layer raises ``GijirokuError``; the CLI prints
both messages and exits non-zero, the service answers ``{"error": code, "detail": message}``.
"""

from __future__ import annotations


class GijirokuError(Exception):
    def __init__(self, code: str, ja: str, en: str, *, status: int = 400) -> None:
        super().__init__(f"{ja} / {en}")
        self.code = code
        self.ja = ja
        self.en = en
        self.status = status  # HTTP status when the service reports it

    @property
    def message(self) -> str:
        """Both languages, Japanese first: the UI speaks Japanese, admins may read English logs."""
        return f"{self.ja}（{self.en}）"
