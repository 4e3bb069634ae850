"""First start without configured credentials: one random admin password, shown once."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import select

from service.auth.passwords import verify_password
from service.bootstrap import create_initial_admin
from service.config import Settings
from service.context import AppContext
from service.db.migrate import upgrade
from service.db.models import Role, User


def _ctx(tmp_path: Path) -> AppContext:
    ctx = AppContext.from_settings(Settings(data_dir=tmp_path / "data", admin_username=None, admin_password=None))
    upgrade(ctx.engine)
    return ctx


def test_a_fresh_install_gets_a_random_admin_password_once(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    with ctx.sessions() as db:
        first = create_initial_admin(db, ctx.settings)
        again = create_initial_admin(db, ctx.settings)
        admin = db.scalar(select(User).where(User.role == Role.admin))
    assert first and again is None
    assert admin is not None and admin.username == "admin" and verify_password(admin.password_hash, first)
    secret = ctx.settings.data_dir / "initial-admin-password.txt"
    assert first in secret.read_text(encoding="utf-8")
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_two_installs_never_share_the_password(tmp_path: Path) -> None:
    passwords = set()
    for name in ("a", "b"):
        ctx = _ctx(tmp_path / name)
        with ctx.sessions() as db:
            passwords.add(create_initial_admin(db, ctx.settings))
    assert len(passwords) == 2
