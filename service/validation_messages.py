"""Pydantic's validation errors as sentences staff can act on: the field by its Japanese name (the
label the form shows, not ``username``) and what is wrong with it (too short: the minimum; a
pattern: the characters allowed). Never the submitted value, which may be a password.

Used by ``service.errors.invalid_request`` for every 422 the API answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The labels of the forms and the editor for the API's field names; a field not listed is named
# as the API names it.
FIELD_LABELS: Mapping[str, str] = {
    "username": "ユーザー名",
    "password": "パスワード",
    "current_password": "現在のパスワード",
    "new_password": "新しいパスワード",
    "display_name": "表示名",
    "role": "役割",
    "department_id": "部署",
    "file": "音声ファイル",  # service.uploads.FILE_FIELD
    "num_speakers": "話者数",
    "min_speakers": "最小話者数",
    "max_speakers": "最大話者数",
    "language": "言語",
    "name": "名前",
    "is_active": "状態",
    "title": "名称",
    "held_at": "日時",
    "place": "場所",
    "attendees": "出席者",
    "agenda": "議題",
    "term": "正しい表記",
    "variants": "言い換え・読み",
    "note": "メモ",
    "confirmed": "確認",
    "minutes": "会議録",
    "base_revision": "元の版",
    "revision": "版",
    "page": "ページ",
    "per_page": "1ページの件数",
    "sort": "並び順",
    "status": "状態",
    "q": "検索語",
    "from": "開催日（から）",
    "to": "開催日（まで）",
    "satisfaction": "満足度",
    "continued_use": "継続利用意向",
    "estimated_minutes": "システムなしでの見込み時間",
    "review_minutes": "確認に使った時間",
    "comment": "コメント",
    "year": "年",
    "month": "月",
    "days": "日数",
}

# What a pattern allows, per field, in words (a regular expression means nothing to staff).
PATTERN_HINTS: Mapping[str, str] = {
    "username": "半角英数字と _ . @ - だけが使えます",
}


def _field_name(loc: Sequence[Any]) -> str:
    """The innermost named field of an error location (``body.variants.3`` → ``variants``)."""
    names = [p for p in loc if isinstance(p, str) and p not in ("body", "query", "path", "header", "cookie")]
    return names[-1] if names else ""


def describe(error: Mapping[str, Any]) -> str:
    """One Pydantic error as a Japanese sentence."""
    name = _field_name(error.get("loc", ()))
    label = FIELD_LABELS.get(name, name) or "リクエスト"
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return f"「{label}」を入力してください。"
    if kind == "string_too_short":
        return f"「{label}」は{ctx.get('min_length')}文字以上にしてください。"
    if kind == "string_too_long":
        return f"「{label}」は{ctx.get('max_length')}文字以内にしてください。"
    if kind == "too_long":
        return f"「{label}」は{ctx.get('max_length')}件までです。"
    if kind == "too_short":
        return f"「{label}」は{ctx.get('min_length')}件以上必要です。"
    if kind == "string_pattern_mismatch":
        hint = PATTERN_HINTS.get(name)
        return f"「{label}」に使えない文字が含まれています" + (f"（{hint}）。" if hint else "。")
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"「{label}」は{bound}{'以上' if kind == 'greater_than_equal' else 'より大きく'}にしてください。"
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return f"「{label}」は{bound}{'以下' if kind == 'less_than_equal' else '未満'}にしてください。"
    if kind.startswith(("int_", "float_", "decimal_")):
        return f"「{label}」は数値で入力してください。"
    if kind.startswith(("datetime_", "date_", "time_")):
        return f"「{label}」の日付・時刻の形式が正しくありません。"
    if kind == "invisible_control":
        return (
            f"「{label}」に使用できない文字（U+{ctx.get('code')}：制御文字や文字の向きを変える文字）が含まれています。"
        )
    if kind in ("enum", "literal_error"):
        return f"「{label}」は選択肢から選んでください。"
    return f"「{label}」の値が正しくありません。"


def describe_all(errors: Sequence[Mapping[str, Any]]) -> str:
    """Every error once, in order (a list of 50 bad items says so once, not 50 times)."""
    return "".join(dict.fromkeys(describe(e) for e in errors))
