"""What each role may do, in one table; routes ask for a permission, never for a role name."""

from __future__ import annotations

import enum

from service.db.models import Role, User


class Permission(enum.StrEnum):
    view = "view"  # meetings, transcripts, audio, job progress of visible departments
    upload = "upload"
    edit = "edit"  # transcript revisions, meeting metadata, vocabulary
    export = "export"
    delete = "delete"  # meetings and their audio
    read_reports = "read_reports"  # KPI reports (issue 6)
    manage = "manage"  # users, departments, API tokens for others, audit log
    all_departments = "all_departments"  # not restricted to the user's own department


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.clerk: frozenset({Permission.view, Permission.upload}),
    # staff read their own department's reports (report_scope_all_departments is False for them)
    Role.staff: frozenset(
        {
            Permission.view,
            Permission.upload,
            Permission.edit,
            Permission.export,
            Permission.delete,
            Permission.read_reports,
        }
    ),
    Role.evaluator: frozenset({Permission.view, Permission.read_reports}),
    Role.admin: frozenset(Permission),
}


def has_permission(user: User, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[user.role]


def roles_with(permission: Permission) -> frozenset[Role]:
    """The roles holding ``permission``, for queries that filter stored rows by their author."""
    return frozenset(role for role, permissions in ROLE_PERMISSIONS.items() if permission in permissions)


def report_scope_all_departments(user: User) -> bool:
    """Evaluators and admins read reports across departments (meetings stay department-scoped)."""
    return user.role in (Role.evaluator, Role.admin)
