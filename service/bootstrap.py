"""Creating the first admin: from GIJIROKU_ADMIN_USERNAME/PASSWORD on start-up, or by
``gijiroku admin create``. There is no built-in account and no default password."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.errors import GijirokuError
from service.audit import record
from service.auth.passwords import hash_password, random_password
from service.config import Settings
from service.db.models import Department, Role, User

log = logging.getLogger(__name__)


def create_user(
    db: Session, username: str, password: str, role: Role, department: str | None = None, display_name: str = ""
) -> User:
    """Create a user (and their department by name if it does not exist yet)."""
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise GijirokuError(
            "conflict", f"ユーザー {username} は既に存在します。", f"User {username} already exists.", status=409
        )
    dept = None
    if department:
        dept = db.scalar(select(Department).where(Department.name == department))
        if dept is None:
            dept = Department(name=department)
            db.add(dept)
            db.flush()
    elif role in (Role.clerk, Role.staff):
        raise GijirokuError(
            "department_required", "この役割には部署の指定が必要です。", "This role needs a department.", status=422
        )
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        department_id=dept.id if dept else None,
    )
    db.add(user)
    db.flush()
    record(db, None, "user_created", target_type="user", target_id=user.id, role=role.value)
    return user


def ensure_admin_from_env(db: Session, settings: Settings) -> None:
    """On start-up: create the configured admin once; warn when no admin exists at all."""
    has_admin = db.scalar(select(User.id).where(User.role == Role.admin).limit(1)) is not None
    if settings.admin_username and settings.admin_password:
        exists = db.scalar(select(User.id).where(User.username == settings.admin_username)) is not None
        if not exists:
            try:
                create_user(db, settings.admin_username, settings.admin_password.get_secret_value(), Role.admin)
            except GijirokuError as exc:  # e.g. a weak password: say which setting, then refuse to start
                log.error("GIJIROKU_ADMIN_PASSWORD を使えません / cannot use GIJIROKU_ADMIN_PASSWORD: %s", exc.message)
                raise
            db.commit()
            log.info("created admin user %s from the environment", settings.admin_username)
            return
    if not has_admin:
        log.warning(
            "no admin user exists: set GIJIROKU_ADMIN_USERNAME and GIJIROKU_ADMIN_PASSWORD or run "
            "`gijiroku admin create --username NAME --password-stdin`"
        )


def create_initial_admin(db: Session, settings: Settings) -> str | None:
    """``gijiroku serve`` on a fresh install: an ``admin`` with a random one-time password.

    Without it, `make run` would start a service nobody can log in to. The password is random per
    installation (never in the code), printed once and kept in ``DATA_DIR/initial-admin-password.txt``
    (mode 600) until an admin deletes the file. Returns the password when one was created.
    """
    import os

    if settings.admin_username and settings.admin_password:
        return None
    if db.scalar(select(User.id).where(User.role == Role.admin).limit(1)) is not None:
        return None
    password = random_password()
    create_user(db, "admin", password, Role.admin, display_name="管理者")
    db.commit()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "initial-admin-password.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"username: admin\npassword: {password}\n")
    return password
