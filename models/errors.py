"""The one error type users see: a code plus a Japanese and an English message.

Bad input must never surface as a stack trace. Every layer raises ``GijirokuError``; the CLI prints
both messages and exits non-zero, the service answers both as fields (service/errors.py).
"""

from __future__ import annotations

import secrets


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


def new_error_id() -> str:
    """A short random id, shown to the user and written into the logged traceback, so an admin can
    find the trace behind a report without the user ever seeing it."""
    return secrets.token_hex(4)


def unexpected_error(
    error_id: str,
    advice_ja: str = "管理者にお問い合わせください。",
    advice_en: str = "please contact the administrator.",
) -> GijirokuError:
    """What users see of a bug (any exception that is not a ``GijirokuError``): the id, never the
    exception's text, which may name internals."""
    return GijirokuError(
        "internal_error",
        f"処理中に予期しないエラーが発生しました（エラーID: {error_id}）。{advice_ja}",
        f"An unexpected error occurred while processing (error id: {error_id}); {advice_en}",
        status=500,
    )
