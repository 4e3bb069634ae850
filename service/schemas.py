"""Request and response bodies of the JSON API (what OpenAPI documents)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from models.quality import GRADE_LABELS
from service.db.models import JobStatus, MonthClosure, Role
from service.kpi.answers import CONTINUED_USE_LABELS, SATISFACTION_LABELS, ContinuedUse, Satisfaction
from service.kpi.periods import Period
from service.uploads import visible_text

MAX_ID = 2**31 - 1  # PostgreSQL integer; larger ids cannot exist, so they never reach the database
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


class _FromRow(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- auth and users -------------------------------------------------------------------------


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class TokenRequest(Credentials):
    name: str = Field(default="", max_length=200)


class DepartmentOut(_FromRow):
    id: int
    name: str


class DepartmentIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class UserOut(_FromRow):
    id: int
    username: str
    display_name: str
    role: Role
    department_id: int | None
    is_active: bool


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=1, max_length=1000)
    role: Role
    department_id: DbId | None = None
    display_name: str = Field(default="", max_length=200)


class UserUpdate(BaseModel):
    password: str | None = Field(default=None, min_length=1, max_length=1000)
    role: Role | None = None
    department_id: DbId | None = None
    display_name: str | None = Field(default=None, max_length=200)
    is_active: bool | None = None


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(min_length=1, max_length=1000)


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str
    expires_at: dt.datetime


class ApiTokenIn(BaseModel):
    name: str = Field(default="", max_length=200)
    days: int = Field(default=90, ge=1, le=3650)


class ApiTokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime


class AuditOut(_FromRow):
    id: int
    at: dt.datetime
    user_id: int | None
    username: str
    action: str
    target_type: str
    target_id: int | None
    department_id: int | None
    detail: dict[str, Any]
    ip: str


# --- meetings, jobs, transcripts ------------------------------------------------------------


class _FiniteFloats(BaseModel):
    """Times are stored as JSON: "NaN" or "Infinity" (which pydantic would accept as strings) is no
    number PostgreSQL's JSON, the exports or the editor can handle."""

    model_config = ConfigDict(allow_inf_nan=False)


class RecordingQualityIn(_FiniteFloats):
    """``RecordingQuality.to_dict`` (models.quality): the minutes JSON's ``quality``."""

    speech_level_dbfs: float | None = Field(default=None, description="発言部分の音量（dBFS）")
    snr_db: float | None = Field(default=None, description="SN比（dB、60 = 雑音を測れないほど小さい）")
    reverb_t60_s: float | None = Field(default=None, description="残響時間の推定（秒、T60）")
    clipping_ratio: float = Field(default=0.0, ge=0, le=1, description="音割れしたサンプルの割合")
    bandwidth_hz: float | None = Field(default=None, description="発言が届いている最高の周波数（Hz）")
    grade: Literal["good", "fair", "poor", "unknown"] = "unknown"
    advice: list[str] = Field(default_factory=list, max_length=20, description="改善のための助言（日本語）")


class RecordingQualityOut(RecordingQualityIn):
    @computed_field  # type: ignore[prop-decorator]
    @property
    def grade_label(self) -> str:
        """良好 / 普通 / 要改善 / 判定できません"""
        return GRADE_LABELS[self.grade]


class JobOut(_FromRow):
    id: int
    meeting_id: int
    status: JobStatus
    stage: str
    percent: float
    error_code: str | None
    error: str | None  # both languages in one string: 日本語（English）
    error_ja: str | None  # None for jobs that failed before these two fields existed
    error_en: str | None
    attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    recording_quality: RecordingQualityOut | None = Field(
        default=None, description="録音品質の診断（完了したジョブのみ）"
    )


class RerunIn(BaseModel):
    confirmed: bool = Field(
        default=False, description="職員の修正を含む版があっても再処理する（修正した版は版の履歴に残る）"
    )


class MeetingOut(_FromRow):
    id: int
    department_id: int
    title: str
    held_at: dt.datetime | None
    place: str
    attendees: list[str]
    agenda: list[str]
    original_filename: str
    audio_size: int
    audio_format: str
    duration: float | None
    sha256: str
    audio_available: bool
    audio_deleted_at: dt.datetime | None
    created_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    latest_job: JobOut | None = None
    latest_revision: int | None = None
    rerun_draft_revision: int | None = Field(
        default=None,
        description="最新版が再処理中に保存された編集を残した版（kind kept）のとき、その再処理の下書きの版",
    )


MeetingSort = Literal["created_at", "-created_at", "held_at", "-held_at", "title", "-title", "status", "-status"]
MAX_PER_PAGE = 200


class MeetingListParams(BaseModel):
    """The query of GET /api/meetings (and the 会議一覧 page's URL, which passes it on unchanged)."""

    q: str | None = Field(default=None, max_length=200, description="名称・場所の部分一致")
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=50, ge=1, le=MAX_PER_PAGE)
    sort: MeetingSort = Field(
        default="-created_at",
        description="created_at=登録日, held_at=開催日（未入力は最後）, title=名称, "
        "status=状態（待機中→処理中→完了→失敗→中止）; 先頭の - で降順",
    )
    status: JobStatus | None = Field(default=None, description="最新ジョブの状態")
    date_from: dt.date | None = Field(
        default=None, alias="from", description="開催日（日本時間）がこの日以降。開催日未入力の会議は登録日"
    )
    date_to: dt.date | None = Field(default=None, alias="to", description="開催日（日本時間）がこの日以前")
    department_id: DbId | None = Field(
        default=None, description="全部署を見られるロール（管理者）のみ他部署を指定可。それ以外は自部署のみ（他は403）"
    )


class MeetingPage(BaseModel):
    items: list[MeetingOut]
    total: int = Field(description="条件に合う会議の総数（全ページ）")
    page: int
    per_page: int


class MeetingCreated(BaseModel):
    meeting: MeetingOut
    job: JobOut


class MeetingUpdate(BaseModel):
    """The meeting page's 会議の情報 form (PATCH): the fields the upload form set, same rules."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    held_at: dt.datetime | None = None
    place: str | None = Field(default=None, max_length=300)
    attendees: list[str] | None = Field(default=None, max_length=500)
    agenda: list[str] | None = Field(default=None, max_length=500)

    @field_validator("title", "place", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value  # a blank title is a missing one

    _visible = field_validator("title", "place", "attendees", "agenda", mode="after")(visible_text)


RevisionKind = Literal["draft", "manual", "autosave", "restore", "voice", "kept"]


class RevisionOut(_FromRow):
    revision: int
    base_revision: int | None
    author_id: int | None
    author: str | None
    kind: RevisionKind = Field(
        description="draft（自動作成）/ manual（保存）/ autosave（自動保存）/ restore（復元）"
        " / voice（照合の取消: 話者を話者番号に戻した版）"
        " / kept（再処理中に保存された編集: 再処理の下書き（base_revision）の上に最新版として残した版）"
    )
    created_at: dt.datetime


class TranscriptOut(RevisionOut):
    minutes: dict[str, Any]


class TranscriptSave(BaseModel):
    base_revision: int = Field(ge=1)
    minutes: dict[str, Any]  # checked against MinutesIn by the route, which answers invalid_minutes
    kind: Literal["manual", "autosave", "restore"] = "manual"


class WordIn(_FiniteFloats):
    start: float
    end: float
    word: str
    probability: float
    confirmed: bool = False  # 確認済み in the editor


class TermReplacementIn(_FiniteFloats):
    original: str = Field(max_length=1000)
    replacement: str = Field(max_length=1000)
    start: int = Field(ge=0)
    similarity: float


class MaterialSuggestionIn(_FiniteFloats):
    kind: Literal["passage", "figure"]
    original: str = Field(max_length=10_000)
    suggestion: str = Field(max_length=10_000)
    start: int = Field(ge=0)
    similarity: float


class TurnIn(_FiniteFloats):
    speaker: str
    start: float
    end: float
    text: str = ""
    clean_text: str | None = None  # missing: the verbatim text
    words: list[WordIn] = Field(default_factory=list)
    clean_edited: bool = False  # clean_text edited by hand (models.draft.corrections)
    # from the meeting's materials (models.types): kept until staff undo or accept them
    replacements: list[TermReplacementIn] = Field(default_factory=list, max_length=10_000)
    suggestions: list[MaterialSuggestionIn] = Field(default_factory=list, max_length=10_000)


class SpeakerIn(BaseModel):
    id: str
    label: str


class MeetingInfoIn(BaseModel):
    title: str | None = None
    date: dt.date | None = None
    start_time: str | None = None
    place: str | None = None
    attendees: list[str] | None = None
    agenda: list[str] | None = None


class MinutesIn(_FiniteFloats):
    """The README's JSON format as a transcript save must send it (``Minutes.from_dict`` itself
    accepts any types and the exports would fail on them later)."""

    meeting: MeetingInfoIn | None = None
    duration: float = 0.0
    language: str = "ja"
    warnings: list[str] = Field(default_factory=list)
    speakers: list[SpeakerIn] = Field(default_factory=list)
    turns: list[TurnIn]
    quality: RecordingQualityIn | None = None


MAX_CORRECTION_CHARS = 4000


class CorrectionIn(BaseModel):
    """One turn as the editor had it when staff began changing one of its texts, and that text now."""

    field: Literal["text", "clean_text"] = Field(description="直した文: text（素起こし）/ clean_text（ケバ取り）")
    # A turn is rarely over a few hundred characters; the bound keeps difflib's worst case (it is
    # quadratic) to seconds.
    new_text: str = Field(max_length=MAX_CORRECTION_CHARS)
    text: str = Field(max_length=MAX_CORRECTION_CHARS, description="素起こし（直す前）")
    clean_text: str = Field(max_length=MAX_CORRECTION_CHARS, description="ケバ取り（直す前）")
    clean_edited: bool = False
    words: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=MAX_CORRECTION_CHARS)


class CorrectionOut(BaseModel):
    """The turn's two texts after the correction reached both, and the words it touched (確認済み)."""

    text: str
    clean_text: str
    clean_edited: bool
    touched: list[int]


class MaterialFileOut(_FromRow):
    id: int
    filename: str
    size: int
    created_at: dt.datetime


class MaterialTermOut(BaseModel):
    surface: str = Field(description="資料の表記")
    reading: str = Field(description="読み（カタカナ）")
    kind: str = Field(description="place, person, organization, proper, foreign, compound")
    count: int
    context: str = Field(description="最初に出てくる行")


class MaterialsOut(BaseModel):
    """A meeting's 会議資料 and what was found in them (models.materials)."""

    files: list[MaterialFileOut]
    terms: list[MaterialTermOut]
    figures: list[str]


Variants = list[Annotated[str, Field(min_length=1, max_length=200)]]


class VocabularyRule(BaseModel):
    """An entry's rule: what POST /api/vocabulary/preview runs over past transcripts."""

    term: str = Field(min_length=1, max_length=200, description="正しい表記")
    variants: Variants = Field(default_factory=list, max_length=50, description="誤変換・読み（かな）")


class VocabularyIn(VocabularyRule):
    note: str = Field(default="", max_length=500)
    confirmed: bool = Field(
        default=False, description="影響の大きい規則（1文字、長い語の一部）と分かったうえで登録する"
    )


class VocabularyUpdate(BaseModel):
    term: str | None = Field(default=None, min_length=1, max_length=200)
    variants: Variants | None = Field(default=None, max_length=50)
    note: str | None = Field(default=None, max_length=500)
    confirmed: bool = False  # as in VocabularyIn, for changed variants


class VocabularyExampleOut(BaseModel):
    """One place in a past transcript: ``prefix + old + suffix`` now, ``prefix + new + suffix`` after."""

    meeting_id: int
    title: str
    prefix: str
    old: str
    new: str
    suffix: str


class LongerWordOut(BaseModel):
    source: str  # the variant ...
    word: str  # ... found inside this longer word ...
    count: int  # ... this many times


class VocabularyImpactOut(BaseModel):
    changes: int  # places in the department's past transcripts (latest revisions) the rule changes
    meetings_changed: int
    meetings_searched: int
    examples: list[VocabularyExampleOut]
    one_character: list[str]  # variants one character long
    longer_words: list[LongerWordOut]
    needs_confirmation: bool
    warnings: list[str]  # Japanese sentences saying why it needs confirmation


class VocabularyOut(_FromRow):
    id: int
    department_id: int
    term: str
    variants: list[str]
    note: str
    created_at: dt.datetime


class ComponentHealth(BaseModel):
    ok: bool
    detail: str


class HealthOut(BaseModel):
    status: str  # "ok" or "degraded"
    database: ComponentHealth
    queue: ComponentHealth
    model: ComponentHealth


# --- surveys and month closing --------------------------------------------------------------


class SurveyAnswers(BaseModel):
    """One user's answers for one meeting: the PUT /survey body, the survey form (validated by
    this same model) and what ``service.kpi.surveys.save_survey`` stores."""

    satisfaction: Satisfaction = Field(description="very_satisfied=大変満足 … very_dissatisfied=大変不満")
    continued_use: ContinuedUse = Field(description="yes=はい / no=いいえ / unsure=わからない")
    estimated_minutes: float = Field(ge=0, le=14_400, description="システムなしで作成した場合の見込み時間（分）")
    review_minutes: float = Field(default=0.0, ge=0, le=14_400, description="編集画面の外で確認に使った時間（分）")
    comment: str = Field(default="", max_length=4000)

    @field_validator("comment", mode="after")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class SurveyAnswersOut(SurveyAnswers):
    """The stored answers (a ``Survey`` row) as the API returns them, with their labels."""

    model_config = ConfigDict(from_attributes=True)

    updated_at: dt.datetime

    @computed_field  # type: ignore[prop-decorator]  # mypy cannot see through pydantic's decorator on a property
    @property
    def satisfaction_label(self) -> str:
        return SATISFACTION_LABELS[self.satisfaction]

    @computed_field  # type: ignore[prop-decorator]  # as above
    @property
    def continued_use_label(self) -> str:
        return CONTINUED_USE_LABELS[self.continued_use]


class ClosureIn(BaseModel):
    year: int = Field(ge=2000, le=2100, description="暦年")
    month: int = Field(ge=1, le=12)
    department_id: DbId | None = Field(default=None, description="省略: 全所属の月を締める")


class ClosureOut(BaseModel):
    id: int
    year: int
    month: int
    label: str
    department_id: int | None
    department: str | None
    closed_at: dt.datetime

    @classmethod
    def from_row(cls, row: MonthClosure) -> ClosureOut:
        return cls(
            id=row.id,
            year=row.year,
            month=row.month,
            label=Period.of_month(row.year, row.month).label,
            department_id=row.department_id,
            department=row.department.name if row.department else None,
            closed_at=row.closed_at,
        )
