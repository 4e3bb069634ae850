"""Admin-only management: departments, users, API tokens for others, the audit log."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.errors import GijirokuError
from service.audit import record
from service.auth.passwords import hash_password
from service.auth.tokens import issue_token, revoke_user_tokens
from service.db.models import AuditLog, Department, Role, TokenKind, User
from service.deps import Admin, PathId, SessionDep, client_ip
from service.errors import not_found
from service.schemas import (
    ApiTokenIn,
    ApiTokenOut,
    AuditOut,
    DepartmentIn,
    DepartmentOut,
    UserCreate,
    UserOut,
    UserUpdate,
)

router = APIRouter(prefix="/api", tags=["admin"])


def _conflict(ja: str, en: str) -> GijirokuError:
    return GijirokuError("conflict", ja, en, status=409)


def _check_department(db: SessionDep, role: Role, department_id: int | None) -> None:
    """Clerks and staff work inside one department; evaluators and admins may have none."""
    if department_id is None:
        if role in (Role.clerk, Role.staff):
            raise GijirokuError(
                "department_required", "この役割には部署の指定が必要です。", "This role needs a department.", status=422
            )
    elif db.get(Department, department_id) is None:
        raise not_found("部署", "department")


@router.get("/departments", response_model=list[DepartmentOut])
def list_departments(_: Admin, db: SessionDep) -> list[Department]:
    return list(db.scalars(select(Department).order_by(Department.id)))


@router.post("/departments", response_model=DepartmentOut, status_code=201)
def create_department(body: DepartmentIn, admin: Admin, db: SessionDep, request: Request) -> Department:
    dept = Department(name=body.name.strip())
    db.add(dept)
    try:
        db.flush()
    except IntegrityError:
        raise _conflict("同じ名前の部署が既にあります。", "A department with this name exists.") from None
    record(db, admin, "department_created", target_type="department", target_id=dept.id, ip=client_ip(request))
    db.commit()
    return dept


@router.patch("/departments/{department_id}", response_model=DepartmentOut)
def rename_department(
    department_id: PathId, body: DepartmentIn, admin: Admin, db: SessionDep, request: Request
) -> Department:
    dept = db.get(Department, department_id)
    if dept is None:
        raise not_found("部署", "department")
    dept.name = body.name.strip()
    try:
        db.flush()
    except IntegrityError:
        raise _conflict("同じ名前の部署が既にあります。", "A department with this name exists.") from None
    record(db, admin, "department_renamed", target_type="department", target_id=dept.id, ip=client_ip(request))
    db.commit()
    return dept


@router.get("/users", response_model=list[UserOut])
def list_users(_: Admin, db: SessionDep) -> list[User]:
    return list(db.scalars(select(User).order_by(User.id)))


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserCreate, admin: Admin, db: SessionDep, request: Request) -> User:
    _check_department(db, body.role, body.department_id)
    user = User(
        username=body.username,
        display_name=body.display_name,
        password_hash=hash_password(body.password),
        role=body.role,
        department_id=body.department_id,
    )
    db.add(user)
    try:
        db.flush()
    except IntegrityError:
        raise _conflict("このユーザー名は既に使われています。", "This username is taken.") from None
    record(
        db, admin, "user_created", target_type="user", target_id=user.id, ip=client_ip(request), role=body.role.value
    )
    db.commit()
    return user


@router.patch("/users/{user_id}", response_model=UserOut)
def update_user(user_id: PathId, body: UserUpdate, admin: Admin, db: SessionDep, request: Request) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise not_found("ユーザー", "user")
    changes = body.model_dump(exclude_unset=True)
    role = changes.get("role", user.role)
    department_id = changes.get("department_id", user.department_id)
    _check_department(db, role, department_id)
    if user.id == admin.id and (role is not Role.admin or changes.get("is_active") is False):
        raise GijirokuError(
            "self_lockout", "自分自身の管理者権限は外せません。", "You cannot remove your own admin access.", status=409
        )
    revoked = 0
    if changes.get("password") is not None:
        user.password_hash = hash_password(changes["password"])
        revoked = revoke_user_tokens(db, user)  # the old password may be known: end every session and token
    for name in ("role", "department_id", "display_name", "is_active"):
        if name in changes and (changes[name] is not None or name == "department_id"):
            setattr(user, name, changes[name])
    fields = sorted(k for k in changes if k != "password") + (["password"] if "password" in changes else [])
    record(
        db,
        admin,
        "user_updated",
        target_type="user",
        target_id=user.id,
        ip=client_ip(request),
        fields=fields,
        revoked_sessions=revoked,
    )
    db.commit()
    return user


@router.post("/users/{user_id}/tokens", response_model=ApiTokenOut, status_code=201)
def create_user_token(user_id: PathId, body: ApiTokenIn, admin: Admin, db: SessionDep, request: Request) -> ApiTokenOut:
    """An API token for a script account, created by an admin (shown once)."""
    user = db.get(User, user_id)
    if user is None:
        raise not_found("ユーザー", "user")
    secret, row = issue_token(db, user, TokenKind.api, dt.timedelta(days=body.days), body.name)
    record(db, admin, "token_created", target_type="user", target_id=user.id, ip=client_ip(request), name=body.name)
    db.commit()
    return ApiTokenOut(access_token=secret, expires_at=row.expires_at)


@router.get("/audit", response_model=list[AuditOut])
def audit_log(
    _: Admin,
    db: SessionDep,
    action: str | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=10_000_000),
) -> list[AuditLog]:
    stmt = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit).offset(offset)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return list(db.scalars(stmt))
