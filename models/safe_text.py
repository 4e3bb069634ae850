"""Text every part of gijiroku can store and print.

Three places break on the same few code points: UTF-8 cannot encode an unpaired surrogate (JSON
allows ``"\\ud800"``, so a request can carry one), PostgreSQL refuses NUL in text, and XML 1.0 —
inside every .docx — allows no C0 control character except tab, line feed and carriage return,
nor U+FFFE / U+FFFF. The service refuses such text at the door (``service.body_guard``); text that
got in anyway (rows stored before that check, a model's output) is repaired with ``scrub``.
"""

from __future__ import annotations

import re
from typing import Any

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"  # what Unicode prescribes for an unreadable character; visible in the editor


def scrub(text: str) -> str:
    """``text`` with every unstorable character replaced by U+FFFD."""
    return UNSTORABLE.sub(REPLACEMENT, text)


def scrubbed(value: Any) -> Any:
    """A copy of a JSON-like value (dicts, lists, strings, numbers) with every string scrubbed,
    keys included."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrubbed(k): scrubbed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrubbed(v) for v in value]
    return value


def first_unstorable(value: Any) -> str | None:
    """The path (``minutes.turns.0.text``) of the first string in a JSON-like value that holds an
    unstorable character, or None. Iterative, so arbitrarily deep nesting cannot overflow."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return path or "body"
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                child_path = f"{path}.{key}" if path else str(key)
                if UNSTORABLE.search(key):
                    return f"{path}.{scrub(key)}" if path else scrub(key)
                stack.append((child_path, child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}.{i}" if path else str(i), child) for i, child in reversed(list(enumerate(item))))
    return None
