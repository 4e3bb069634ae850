"""`gijiroku admin create` and `gijiroku db upgrade` against a fresh data directory."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from service.cli import main
from service.config import get_settings
from service.context import AppContext
from service.db.models import Role, User


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("GIJIROKU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GIJIROKU_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_admin_create_reads_password_from_stdin(env, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["admin", "create", "--username", "chief", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert (
        main(["admin", "create", "--username", "kana", "--password-stdin", "--role", "staff", "--department", "総務課"])
        == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["admin", "create", "--username", "weak", "--password-stdin"]) == 2
    assert "10文字以上" in capsys.readouterr().err
    with AppContext.from_settings(env).sessions() as db:
        users = {u.username: u for u in db.scalars(select(User))}
    assert users["chief"].role is Role.admin and users["chief"].password_hash.startswith("$argon2id$")
    assert users["kana"].department is not None and users["kana"].department.name == "総務課"
    assert "weak" not in users
