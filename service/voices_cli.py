"""``gijiroku voices enroll|list``: the file voice registry that ``gijiroku transcribe --voices`` reads.

Enrolment takes a recording and its corrected minutes JSON (the documented format, e.g. an export
after staff renamed the speakers): every speaker whose label is a name is enrolled from its turns,
through ``models.voices.enrol`` as in the service. The store file holds biometric data; it is
written with mode 600 and never printed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from models.errors import GijirokuError


def add_parser(sub: argparse._SubParsersAction) -> None:
    voices = sub.add_parser("voices", help="voice profiles 話者登録 (a JSON store file)").add_subparsers(
        dest="voices_command", required=True
    )
    p = voices.add_parser("enroll", help="enrol every named speaker of MINUTES.json from AUDIO")
    p.add_argument("store", type=Path, help="voice store file (created if missing)")
    p.add_argument("audio", type=Path, help="the recording the minutes were made from")
    p.add_argument("minutes", type=Path, help="minutes JSON whose speakers[].label are names")
    p.set_defaults(func=_cmd_enroll)
    p = voices.add_parser("list", help="people in the store and where their prints came from")
    p.add_argument("store", type=Path)
    p.set_defaults(func=_cmd_list)


def _read_minutes(path: Path):
    from models.types import Minutes

    try:
        return Minutes.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GijirokuError(
            "minutes_invalid",
            f"会議録 JSON を読み込めません: {path}",
            f"Cannot read the minutes JSON: {path} ({exc})",
        ) from exc


def _cmd_enroll(args: argparse.Namespace) -> int:
    from models.audio import decode_audio
    from models.voices.embedding import GE2E_ENCODER
    from models.voices.enrol import enrolment_prints
    from models.voices.store import VoiceStore
    from service.config import get_settings

    settings = get_settings()
    _require_enabled(settings.voice_profiles)
    store = VoiceStore.load(args.store)
    minutes = _read_minutes(args.minutes)
    audio = decode_audio(args.audio)
    prints = enrolment_prints(settings.pipeline().voice_encoder, audio, minutes)
    if not prints:
        raise GijirokuError(
            "voices_nothing_to_enroll",
            "登録できる話者がいません（話者名が「話者N」のまま、または 2 秒以上の単独発言がありません）。",
            "No speaker to enrol (labels are still 話者N, or no single-voice turn of 2 s or more).",
        )
    for label, enrolment in prints.items():
        store.add_print(label, enrolment.vector, GE2E_ENCODER, source=args.audio.name)
        print(f"登録 / enrolled: {label}")
    store.save()
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from models.voices.store import VoiceStore

    for person in VoiceStore.load(args.store).summary():
        sources = "、".join(p["source"] for p in person["prints"])
        print(f"{person['label']}\t{len(person['prints'])}\t{sources}")
    return 0


def _require_enabled(enabled: bool) -> None:
    if not enabled:
        raise GijirokuError(
            "voice_profiles_disabled",
            "話者登録は無効に設定されています（GIJIROKU_VOICE_PROFILES）。",
            "Voice profiles are turned off (GIJIROKU_VOICE_PROFILES).",
            status=403,
        )


def load_registry(store: Path):
    """``transcribe --voices STORE``: the store's people under the configured match policy."""
    from models.voices.matching import VoiceRegistry
    from models.voices.store import VoiceStore
    from service.config import get_settings

    settings = get_settings()
    _require_enabled(settings.voice_profiles)
    if not store.is_file():
        raise GijirokuError(
            "voice_store_missing", f"話者登録ファイルがありません: {store}", f"Voice store not found: {store}"
        )
    return VoiceRegistry(tuple(VoiceStore.load(store).people()), settings.voice_match_policy)
